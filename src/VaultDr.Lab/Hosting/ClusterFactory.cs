namespace VaultDr.Lab;

/// <summary>The one place where the host builds a cluster.</summary>
public static class ClusterFactory
{
    public static ILabClusterNode Create(string name, LabOptions options, IPeerTransport transport) =>
        new EmulatedCluster(name, options, transport, TimeProvider.System);
}
