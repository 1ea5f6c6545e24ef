using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Stops one lab cluster: its listeners close, so clients and peers get connection refused.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VaultDrLabCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StopVaultDrLabClusterCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster[] Cluster { get; set; } = Array.Empty<LabCluster>();

    protected override void ProcessRecord()
    {
        foreach (var cluster in Cluster)
        {
            if (Confirmations.ShouldChange(cluster.ToString(), "Stop the lab cluster"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.StopClusterAsync(cluster, cancellationToken));
            }
        }
    }
}
