namespace VaultDr.Lab;

/// <summary>
/// What the hosting needs from one emulated cluster. The real cluster (Cluster/EmulatedCluster) has exactly these
/// members (<see cref="ClusterFactory"/> builds it).
/// </summary>
public interface ILabClusterNode
{
    string Name { get; }

    /// <summary>Set by the host once the API endpoint listens, e.g. <c>https://127.0.0.1:51234/</c>.</summary>
    Uri ApiAddress { get; set; }

    /// <summary>Set by the host once the cluster endpoint listens.</summary>
    Uri ClusterAddress { get; set; }

    /// <summary>False while the host has the cluster's listeners stopped (connections refused).</summary>
    bool Running { get; set; }

    string RootToken { get; }

    IReadOnlyList<string> UnsealKeysHex { get; }

    IReadOnlyList<string> UnsealKeysBase64 { get; }

    /// <summary>The recovery key shares (hex) of an auto-unseal cluster; empty with Shamir.</summary>
    IReadOnlyList<string> RecoveryKeysHex { get; }

    /// <summary>"shamir", or the KMS seal's type with auto-unseal.</summary>
    string SealType { get; }

    /// <summary>With <see cref="LabOptions.PgpKeys"/>: the shares as operator init -pgp-keys returns them (keys_base64); else empty.</summary>
    IReadOnlyList<string> EncryptedUnsealKeysBase64 { get; }

    bool Sealed { get; }

    void Seal();

    void Unseal();

    /// <summary>A request that reached the API endpoint (after faults and latency).</summary>
    Task<LabResponse> HandleApiAsync(LabRequest request, CancellationToken ct);

    /// <summary>A request that reached the cluster endpoint (replication traffic from peers).</summary>
    Task<LabResponse> HandleClusterAsync(LabRequest request, CancellationToken ct);

    /// <summary>Called once, after every cluster of the lab listens and knows its addresses.</summary>
    void StartBackground();

    /// <summary>A JSON-serialisable description (a record); the control API adds the host's fields to it.</summary>
    object Describe();

    /// <summary>Corrupts one merkle tree: "replicated", "local" or "root" (ArgumentException for another name).</summary>
    void CorruptMerkleTree(string tree);

    /// <summary>Repairs every merkle tree at once (the control's undo; a reindex is Vault's way).</summary>
    void RepairMerkleTrees();

    /// <summary>The cluster runs another Vault version from now on (an upgrade or a downgrade).</summary>
    void SetVaultVersion(string version);

    /// <summary>Vault 2.x's enable_unauthenticated_access, reloaded (ArgumentException for an unknown family).</summary>
    void SetUnauthenticatedAccess(IReadOnlyCollection<string> families);

    /// <summary>disable_replication_status_endpoints on the API listener.</summary>
    void SetStatusEndpointsDisabled(bool disabled);

    /// <summary>Replication stops syncing until recovered (InvalidOperationException when replication is disabled).</summary>
    void BreakReplication();

    /// <summary>A standby the host opened at <paramref name="address"/> joins the raft configuration; returns its node id.</summary>
    string AddStandby(Uri address);

    /// <summary>The host stopped or started a standby's listener.</summary>
    void SetStandbyRunning(string nodeId, bool running);

    /// <summary>The host closed a standby for good.</summary>
    void RemoveStandby(string nodeId);

    /// <summary>The cluster's clock runs <paramref name="skew"/> ahead of the machine's (negative: behind; zero resets).</summary>
    void SetClockSkew(TimeSpan skew);

    /// <summary>The cluster's server log, oldest first.</summary>
    IReadOnlyList<LabLogEntry> ReadLog();

    void Dispose();
}
