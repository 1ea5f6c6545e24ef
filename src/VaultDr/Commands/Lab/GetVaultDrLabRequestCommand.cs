using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads the lab's request log: every API request each cluster received (no bodies, no tokens).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrLabRequest", DefaultParameterSetName = LabSet)]
[OutputType(typeof(LabRequestRecord))]
public sealed class GetVaultDrLabRequestCommand : VaultDrLabCmdlet
{
    private const string LabSet = "Lab";
    private const string ClusterSet = "Cluster";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LabSet, ValueFromPipeline = true)]
    [LabTransformation]
    [ArgumentCompleter(typeof(LabCompleter))]
    public VaultDrLab Lab { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = ClusterSet, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster Cluster { get; set; } = null!;

    protected override void ProcessRecord()
    {
        var lab = ParameterSetName == ClusterSet ? Cluster.Lab : Lab;
        var cluster = ParameterSetName == ClusterSet ? Cluster : null;
        WriteObject(Control(lab, (control, cancellationToken) => control.ReadRequestsAsync(cluster, cancellationToken)), enumerateCollection: true);
    }
}
