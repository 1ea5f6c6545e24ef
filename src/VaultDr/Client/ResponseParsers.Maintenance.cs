using System.Globalization;
using System.Text.Json;

namespace VaultDr.Client;

/// <summary>The answers of the maintenance and repair surface: combined status, Merkle check, Raft and autopilot.</summary>
internal static partial class ResponseParsers
{
    private static readonly string[] AutopilotFields =
    [
        "cleanup_dead_servers", "dead_server_last_contact_threshold", "last_contact_threshold", "max_trailing_logs", "min_quorum",
        "server_stabilization_time", "disable_upgrade_migration",
    ];

    /// <summary>sys/replication/status: the dr and performance parts, each read like dr/status; a part Vault leaves out is disabled.</summary>
    internal static ReplicationStatus CombinedStatus(VaultResponse response)
    {
        var data = response.RequireData();
        return new ReplicationStatus
        {
            Cluster = response.ClusterName,
            Address = response.ClusterAddress,
            Dr = Part(data, "dr", response),
            Performance = Part(data, "performance", response),
        };
    }

    private static DrStatus Part(JsonElement data, string name, VaultResponse response) =>
        data.GetObject(name) is { } part
            ? StatusOf(part, response)
            : new DrStatus { Cluster = response.ClusterName, Address = response.ClusterAddress, Mode = DrMode.disabled };

