using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>
/// Start- and Stop-VaultDrLabStandby: -Cluster and -NodeId, and one confirmed lab-control call per standby named.
/// </summary>
public abstract class VaultDrLabStandbyCmdlet : VaultDrLabCmdlet
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

    /// <summary>What the confirmation says is done to each standby.</summary>
    internal abstract string Action { get; }

    /// <summary>The lab-control call for one standby.</summary>
    internal abstract Task ApplyAsync(LabControlEndpoints control, string nodeId, CancellationToken cancellationToken);

    protected override void ProcessRecord()
    {
        foreach (var nodeId in NodeId)
        {
            if (Confirmations.ShouldChange($"{nodeId} of {Cluster}", Action))
            {
                Control(Cluster.Lab, (control, cancellationToken) => ApplyAsync(control, nodeId, cancellationToken));
            }
        }
    }
}
