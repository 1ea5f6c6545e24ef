namespace VaultDr.Orchestration;

/// <summary>
/// Vault's documented "healthy and caught up" criteria as a pure function of two statuses:
/// secondary state stream-wals; the primary's entry for it connected; last_remote_wal >= last_wal (> 0);
/// equal merkle_root; equal cluster_id. Two primaries with one cluster id are reported as split brain. With the
/// clusters' versions, a secondary older than its primary fails too (never replicate from a newer Vault to an older one).
/// </summary>
internal static class ReplicationHealthRules
{
    /// <param name="primaryVersion">The primary's version from sys/health; null when not read.</param>
    /// <param name="secondaryVersion">The secondary's version from sys/health; null when not read.</param>
    internal static ReplicationHealth Evaluate(DrStatus primary, DrStatus secondary, DateTimeOffset now, string? primaryVersion = null, string? secondaryVersion = null)
    {
        var failed = new List<string>();
        var primaryName = primary.Address.Authority;
        var secondaryName = secondary.Address.Authority;
        var clusterIdMatch = primary.ClusterId is { Length: > 0 } && primary.ClusterId == secondary.ClusterId;
        var twoPrimaries = primary.IsPrimary && secondary.IsPrimary && clusterIdMatch;

        if (twoPrimaries)
        {
            failed.Add($"TWO PRIMARIES: {primaryName} and {secondaryName} are both DR primaries of cluster {primary.ClusterId}. Writes can be lost: demote one of them now.");
        }
        else if (!primary.IsPrimary)
        {
            failed.Add($"{primaryName} is in mode '{primary.Mode}', not a DR primary.");
        }

        if (!twoPrimaries && !secondary.IsSecondary)
        {
            failed.Add($"{secondaryName} is in mode '{secondary.Mode}', not a DR secondary.");
        }

        if (!clusterIdMatch)
        {
            failed.Add($"{secondaryName} has cluster id '{secondary.ClusterId ?? "none"}' but {primaryName} has '{primary.ClusterId ?? "none"}': they are not one replication set.");
        }

        if (secondary.IsSecondary && secondary.State != "stream-wals")
        {
            failed.Add($"{secondaryName} is in state '{secondary.State ?? "unknown"}', not 'stream-wals'{StateHint(secondary.State)}.");
        }

        var peer = FindPeer(primary, secondary);
        var connected = peer?.IsConnected == true;
        if (primary.IsPrimary && !twoPrimaries)
        {
            if (peer is null)
            {
                failed.Add($"{primaryName} does not list {secondaryName} among its secondaries.");
            }
            else if (!connected)
            {
                failed.Add($"{primaryName} sees {secondaryName} as '{peer.ConnectionStatus ?? "unknown"}', not connected.");
            }
        }

        long? lag = null;
        if (primary.LastWal is { } lastWal)
        {
            var remote = secondary.LastRemoteWal ?? 0;
            lag = Math.Max(0, lastWal - remote);
            if (lastWal <= 0)
            {
                failed.Add($"{primaryName} has written no WAL yet (last_wal {lastWal}), so catch-up cannot be confirmed.");
            }
            else if (remote < lastWal)
            {
                failed.Add($"{secondaryName} is {lastWal - remote} WAL(s) behind {primaryName} (last_remote_wal {remote} < last_wal {lastWal}).");
            }
        }
        else if (primary.IsPrimary)
        {
            failed.Add($"{primaryName} reports no last_wal.");
        }

        var merkleMatch = primary.MerkleRoot is { Length: > 0 } && primary.MerkleRoot == secondary.MerkleRoot;
        var reindexing = ReindexSentence(primary, primaryName) ?? ReindexSentence(secondary, secondaryName);
        if (reindexing is not null)
        {
            failed.Add(reindexing);
        }
        else if (!merkleMatch)
        {
            failed.Add($"Merkle roots differ: {Short(primary.MerkleRoot)} on {primaryName}, {Short(secondary.MerkleRoot)} on {secondaryName}.");
        }

        failed.AddRange(new[] { (primary, primaryName), (secondary, secondaryName) }
            .Where(c => c.Item1.CorruptedMerkleTree == true)
            .Select(c => CorruptionSentence(c.Item1, c.Item2)));

        var skew = VaultVersions.SkewSentence(primaryName, primaryVersion, secondaryName, secondaryVersion);
        if (skew is not null)
        {
            failed.Add(skew);
        }

        return new ReplicationHealth
        {
            Primary = primary.Address,
            Secondary = secondary.Address,
            Healthy = failed.Count == 0,
            WalLag = lag,
            MerkleMatch = merkleMatch,
            ClusterIdMatch = clusterIdMatch,
            SecondaryState = secondary.State,
            Connected = connected,
            LastHeartbeatAge = peer?.LastHeartbeat is { } heartbeat ? now - heartbeat : null,
            TwoPrimaries = twoPrimaries,
            PrimaryVersion = primaryVersion,
            SecondaryVersion = secondaryVersion,
            VersionSkew = skew is not null,
            FailedChecks = failed.ToArray(),
            PrimaryStatus = primary,
            SecondaryStatus = secondary,
            CheckedAt = now,
        };
    }

