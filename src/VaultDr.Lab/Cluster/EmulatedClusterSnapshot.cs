namespace VaultDr.Lab;

/// <summary>An emulated cluster as the control API shows it.</summary>
public sealed record EmulatedClusterSnapshot(
    string Name,
    Uri ApiAddress,
    Uri ClusterAddress,
    bool Running,
    bool Sealed,
    string Mode,
    string State,
    string? ClusterId,
    long LastWal,
    long LastRemoteWal,
    string MerkleRoot)
{
    /// <summary>The merkle trees the lab corrupted and no reindex has repaired yet: replicated, local, root.</summary>
    public IReadOnlyList<string> CorruptMerkleTrees { get; init; } = [];

    public bool Reindexing { get; init; }

    /// <summary>Replication stopped syncing (the lab broke it) and has not been recovered.</summary>
    public bool ReplicationStopped { get; init; }

    public bool StatusEndpointsDisabled { get; init; }

    /// <summary>The raft configuration's node ids: the active node first, then the standbys.</summary>
    public IReadOnlyList<string> RaftPeers { get; init; } = [];

    /// <summary>The version sys/health reports, e.g. "1.15.0+ent".</summary>
    public string VaultVersion { get; init; } = "";

    /// <summary>"shamir", or the KMS seal's type with auto-unseal.</summary>
    public string SealType { get; init; } = "shamir";

    /// <summary>The cluster has recovery keys (auto-unseal), not unseal keys.</summary>
    public bool RecoverySeal { get; init; }

    /// <summary>How far the cluster's clock runs ahead of the machine's, in ms (negative: behind).</summary>
    public long ClockSkewMs { get; init; }

    /// <summary>The server's enable_unauthenticated_access (effective from Vault 2.0).</summary>
    public IReadOnlyList<string> EnableUnauthenticatedAccess { get; init; } = [];
}
