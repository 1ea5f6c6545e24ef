using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Empties the lab's request log.</summary>
[Cmdlet(VerbsCommon.Clear, "VaultDrLabRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class ClearVaultDrLabRequestCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [LabTransformation]
    [ArgumentCompleter(typeof(LabCompleter))]
    public VaultDrLab Lab { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (Confirmations.ShouldChange($"lab process {Lab.ProcessId}", "Clear the request log"))
        {
            Control(Lab, (control, cancellationToken) => control.ClearRequestsAsync(cancellationToken));
        }
    }
}
