using System.Globalization;
using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// sys/storage/raft/{configuration, remove-peer} and sys/storage/raft/autopilot/{state, configuration}, from the
/// cluster's <see cref="RaftCluster"/>. Who may call them (a root token; on a DR secondary a DR operation token, in the
/// body or the X-Vault-Token header as Vault's CLI sends it) is the router's business. Handlers run under the lock.
/// </summary>
internal sealed class RaftEndpoints(ClusterState state)
{
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    private RaftCluster Raft => state.Raft;

    /// <summary>The raft configuration: GET, or (on a DR secondary, with a DR operation token in the body) PUT/POST.</summary>
    public LabResponse Configuration(ApiCall call)
    {
        var servers = new List<OrderedDictionary<string, object?>> { Server(LeaderAddress, true, Raft.LeaderId) };
        servers.AddRange(Raft.Standbys.Select(peer => Server(peer.Address, false, peer.NodeId)));
        return Envelope(new OrderedDictionary<string, object?>
        {
            ["config"] = new OrderedDictionary<string, object?> { ["index"] = Raft.ConfigurationIndex, ["servers"] = servers },
        });
    }

    /// <summary>Removes a standby from the configuration (204); the leader cannot be removed; an unknown id changes nothing (204, as raft ignores it).</summary>
    public LabResponse RemovePeer(ApiCall call)
    {
        var serverId = LabCrypto.ReadString(call.Body, "server_id");
        if (string.IsNullOrEmpty(serverId))
        {
            return Error(400, VaultMessages.NoServerIdProvided);
        }

        if (serverId == Raft.LeaderId)
        {
            return Error(400, VaultMessages.CannotRemoveLeader(serverId));
        }

        if (Raft.Remove(serverId, state.LastWal))
        {
            state.Log.Info(state.Now, $"storage.raft: removing peer from raft configuration: peer={serverId}");
        }

        return NoContent();
    }

    public LabResponse AutopilotState(ApiCall call)
    {
        var now = state.Now;
        var leaderIndex = Raft.LogIndex(state.LastWal);
        var servers = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            [Raft.LeaderId] = ServerState(Raft.LeaderId, LeaderAddress, new PeerHealth(TimeSpan.Zero, leaderIndex, true, state.StartedAt, "alive"), "leader"),
        };
        var healthyVoters = 1;
        foreach (var peer in Raft.Standbys)
        {
            var health = Raft.HealthOf(peer, now, state.LastWal, state.Options.HeartbeatInterval);
            servers[peer.NodeId] = ServerState(peer.NodeId, peer.Address, health, "voter");
            healthyVoters += health.Healthy ? 1 : 0;
        }

