namespace VaultDr;

/// <summary>A cluster's DR replication status (GET sys/replication/dr/status).</summary>
public sealed class DrStatus
{
    /// <summary>The name of the connection the status was read on (its host:port unless named).</summary>
    public string Cluster { get; init; } = string.Empty;

    /// <summary>The cluster the status came from.</summary>
    public Uri Address { get; init; } = null!;

    public string? ClusterId { get; init; }

    /// <summary>disabled, bootstrapping, primary, secondary or unknown (a mode this version of VaultDr does not know; Raw has Vault's text).</summary>
    public DrMode Mode { get; init; } = DrMode.unknown;

    /// <summary>running (healthy primary), stream-wals (healthy secondary), merkle-diff, merkle-sync, connecting, idle, ...</summary>
    public string? State { get; init; }

    public string? MerkleRoot { get; init; }

    public long? LastWal { get; init; }

    public long? LastDrWal { get; init; }

    public long? LastPerformanceWal { get; init; }

    public long? LastRemoteWal { get; init; }

    /// <summary>Vault's text (unix seconds, "0" = never); <see cref="LastReindex"/> is the time it stands for.</summary>
    public string? LastReindexEpoch { get; init; }

    /// <summary>When the last reindex ran; null when it never did (Vault's "0").</summary>
    public DateTimeOffset? LastReindex { get; init; }

    /// <summary>True while a reindex runs (reindex_in_progress); null when Vault does not say (it omits the key when idle).</summary>
    public bool? ReindexInProgress { get; init; }

    /// <summary>The running reindex's stage: scanning, building, wal-replay, commit (reindex_stage).</summary>
    public string? ReindexStage { get; init; }

    /// <summary>How far the building stage is (reindex_building_progress of reindex_building_total); null outside it.</summary>
    public ReindexProgress? ReindexProgress { get; init; }

    public string? PrimaryClusterAddr { get; init; }

    public string? SecondaryId { get; init; }

    public long? SsctGenerationCounter { get; init; }

    public bool? CorruptedMerkleTree { get; init; }

    /// <summary>Vault's text (unix seconds; "-62135596800", Go's zero time, = never checked).</summary>
    public string? LastCorruptionCheckEpoch { get; init; }

    /// <summary>When the Merkle trees were last checked for corruption; null when never.</summary>
    public DateTimeOffset? LastCorruptionCheck { get; init; }

    public string[] KnownSecondaries { get; init; } = Array.Empty<string>();

    public string[] KnownPrimaryClusterAddrs { get; init; } = Array.Empty<string>();

    /// <summary>On a primary: the secondaries it knows about.</summary>
    public DrPeer[] Secondaries { get; init; } = Array.Empty<DrPeer>();

    /// <summary>On a secondary: the primary it follows.</summary>
    public DrPeer[] Primaries { get; init; } = Array.Empty<DrPeer>();

    /// <summary>Every field Vault sent, including ones this version of VaultDr does not know.</summary>
    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();

    public bool IsPrimary => Mode == DrMode.primary;

    public bool IsSecondary => Mode == DrMode.secondary;
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

/// <summary>
/// A cluster's DR replication mode. The names are Vault's own text, lower case, so a mode prints, compares
/// (<c>$s.Mode -eq 'primary'</c>) and completes (<c>Where-Object Mode -eq &lt;Tab&gt;</c>) as Vault writes it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "The names are Vault's wire values.")]
public enum DrMode
{
    /// <summary>Mode not known to this version of VaultDr (see the status's Raw for Vault's text).</summary>
    unknown,

    /// <summary>DR replication is not enabled.</summary>
    disabled,

    /// <summary>Replication is being set up.</summary>
    bootstrapping,

    /// <summary>A DR primary.</summary>
    primary,

    /// <summary>A DR secondary.</summary>
    secondary,
}

