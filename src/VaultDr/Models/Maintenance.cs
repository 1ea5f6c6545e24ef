using System.Globalization;

namespace VaultDr;

/// <summary>
/// How far a reindex's building stage is: keys indexed of keys to index (Vault's reindex_building_progress and
/// reindex_building_total). Both counts are kept, not only a percentage: the scale tells how long the rest may take.
/// </summary>
public sealed class ReindexProgress
{
    public long Building { get; init; }

    public long Total { get; init; }

    /// <summary>0 to 100; null while the total is not known yet.</summary>
    public int? PercentComplete => Total > 0 ? (int)Math.Clamp(100 * Building / Total, 0, 100) : null;

    public override string ToString() => PercentComplete is { } percent
        ? string.Create(CultureInfo.InvariantCulture, $"{Building}/{Total} ({percent}%)")
        : string.Create(CultureInfo.InvariantCulture, $"{Building}/{Total}");
}

/// <summary>Both replication kinds of one cluster in one read (GET sys/replication/status).</summary>
public sealed class ReplicationStatus
{
    /// <summary>The name of the connection the status was read on.</summary>
    public string Cluster { get; init; } = string.Empty;

    public Uri Address { get; init; } = null!;

    /// <summary>DR replication; Mode disabled when the cluster is in no DR replication.</summary>
    public DrStatus Dr { get; init; } = null!;

    /// <summary>Performance replication, read the same way; Mode disabled where it is not used.</summary>
    public DrStatus Performance { get; init; } = null!;
}

/// <summary>
/// What a Merkle tree corruption check found on one cluster (sys/replication/merkle-check): whether the root, and
/// which pages of the replicated and the local tree, are corrupt, and what to do about it.
/// </summary>
public sealed class MerkleCorruptionReport
{
    /// <summary>The name of the connection the check ran on.</summary>
    public string Cluster { get; init; } = string.Empty;

    public Uri Address { get; init; } = null!;

    /// <summary>True when the check ran on a DR secondary (sys/replication/dr/secondary/merkle-check).</summary>
    public bool IsDrSecondary { get; init; }

    /// <summary>No corrupt root, subtree root, page or subpage in any tree.</summary>
    public bool Healthy { get; init; }

    public bool CorruptedRoot { get; init; }

    /// <summary>The tree of replicated data (Vault's tree 1).</summary>
    public MerkleTree? Replicated { get; init; }

    /// <summary>The tree of data local to this cluster (Vault's tree 2).</summary>
    public MerkleTree? Local { get; init; }

    /// <summary>Every tree Vault reported, in its order (replicated, local, and any a newer Vault adds).</summary>
    public MerkleTree[] Trees { get; init; } = [];

    /// <summary>When the check ran, by Vault's clock.</summary>
    public DateTimeOffset? LastCorruptionCheck { get; init; }

    /// <summary>What to do next, after HashiCorp's guidance: check before you reindex, and reindex the cluster whose tree is corrupt.</summary>
    public string Recommendation { get; init; } = string.Empty;

    /// <summary>Vault's merkle_corruption_report, whole.</summary>
    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();
}

/// <summary>One Merkle tree of a corruption report.</summary>
public sealed class MerkleTree
{
    /// <summary>Vault's key for the tree: 1 replicated, 2 local.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>replicated or local.</summary>
    public string? TreeType { get; init; }

    public string? RootHash { get; init; }

    public bool CorruptedSubtreeRoot { get; init; }

    /// <summary>The pages Vault lists as corrupt: a page's own hash, or some of its 256 subpages.</summary>
    public MerklePage[] CorruptedPages { get; init; } = [];

    /// <summary>The subtree root, a page or a subpage is corrupt.</summary>
    public bool Corrupted { get; init; }
}

/// <summary>A page of a Merkle tree listed in a corruption report.</summary>
public sealed class MerklePage
{
    public int Page { get; init; }

    /// <summary>The page's own hash is corrupt.</summary>
    public bool Corrupted { get; init; }

    /// <summary>The numbers of its corrupt subpages (0 to 255).</summary>
    public int[] Subpages { get; init; } = [];

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Page}{(Corrupted ? " (page)" : string.Empty)}{(Subpages.Length > 0 ? $": {string.Join(", ", Subpages)}" : string.Empty)}");
}
