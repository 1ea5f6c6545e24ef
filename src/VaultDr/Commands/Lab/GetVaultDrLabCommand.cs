using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>
/// Lists the labs this session started that are still running, each cluster refreshed from its lab (certificate
/// dates, clock skew).
/// </summary>
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
                continue;
            }

            try
            {
                Run(async (log, cancellationToken) =>
                {
                    await new LabControlEndpoints(lab, log).RefreshClustersAsync(lab, cancellationToken).ConfigureAwait(false);
                    return true;
                });
            }
            catch (VaultDrException e)
            {
                // The lab is still listed: what it was last known to be is better than nothing.
                Streams.Warning($"Lab process {lab.ProcessId} did not answer, so its clusters' CertificateNotAfter and ClockSkew may be out of date ({e.Message}). Stop-VaultDrLab ends it if it is stuck.");
            }

            WriteObject(lab);
        }
    }
}