    /// <summary>sys/replication/merkle-check (or its DR secondary twin): data.merkle_corruption_report.</summary>
    internal static MerkleCorruptionReport MerkleReport(VaultResponse response, bool isDrSecondary)
    {
        var report = response.RequireData().GetObject("merkle_corruption_report")
            ?? throw new VaultResponseException("Vault's merkle-check answer has no merkle_corruption_report.");
        var trees = (report.GetObject("corrupted_tree_map") is { } map ? map.EnumerateObject().Select(tree => Tree(tree.Name, tree.Value)) : [])
            .OrderBy(tree => int.TryParse(tree.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : int.MaxValue)
            .ThenBy(tree => tree.Key, StringComparer.Ordinal)
            .ToArray();
        var local = trees.FirstOrDefault(t => t.TreeType == "local") ?? trees.FirstOrDefault(t => t.TreeType is null && t.Key == "2");
        var replicated = trees.FirstOrDefault(t => t.TreeType == "replicated") ?? trees.FirstOrDefault(t => t.TreeType is null && t.Key == "1");
        var corruptedRoot = report.GetBoolean("corrupted_root") ?? false;
        // A tree of a type this version does not know counts with the replicated side: its fix is not local to this cluster.
        var replicatedCorrupt = corruptedRoot || trees.Any(t => t != local && t.Corrupted);
        var localCorrupt = local?.Corrupted ?? false;
        return new MerkleCorruptionReport
        {
            Cluster = response.ClusterName,
            Address = response.ClusterAddress,
            IsDrSecondary = isDrSecondary,
            Healthy = !replicatedCorrupt && !localCorrupt,
            CorruptedRoot = corruptedRoot,
            Replicated = replicated,
            Local = local,
            Trees = trees,
            LastCorruptionCheck = report.GetEpoch("last_corruption_check_epoch"),
            Recommendation = MerkleAdvice.For(response.ClusterName, isDrSecondary, replicatedCorrupt, localCorrupt),
            Raw = report.ToDictionary(),
        };
    }

    private static MerkleTree Tree(string key, JsonElement tree)
    {
        if (tree.ValueKind != JsonValueKind.Object)
        {
            throw new VaultResponseException($"Vault's corrupted_tree_map entry '{key}' is not an object.");
        }

        var pages = (tree.GetObject("corrupted_index_tuples_map") is { } map ? map.EnumerateObject().Select(page => Page(key, page.Name, page.Value)) : [])
            .OrderBy(page => page.Page)
            .ToArray();
        var subtreeRoot = tree.GetBoolean("corrupted_subtree_root") ?? false;
        return new MerkleTree
        {
            Key = key,
            TreeType = tree.GetString("tree_type"),
            RootHash = tree.GetString("root_hash"),
            CorruptedSubtreeRoot = subtreeRoot,
            CorruptedPages = pages,
            Corrupted = subtreeRoot || pages.Any(page => page.Corrupted || page.Subpages.Length > 0),
        };
    }

    private static MerklePage Page(string tree, string key, JsonElement page)
    {
        if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || page.ValueKind != JsonValueKind.Object)
        {
            throw new VaultResponseException($"Vault's page '{key}' of Merkle tree '{tree}' is not a page number with an object.");
        }

        var subpages = page.GetStringArray("subpages").Select(text =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var subpage)
                ? subpage
                : throw new VaultResponseException($"Vault's subpages of page {number} of Merkle tree '{tree}' are not all numbers."));
        return new MerklePage { Page = number, Corrupted = page.GetBoolean("corrupted") ?? false, Subpages = subpages.Order().ToArray() };
    }

    /// <summary>sys/storage/raft/configuration: data.config.servers.</summary>
    internal static RaftPeer[] RaftPeers(VaultResponse response)
    {
        var config = response.RequireData().GetObject("config") ?? throw new VaultResponseException("Vault's raft configuration answer has no config.");
        return config.GetObjectArray("servers").Select(server => new RaftPeer
        {
            Cluster = response.ClusterName,
            NodeId = server.GetString("node_id") ?? string.Empty,
            Address = server.GetString("address"),
            Leader = server.GetBoolean("leader") ?? false,
            Voter = server.GetBoolean("voter") ?? false,
            ProtocolVersion = ProtocolVersionOf(server.GetString("protocol_version")),
        }).ToArray();
    }

    // Vault sends the Raft protocol version as the byte itself ("\u0003"); a later one may send digits.
    private static int? ProtocolVersionOf(string? text) =>
        text is { Length: 1 } && text[0] < ' ' ? text[0]
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : null;

    /// <summary>sys/storage/raft/autopilot/state (its fields under data, or at the top level as the API page shows them).</summary>
    internal static AutopilotState Autopilot(VaultResponse response)
    {
        var data = response.Data;
        if (!data.TryGetProperty("servers", out _) && !data.TryGetProperty("healthy", out _))
        {
            throw new VaultResponseException($"Vault answered {response.StatusCode} to autopilot/state without its servers or health.");
        }

        var servers = data.GetObject("servers") is { } map
            ? map.EnumerateObject().Select(server => Server(server.Name, server.Value)).ToArray()
            : [];
        return new AutopilotState
        {
            Cluster = response.ClusterName,
            Address = response.ClusterAddress,
            Healthy = data.GetBoolean("healthy"),
            FailureTolerance = data.GetInt64("failure_tolerance"),
            OptimisticFailureTolerance = data.GetInt64("optimistic_failure_tolerance"),
            Leader = data.GetString("leader"),
            Voters = data.GetStringArray("voters"),
            Servers = servers,
            Raw = data.ToDictionary(),
        };
    }

    private static AutopilotServer Server(string key, JsonElement server)
    {
        if (server.ValueKind != JsonValueKind.Object)
        {
            throw new VaultResponseException($"Vault's autopilot server '{key}' is not an object.");
        }

        return new AutopilotServer
        {
            Id = server.GetString("id") ?? key,
            Name = server.GetString("name"),
            Address = server.GetString("address"),
            Healthy = server.GetBoolean("healthy"),
            NodeStatus = server.GetString("node_status"),
            NodeType = server.GetString("node_type"),
            Status = server.GetString("status"),
            Version = server.GetString("version"),
            LastContact = server.GetDuration("last_contact"),
            LastIndex = server.GetInt64("last_index"),
            LastTerm = server.GetInt64("last_term"),
            StableSince = server.GetTime("stable_since"),
        };
    }

    /// <summary>sys/storage/raft/autopilot/configuration (under data, or at the top level).</summary>
    internal static AutopilotConfiguration AutopilotSettings(VaultResponse response)
    {
        var data = response.Data;
        if (!AutopilotFields.Any(name => data.TryGetProperty(name, out _)))
        {
            throw new VaultResponseException($"Vault answered {response.StatusCode} to autopilot/configuration without any of its fields.");
        }

        return new AutopilotConfiguration
        {
            Cluster = response.ClusterName,
            Address = response.ClusterAddress,
            CleanupDeadServers = data.GetBoolean("cleanup_dead_servers"),
            DeadServerLastContactThreshold = data.GetDuration("dead_server_last_contact_threshold"),
            LastContactThreshold = data.GetDuration("last_contact_threshold"),
            MaxTrailingLogs = data.GetInt64("max_trailing_logs"),
            MinQuorum = data.GetInt64("min_quorum"),
            ServerStabilizationTime = data.GetDuration("server_stabilization_time"),
            DisableUpgradeMigration = data.GetBoolean("disable_upgrade_migration"),
            Raw = data.ToDictionary(),
        };
    }
}
