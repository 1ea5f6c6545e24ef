using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Starts a stopped lab cluster again on the same ports, with its state intact.</summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrLabCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StartVaultDrLabClusterCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster[] Cluster { get; set; } = Array.Empty<LabCluster>();

    protected override void ProcessRecord()
    {
        foreach (var cluster in Cluster)
        {
            if (Confirmations.ShouldChange(cluster.ToString(), "Start the lab cluster"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.StartClusterAsync(cluster, cancellationToken));
            }
        }
    }
}
