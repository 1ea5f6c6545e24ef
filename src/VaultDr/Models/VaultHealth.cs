namespace VaultDr;

/// <summary>A node's answer to sys/health: its role is in the HTTP status code as much as in the body.</summary>
public sealed class VaultHealth
{
    public Uri Address { get; init; } = null!;

    /// <summary>200 active, 429 standby, 472 DR secondary, 473 performance standby, 474 unhealthy HA, 501 not initialised, 503 sealed, 530 removed.</summary>
    public int StatusCode { get; init; }

    /// <summary>active, standby, dr-secondary, performance-standby, unhealthy, uninitialized, sealed, removed or unknown.</summary>
    public string Role { get; init; } = "unknown";

    public bool? Initialized { get; init; }

    public bool? Sealed { get; init; }

    public bool? Standby { get; init; }

    public bool? PerformanceStandby { get; init; }

    public string? ReplicationDrMode { get; init; }

    public string? ReplicationPerformanceMode { get; init; }

    public string? Version { get; init; }

    public string? ClusterName { get; init; }

    public string? ClusterId { get; init; }

    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>
    /// False when the node cannot serve (sealed, not initialised, unhealthy standby, removed, unknown answer) or its
    /// replication status says corrupted_merkle_tree: true. <see cref="Problems"/> says why and what to do.
    /// </summary>
    public bool Healthy { get; init; }

    /// <summary>One sentence per problem found, each with the next step; empty when Healthy.</summary>
    public string[] Problems { get; init; } = [];

    /// <summary>corrupted_merkle_tree from the node's DR status; null when that status was not read or not readable.</summary>
    public bool? CorruptedMerkleTree { get; init; }

    /// <summary>When Vault last checked the Merkle tree for corruption; null for never (Go's zero time) or unknown.</summary>
    public DateTimeOffset? LastCorruptionCheck { get; init; }

    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();
}
