namespace VaultDr;

/// <summary>A cluster's DR replication status (GET sys/replication/dr/status).</summary>
public sealed class DrStatus
{
    /// <summary>The cluster the status came from.</summary>
    public Uri Address { get; init; } = null!;

    public string? ClusterId { get; init; }

    /// <summary>disabled, bootstrapping, primary, secondary or unknown.</summary>
    public string Mode { get; init; } = "unknown";

    /// <summary>running (healthy primary), stream-wals (healthy secondary), merkle-diff, merkle-sync, connecting, idle, ...</summary>
    public string? State { get; init; }

    public string? MerkleRoot { get; init; }

    public long? LastWal { get; init; }

    public long? LastDrWal { get; init; }

    public long? LastPerformanceWal { get; init; }

    public long? LastRemoteWal { get; init; }

    public string? LastReindexEpoch { get; init; }

    public string? PrimaryClusterAddr { get; init; }

    public string? SecondaryId { get; init; }

    public long? SsctGenerationCounter { get; init; }

    public bool? CorruptedMerkleTree { get; init; }

    public string? LastCorruptionCheckEpoch { get; init; }

    public string[] KnownSecondaries { get; init; } = Array.Empty<string>();

    public string[] KnownPrimaryClusterAddrs { get; init; } = Array.Empty<string>();

    /// <summary>On a primary: the secondaries it knows about.</summary>
    public DrPeer[] Secondaries { get; init; } = Array.Empty<DrPeer>();

    /// <summary>On a secondary: the primary it follows.</summary>
    public DrPeer[] Primaries { get; init; } = Array.Empty<DrPeer>();

    /// <summary>Every field Vault sent, including ones this version of VaultDr does not know.</summary>
    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();

    public bool IsPrimary => Mode == "primary";

    public bool IsSecondary => Mode == "secondary";
}

/// <summary>One peer cluster in a DR status: a secondary seen from its primary, or the primary seen from a secondary.</summary>
public sealed class DrPeer
{
    public string? NodeId { get; init; }

    public string? ApiAddress { get; init; }

    public string? ClusterAddress { get; init; }

    /// <summary>connected or disconnected.</summary>
    public string? ConnectionStatus { get; init; }

    public string? ConnectionState { get; init; }

    public DateTimeOffset? LastHeartbeat { get; init; }

    public DateTimeOffset? LastStart { get; init; }

    public long? ClockSkewMs { get; init; }

    public long? LastHeartbeatDurationMs { get; init; }

    public long? ReplicationPrimaryCanaryAgeMs { get; init; }

    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();

    public bool IsConnected => ConnectionStatus == "connected";
}
