using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Removes every injected fault and partition and all latency from a lab.</summary>
[Cmdlet(VerbsCommon.Clear, "VaultDrLabFault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class ClearVaultDrLabFaultCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [LabTransformation]
    [ArgumentCompleter(typeof(LabCompleter))]
    public VaultDrLab Lab { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (!Confirmations.ShouldChange($"lab process {Lab.ProcessId}", "Clear all faults, partitions and latency"))
        {
            return;
        }

        Control(Lab, async (control, cancellationToken) =>
        {
            await control.ClearFaultsAsync(cancellationToken).ConfigureAwait(false);
            await control.HealPartitionsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var cluster in Lab.Clusters)
            {
                await control.SetLatencyAsync(cluster, 0, cancellationToken).ConfigureAwait(false);
            }
        });
    }
}
