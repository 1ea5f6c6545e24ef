using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Stops standby nodes of a lab cluster: their listeners close, and autopilot sees dead raft peers.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VaultDrLabStandby", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StopVaultDrLabStandbyCommand : VaultDrLabCmdlet
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
            if (Confirmations.ShouldChange($"{nodeId} of {Cluster}", "Stop the standby: its listener closes, and autopilot sees a dead raft peer"))
            {
                Control(Cluster.Lab, (control, cancellationToken) => control.StopStandbyAsync(Cluster, nodeId, cancellationToken));
            }
        }
    }
}
