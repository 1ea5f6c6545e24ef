namespace VaultDr.Lab;

/// <summary>The hosting sees a cluster through <see cref="ILabClusterNode"/>.</summary>
public sealed partial class LabCluster : ILabClusterNode
{
    object ILabClusterNode.Describe() => Describe();
}