        var voters = 1 + Raft.Standbys.Count;
        var failureTolerance = Math.Max(0, healthyVoters - ((voters / 2) + 1));
        return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["failure_tolerance"] = failureTolerance,
            ["healthy"] = healthyVoters == voters,
            ["leader"] = Raft.LeaderId,
            ["optimistic_failure_tolerance"] = failureTolerance, // every server is a voter: no non-voter could be promoted
            ["servers"] = servers,
            ["voters"] = servers.Keys.ToArray(),
        });
    }

    /// <summary>The seven fields Vault reads back, durations as Go prints them.</summary>
    public LabResponse AutopilotConfiguration(ApiCall call)
    {
        var settings = Raft.Autopilot;
        return Envelope(new OrderedDictionary<string, object?>
        {
            ["cleanup_dead_servers"] = settings.CleanupDeadServers,
            ["dead_server_last_contact_threshold"] = GoDuration.Format(settings.DeadServerLastContactThreshold),
            ["last_contact_threshold"] = GoDuration.Format(settings.LastContactThreshold),
            ["max_trailing_logs"] = settings.MaxTrailingLogs,
            ["min_quorum"] = settings.MinQuorum,
            ["server_stabilization_time"] = GoDuration.Format(settings.ServerStabilizationTime),
            ["disable_upgrade_migration"] = settings.DisableUpgradeMigration,
        });
    }

    /// <summary>
    /// Sets only the fields given, as Vault does: a duration or number of 0 leaves the setting as it was; the result
    /// is checked as a whole (cleanup_dead_servers needs min_quorum of 3 or more and a dead server threshold of 1m
    /// or more) before anything changes. 204.
    /// </summary>
    public LabResponse SetAutopilotConfiguration(ApiCall call)
    {
        var body = call.Body;
        var settings = Raft.Autopilot;
        var cleanup = settings.CleanupDeadServers;
        var disableUpgradeMigration = settings.DisableUpgradeMigration;
        var lastContact = settings.LastContactThreshold;
        var deadServer = settings.DeadServerLastContactThreshold;
        var stabilization = settings.ServerStabilizationTime;
        var maxTrailingLogs = settings.MaxTrailingLogs;
        var minQuorum = settings.MinQuorum;
        var invalid = ReadBool(body, "cleanup_dead_servers", ref cleanup);
        invalid ??= ReadBool(body, "disable_upgrade_migration", ref disableUpgradeMigration);
        invalid ??= ReadSeconds(body, "last_contact_threshold", ref lastContact);
        invalid ??= ReadSeconds(body, "dead_server_last_contact_threshold", ref deadServer);
        invalid ??= ReadSeconds(body, "server_stabilization_time", ref stabilization);
        invalid ??= ReadCount(body, "max_trailing_logs", ref maxTrailingLogs);
        invalid ??= ReadCount(body, "min_quorum", ref minQuorum);
        if (invalid is not null)
        {
            return invalid;
        }

        if (cleanup && minQuorum < 3)
        {
            return Error(400, VaultMessages.MinQuorumRequired(cleanup, minQuorum));
        }

        if (cleanup && deadServer < OneMinute)
        {
            // Vault prints the field as it was given (whole seconds), or <nil> when this request left it out.
            var received = Field(body, "dead_server_last_contact_threshold") is { } given && LabCrypto.TryParseDuration(Raw(given), out var seconds)
                ? ((long)seconds.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                : "<nil>";
            return Error(400, VaultMessages.DeadServerThresholdTooShort(received));
        }

        settings.CleanupDeadServers = cleanup;
        settings.DisableUpgradeMigration = disableUpgradeMigration;
        settings.LastContactThreshold = lastContact;
        settings.DeadServerLastContactThreshold = deadServer;
        settings.ServerStabilizationTime = stabilization;
        settings.MaxTrailingLogs = maxTrailingLogs;
        settings.MinQuorum = minQuorum;
        state.Log.Info(state.Now, "storage.raft.autopilot: autopilot configuration updated");
        return NoContent();
    }

    /// <summary>The active node's raft address: its cluster listener, host:port.</summary>
    private string LeaderAddress => state.ClusterAddress.Authority;

    private static OrderedDictionary<string, object?> Server(string address, bool leader, string nodeId) => new()
    {
        ["address"] = address,
        ["leader"] = leader,
        ["node_id"] = nodeId,
        ["protocol_version"] = "\u0003",
        ["voter"] = true,
    };

    private SortedDictionary<string, object?> ServerState(string nodeId, string address, PeerHealth health, string status) => new(StringComparer.Ordinal)
    {
        ["address"] = address,
        ["healthy"] = health.Healthy,
        ["id"] = nodeId,
        ["last_contact"] = GoDuration.Format(health.LastContact),
        ["last_index"] = health.LastIndex,
        ["last_term"] = RaftCluster.Term,
        ["name"] = nodeId,
        ["node_status"] = health.NodeStatus,
        ["node_type"] = "voter",
        ["stable_since"] = LabCrypto.Rfc3339Nano(state.OnClock(health.StableSince), state.Time.LocalTimeZone),
        ["status"] = status,
        ["version"] = state.Version.Text.Split('+')[0],
    };

    private static LabResponse? ReadBool(JsonElement? body, string field, ref bool value)
    {
        if (Field(body, field) is not { } element)
        {
            return null;
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = element.GetBoolean();
            return null;
        }

        if (element.ValueKind == JsonValueKind.String && bool.TryParse(element.GetString(), out var parsed))
        {
            value = parsed;
            return null;
        }

        return Error(400, VaultMessages.InvalidField(field, Raw(element), "cannot parse as bool"));
    }

    /// <summary>Vault's TypeDurationSecond: a number of seconds, or Go duration text. 0 leaves the setting as it was.</summary>
    private static LabResponse? ReadSeconds(JsonElement? body, string field, ref TimeSpan value)
    {
        if (Field(body, field) is not { } element)
        {
            return null;
        }

        var text = Raw(element);
        if (!LabCrypto.TryParseDuration(text, out var duration))
        {
            return Error(400, VaultMessages.InvalidField(field, text, $"time: invalid duration \"{text}\""));
        }

        if (duration > TimeSpan.Zero)
        {
            value = duration;
        }

        return null;
    }

    /// <summary>A non-negative whole number; 0 leaves the setting as it was.</summary>
    private static LabResponse? ReadCount(JsonElement? body, string field, ref long value)
    {
        if (Field(body, field) is not { } element)
        {
            return null;
        }

        var text = Raw(element);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return Error(400, VaultMessages.InvalidField(field, text, "cannot parse as a non-negative integer"));
        }

        if (count > 0)
        {
            value = count;
        }

        return null;
    }

    private static JsonElement? Field(JsonElement? body, string field) =>
        body is { } json && json.TryGetProperty(field, out var element) && element.ValueKind != JsonValueKind.Null ? element : null;

    private static string Raw(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText();
}
