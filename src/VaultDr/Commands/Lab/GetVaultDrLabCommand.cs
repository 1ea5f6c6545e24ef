using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>Lists the labs this session started that are still running.</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrLab")]
[OutputType(typeof(VaultDrLab))]
public sealed class GetVaultDrLabCommand : VaultDrCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var lab in LabRegistry.Mine())
        {
            if (LabProcesses.HasExited(lab))
            {
                LabRegistry.Remove(lab);
            }
            else
            {
                WriteObject(lab);
            }
        }
    }
}
