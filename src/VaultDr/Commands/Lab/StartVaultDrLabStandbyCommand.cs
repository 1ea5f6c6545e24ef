using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Starts stopped standby nodes of a lab cluster again, on the same ports: healthy raft peers once more.</summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrLabStandby", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StartVaultDrLabStandbyCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster Cluster { get; set; } = null!;

    /// <summary>The standbys' raft node ids, as New-VaultDrLabStandby names its connection (e.g. vault-1-node-2).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LabStandbyCompleter))]
    public string[] NodeId { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var nodeId in NodeId)
        {
            if (Confirmations.ShouldChange($"{nodeId} of {Cluster}", "Start the standby again on its port"))
            {
                Control(Cluster.Lab, (control, cancellationToken) => control.StartStandbyAsync(Cluster, nodeId, cancellationToken));
            }
        }
    }
}
