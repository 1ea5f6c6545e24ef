using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads a lab cluster's server log: what Vault would log about reindexes, merkle checks, recovery and raft peers.</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrLabLog")]
[OutputType(typeof(LabLogRecord))]
public sealed class GetVaultDrLabLogCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster[] Cluster { get; set; } = Array.Empty<LabCluster>();

    protected override void ProcessRecord()
    {
        foreach (var cluster in Cluster)
        {
            WriteObject(Control(cluster.Lab, (control, cancellationToken) => control.ReadLogAsync(cluster, cancellationToken)), enumerateCollection: true);
        }
    }
}
