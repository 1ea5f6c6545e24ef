namespace VaultDr.Lab;

/// <summary>A standby node of a cluster's integrated storage (raft): a voter that the lab can stop and start.</summary>
internal sealed class RaftPeer(string nodeId, string address, DateTimeOffset joinedAt)
{
    public string NodeId { get; } = nodeId;

    /// <summary>host:port, as raft shows it (no scheme).</summary>
    public string Address { get; } = address;

    public bool Running { get; private set; } = true;

    /// <summary>When it joined or last started: a running peer has been stable since then.</summary>
    public DateTimeOffset RunningSince { get; private set; } = joinedAt;

    public DateTimeOffset? StoppedAt { get; private set; }

    /// <summary>The raft index it had applied when it stopped (it applies nothing while stopped).</summary>
    public long IndexAtStop { get; private set; }

    public void Stop(DateTimeOffset now, long index)
    {
        if (Running)
        {
            Running = false;
            StoppedAt = now;
            IndexAtStop = index;
        }
    }

    public void Start(DateTimeOffset now)
    {
        if (!Running)
        {
            Running = true;
            RunningSince = now;
            StoppedAt = null;
        }
    }
}

/// <summary>What autopilot knows of one server at a moment, as sys/storage/raft/autopilot/state reports it.</summary>
internal sealed record PeerHealth(TimeSpan LastContact, long LastIndex, bool Healthy, DateTimeOffset StableSince, string NodeStatus);

/// <summary>
/// A cluster's raft configuration: its active node (the leader, a voter) and the standbys the lab put in front of it
/// (voters too), with autopilot's settings. The leader never changes (the lab has no elections), so the term is
/// fixed. Autopilot's health rules are Vault's: a server is healthy while its last contact is within
/// last_contact_threshold and it trails the leader by at most max_trailing_logs; with cleanup_dead_servers, a server
/// silent for dead_server_last_contact_threshold has "left" and is removed while min_quorum voters remain.
/// </summary>
internal sealed class RaftCluster(string clusterName)
{
    /// <summary>No elections in the lab: the term the leader won when the cluster started.</summary>
    public const long Term = 2;

    private int _nodesMade = 1;
    private long _changes;

    public string LeaderId { get; } = clusterName + "-node-1";

    public List<RaftPeer> Standbys { get; } = [];

    public AutopilotSettings Autopilot { get; } = new();

    /// <summary>The raft index of the configuration now in force (data.config.index).</summary>
    public long ConfigurationIndex { get; private set; } = 1;

    /// <summary>The leader's raft index: every storage write and every configuration change is a log entry.</summary>
    public long LogIndex(long lastWal) => lastWal + _changes + 1;

    public RaftPeer? Find(string nodeId) => Standbys.FirstOrDefault(s => s.NodeId == nodeId);

    /// <summary>A new standby joins as a voter; returns its node id (&lt;cluster&gt;-node-2, -node-3, ...).</summary>
    public string AddStandby(string address, DateTimeOffset now, long lastWal)
    {
        var nodeId = $"{clusterName}-node-{++_nodesMade}";
        Standbys.Add(new RaftPeer(nodeId, address, now));
        Changed(lastWal);
        return nodeId;
    }

    public bool Remove(string nodeId, long lastWal)
    {
        if (Standbys.RemoveAll(s => s.NodeId == nodeId) == 0)
        {
            return false;
        }

        Changed(lastWal);
        return true;
    }

    public PeerHealth HealthOf(RaftPeer peer, DateTimeOffset now, long lastWal, TimeSpan heartbeat)
    {
        var leaderIndex = LogIndex(lastWal);
        if (peer.Running)
        {
            // A running follower heard from the leader within the last heartbeat.
            var sinceStart = now - peer.RunningSince;
            var lastContact = heartbeat > TimeSpan.Zero ? TimeSpan.FromTicks(sinceStart.Ticks % heartbeat.Ticks) : TimeSpan.Zero;
            return new PeerHealth(lastContact, leaderIndex, true, peer.RunningSince, "alive");
        }

        var silent = now - peer.StoppedAt!.Value;
        var contactHealthy = silent <= Autopilot.LastContactThreshold;
        var healthy = contactHealthy && leaderIndex - peer.IndexAtStop <= Autopilot.MaxTrailingLogs;
        var stableSince = healthy ? peer.RunningSince : contactHealthy ? peer.StoppedAt.Value : peer.StoppedAt.Value + Autopilot.LastContactThreshold;
        return new PeerHealth(silent, peer.IndexAtStop, healthy, stableSince, IsDead(peer, now) ? "left" : "alive");
    }

    /// <summary>Autopilot's dead server cleanup: the ids it removed (never going below min_quorum voters).</summary>
    public IReadOnlyList<string> RemoveDeadServers(DateTimeOffset now, long lastWal)
    {
        var removed = new List<string>();
        foreach (var peer in Standbys.Where(p => IsDead(p, now)).ToList())
        {
            if (Standbys.Count < Autopilot.MinQuorum)
            {
                break; // the voters left after a removal (the leader and the other standbys) would be fewer than min_quorum
            }

            Remove(peer.NodeId, lastWal);
            removed.Add(peer.NodeId);
        }

        return removed;
    }

    private bool IsDead(RaftPeer peer, DateTimeOffset now) =>
        Autopilot.CleanupDeadServers && peer.StoppedAt is { } stopped && now - stopped > Autopilot.DeadServerLastContactThreshold;

    private void Changed(long lastWal)
    {
        _changes++;
        ConfigurationIndex = LogIndex(lastWal);
    }
}

/// <summary>Autopilot's configuration, with Vault's defaults (sys/storage/raft/autopilot/configuration).</summary>
internal sealed class AutopilotSettings
{
    public bool CleanupDeadServers { get; set; }

    public TimeSpan LastContactThreshold { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan DeadServerLastContactThreshold { get; set; } = TimeSpan.FromHours(24);

    public long MaxTrailingLogs { get; set; } = 1000;

    public long MinQuorum { get; set; }

    public TimeSpan ServerStabilizationTime { get; set; } = TimeSpan.FromSeconds(10);

    public bool DisableUpgradeMigration { get; set; }
}
