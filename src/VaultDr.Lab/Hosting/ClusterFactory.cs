namespace VaultDr.Lab;

/// <summary>
/// The one place where the host builds a cluster. MERGE POINT: on the branch that has Cluster/LabCluster, the body
/// becomes <c>new LabClusterNode(new LabCluster(name, options, transport, TimeProvider.System))</c> (or LabCluster
/// itself once it implements <see cref="ILabClusterNode"/>). Until then it builds a <see cref="MinimalCluster"/>
/// so the lab runs end to end.
/// </summary>
public static class ClusterFactory
{
    public static ILabClusterNode Create(string name, LabOptions options, IPeerTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return new MinimalCluster(name, options);
    }
}
