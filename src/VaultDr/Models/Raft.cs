namespace VaultDr;

/// <summary>One server of a cluster's Raft configuration (sys/storage/raft/configuration).</summary>
public sealed class RaftPeer
{
    /// <summary>The name of the connection the configuration was read on.</summary>
    public string Cluster { get; init; } = string.Empty;

    /// <summary>The server id, as Remove-VaultDrRaftPeer -ServerId takes it.</summary>
    public string NodeId { get; init; } = string.Empty;

    /// <summary>Its Raft (cluster) address, host:port.</summary>
    public string? Address { get; init; }

    public bool Leader { get; init; }

    public bool Voter { get; init; }

    /// <summary>The Raft protocol version (Vault sends it as one control character, "\u0003" for 3).</summary>
    public int? ProtocolVersion { get; init; }
}

/// <summary>A cluster's autopilot view of its Raft servers (sys/storage/raft/autopilot/state).</summary>
public sealed class AutopilotState
{
    public string Cluster { get; init; } = string.Empty;

    public Uri Address { get; init; } = null!;

    public bool? Healthy { get; init; }

    /// <summary>How many voters can fail with the cluster keeping its quorum.</summary>
    public long? FailureTolerance { get; init; }

    /// <summary>Enterprise: the failure tolerance counting non-voters that could be promoted.</summary>
    public long? OptimisticFailureTolerance { get; init; }

    /// <summary>The leader's server id.</summary>
    public string? Leader { get; init; }

    /// <summary>The voters' server ids.</summary>
    public string[] Voters { get; init; } = [];

    public AutopilotServer[] Servers { get; init; } = [];

    /// <summary>Every field Vault sent (redundancy_zones, upgrade_info, ...).</summary>
    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();
}

/// <summary>One server as autopilot sees it.</summary>
public sealed class AutopilotServer
{
    public string Id { get; init; } = string.Empty;

    public string? Name { get; init; }

    public string? Address { get; init; }

    public bool? Healthy { get; init; }

    /// <summary>alive, left, failed, ...</summary>
    public string? NodeStatus { get; init; }

    /// <summary>voter, non-voter, ...</summary>
    public string? NodeType { get; init; }

    /// <summary>leader, voter, non-voter, ...</summary>
    public string? Status { get; init; }

    public string? Version { get; init; }

    /// <summary>Time since the leader last heard from it (Vault's Go duration, such as "1.5s").</summary>
    public TimeSpan? LastContact { get; init; }

    public long? LastIndex { get; init; }

    public long? LastTerm { get; init; }

    public DateTimeOffset? StableSince { get; init; }
}

/// <summary>A cluster's autopilot settings (sys/storage/raft/autopilot/configuration).</summary>
public sealed class AutopilotConfiguration
{
    public string Cluster { get; init; } = string.Empty;

    public Uri Address { get; init; } = null!;

    public bool? CleanupDeadServers { get; init; }

    public TimeSpan? DeadServerLastContactThreshold { get; init; }

    public TimeSpan? LastContactThreshold { get; init; }

    public long? MaxTrailingLogs { get; init; }

    public long? MinQuorum { get; init; }

    public TimeSpan? ServerStabilizationTime { get; init; }

    public bool? DisableUpgradeMigration { get; init; }

    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();
}