    /// <summary>A health result for a pair whose status could not be read at all.</summary>
    internal static ReplicationHealth Unreadable(Uri primary, Uri secondary, string reason, DateTimeOffset now) => new()
    {
        Primary = primary,
        Secondary = secondary,
        Healthy = false,
        FailedChecks = new[] { reason },
        CheckedAt = now,
    };

    /// <summary>The primary's entry for this secondary: by secondary id, else by API address.</summary>
    internal static DrPeer? FindPeer(DrStatus primary, DrStatus secondary)
    {
        if (secondary.SecondaryId is { Length: > 0 } id && primary.Secondaries.FirstOrDefault(p => p.NodeId == id) is { } byId)
        {
            return byId;
        }

        return primary.Secondaries.FirstOrDefault(p =>
            Uri.TryCreate(p.ApiAddress, UriKind.Absolute, out var api) &&
            string.Equals(api.Authority, secondary.Address.Authority, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A cluster whose status says corrupted_merkle_tree: true cannot be trusted to replicate. HashiCorp's order:
    /// check which tree is corrupt first, then reindex that cluster.
    /// </summary>
    internal static string CorruptionSentence(DrStatus status, string name) =>
        $"{name} reports a corrupted Merkle tree (corrupted_merkle_tree: true; last checked {Checked(status.LastCorruptionCheck)}). " +
        $"Run Invoke-VaultDrMerkleCheck against {name} to see which tree is corrupt, then Start-VaultDrReindex on the cluster whose tree is corrupt.";

    /// <summary>A reindex in progress is syncing, not a failure: the sentence says where it stands.</summary>
    internal static string? ReindexSentence(DrStatus status, string name)
    {
        if (status.ReindexInProgress != true)
        {
            return null;
        }

        var progress = status.ReindexProgress is { Total: > 0 } p ? $", {p.Building} of {p.Total} keys ({p.PercentComplete}%)" : string.Empty;
        return $"{name} is reindexing (stage {status.ReindexStage ?? "unknown"}{progress}): still syncing, not failed. " +
            "Wait for it with Wait-VaultDrReplication, or follow it with Get-VaultDrStatus.";
    }

    private static string Checked(DateTimeOffset? lastCheck) => lastCheck is { } at ? at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never";

    private static string StateHint(string? state) => state switch
    {
        "connecting" or "merkle-diff" or "merkle-sync" => " (still syncing)",
        "idle" => " (it has no primary to follow)",
        "transient_failure" or "shutdown" => " (replication is failing)",
        _ => string.Empty,
    };

    private static string Short(string? merkleRoot) => merkleRoot is { Length: > 10 } ? merkleRoot[..10] + "..." : merkleRoot ?? "none";
}
