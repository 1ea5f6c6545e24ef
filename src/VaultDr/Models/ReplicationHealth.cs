namespace VaultDr;

/// <summary>Whether one DR secondary is healthy and caught up with its primary (Test-VaultDrReplication).</summary>
public sealed class ReplicationHealth
{
    public Uri Primary { get; init; } = null!;

    public Uri Secondary { get; init; } = null!;

    /// <summary>True when every check passed: stream-wals, connected, caught up, same merkle root, same cluster id.</summary>
    public bool Healthy { get; init; }

    /// <summary>How many WALs the secondary is behind (primary last_wal minus secondary last_remote_wal, never negative).</summary>
    public long? WalLag { get; init; }

    public bool MerkleMatch { get; init; }

    public bool ClusterIdMatch { get; init; }

    public string? SecondaryState { get; init; }

    /// <summary>The primary lists this secondary as connected.</summary>
    public bool Connected { get; init; }

    public TimeSpan? LastHeartbeatAge { get; init; }

    /// <summary>Both clusters are DR primaries of the same cluster id: split brain.</summary>
    public bool TwoPrimaries { get; init; }

    /// <summary>The primary's Vault version (sys/health), when Test-VaultDrReplication read it.</summary>
    public string? PrimaryVersion { get; init; }

    /// <summary>The secondary's Vault version (sys/health), when Test-VaultDrReplication read it.</summary>
    public string? SecondaryVersion { get; init; }

    /// <summary>
    /// The secondary runs an older Vault than its primary: replication then goes from a newer version to an older
    /// one, which Vault calls unsafe. False when the versions were not read.
    /// </summary>
    public bool VersionSkew { get; init; }

    /// <summary>One plain-English sentence per check that failed.</summary>
    public string[] FailedChecks { get; init; } = Array.Empty<string>();

    public DrStatus? PrimaryStatus { get; init; }

    public DrStatus? SecondaryStatus { get; init; }

    public DateTimeOffset CheckedAt { get; init; }
}
