namespace VaultDr.Orchestration;

/// <summary>
/// Get-VaultDrHealth's verdict on one node, as a pure function of its sys/health answer and (when it could be read)
/// its DR status: the role the status code stands for, and a corrupted Merkle tree.
/// </summary>
internal static class NodeHealthRules
{
    /// <summary>Whether a DR status read is worth making: a sealed or uninitialised node has none to give.</summary>
    internal static bool CanReadStatus(VaultHealth health) => health.Sealed != true && health.Initialized != false && health.StatusCode is not (501 or 503 or 530);

    /// <summary>The health answer with Healthy, Problems and the Merkle tree state filled in.</summary>
    internal static VaultHealth Judge(VaultHealth health, DrStatus? status)
    {
        var name = health.Address.Authority;
        var problems = new List<string>();
        if (RoleProblem(health.StatusCode, name) is { } roleProblem)
        {
            problems.Add(roleProblem);
        }

        if (status?.CorruptedMerkleTree == true)
        {
            problems.Add(ReplicationHealthRules.CorruptionSentence(status, name));
        }

        return new VaultHealth
        {
            Address = health.Address,
            StatusCode = health.StatusCode,
            Role = health.Role,
            Initialized = health.Initialized,
            Sealed = health.Sealed,
            Standby = health.Standby,
            PerformanceStandby = health.PerformanceStandby,
            ReplicationDrMode = health.ReplicationDrMode,
            ReplicationPerformanceMode = health.ReplicationPerformanceMode,
            Version = health.Version,
            ClusterName = health.ClusterName,
            ClusterId = health.ClusterId,
            ServerTime = health.ServerTime,
            Healthy = problems.Count == 0,
            Problems = problems.ToArray(),
            CorruptedMerkleTree = status?.CorruptedMerkleTree,
            LastCorruptionCheck = status?.LastCorruptionCheck,
            Raw = health.Raw,
        };
    }

    private static string? RoleProblem(int statusCode, string name) => statusCode switch
    {
        200 or 429 or 472 or 473 => null,
        474 => $"{name} is a standby that cannot reach its active node (474): check the cluster's network and its active node.",
        501 => $"{name} is not initialised (501): initialise it (vault operator init) before it can take part in replication.",
        503 => $"{name} is sealed (503): unseal it (vault operator unseal, or the auto-unseal key) before anything else.",
        530 => $"{name} has been removed from its Raft cluster (530): it no longer serves; use another node's address.",
        _ => $"{name} answered sys/health with status {statusCode}, which says no known role: check the address points to Vault.",
    };
}
