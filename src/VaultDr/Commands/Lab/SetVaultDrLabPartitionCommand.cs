using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Cuts replication traffic between two lab clusters (clients can still reach both).</summary>
[Cmdlet(VerbsCommon.Set, "VaultDrLabPartition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class SetVaultDrLabPartitionCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster Cluster { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster Peer { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (Confirmations.ShouldChange($"{Cluster.Name} <-> {Peer.Name}", "Partition the two lab clusters"))
        {
            Control(Cluster.Lab, (control, cancellationToken) => control.PartitionAsync(Cluster, Peer, cancellationToken));
        }
    }
}
