namespace VaultDr.Client;

/// <summary>
/// What to do about a Merkle check's findings, after HashiCorp's guidance: consult the check before reindexing (a
/// reindex takes long and can mean downtime), reindex the cluster whose tree is corrupt, and know that reindexing a
/// secondary cannot fix a corrupt primary. A pure function of the findings, so each case is tested on its own.
/// </summary>
internal static class MerkleAdvice
{
    /// <param name="cluster">The name of the cluster the check ran on.</param>
    /// <param name="isDrSecondary">The check ran on a DR secondary (with a DR operation token).</param>
    /// <param name="replicatedCorrupt">The root, or the replicated tree, is corrupt.</param>
    /// <param name="localCorrupt">The local tree is corrupt.</param>
    internal static string For(string cluster, bool isDrSecondary, bool replicatedCorrupt, bool localCorrupt)
    {
        var reindexHere = isDrSecondary
            ? $"Start-VaultDrReindex -Connection <{cluster}> -DrOperationToken <token>"
            : $"Start-VaultDrReindex -Connection <{cluster}>";
        if (replicatedCorrupt && isDrSecondary)
        {
            return $"The replicated Merkle tree of {cluster}, a DR secondary, is corrupt. Check its primary first (Invoke-VaultDrMerkleCheck -Connection <primary>): " +
                "if the primary's tree is corrupt, reindex the primary, because reindexing this secondary will not fix it; " +
                $"if the primary is healthy, reindex this secondary ({reindexHere}). A reindex can take long and make the cluster unavailable: plan a window.";
        }

        if (replicatedCorrupt)
        {
            return $"The replicated Merkle tree of {cluster} is corrupt. Reindex this cluster ({reindexHere}) in a maintenance window: a reindex can take long " +
                "and make it unavailable, and reindexing its secondaries instead would not fix it.";
        }

        if (localCorrupt)
        {
            return $"Only the local Merkle tree of {cluster} (data that is not replicated) is corrupt: reindex this cluster ({reindexHere}) in a maintenance window; " +
                "its replication peers are not affected.";
        }

        var primaryToo = isDrSecondary ? " Check its primary too (Invoke-VaultDrMerkleCheck -Connection <primary>): a corrupt primary tree keeps a secondary from converging." : string.Empty;
        return $"No corruption found in the Merkle trees of {cluster}; do not reindex for this.{primaryToo} The check cannot detect every kind of corruption: " +
            "if replication still does not converge, look at the log shipper and the rate of change first, and reindex only as a last resort.";
    }
}
