using System.Security;
using VaultDr.Client;
using VaultDr.Tokens;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// An in-memory DR cluster behind <see cref="IDrEndpoints"/>, for workflow tests without a lab: it demotes,
/// promotes, runs the operation-token ceremony, follows a primary and catches up a set time after it was pointed
/// at it (on the <see cref="SteppingClock"/>). Every call is recorded; any call can be made to fail once.
/// </summary>
internal sealed class FakeDrCluster : IDrEndpoints
{
    internal const int Threshold = 3;
    internal const string OperationTokenText = "hvs.FakeDrOperationToken0001"; // 28 characters, as the OTP

    private static readonly string[] Reads = ["ReadStatus", "ReadOperationTokenProgress", "ReadHealth", "ReadSealStatus", "ReadSecret", "ReadRaftConfiguration", "ReadAutopilotState"];

    private readonly SteppingClock _clock;
    private readonly Dictionary<string, Queue<VaultDrException>> _failures = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private readonly List<FakeDrCluster> _followers = [];
    private readonly HashSet<string> _validOperationTokens = new(StringComparer.Ordinal) { OperationTokenText };
    private string? _otp;
    private int _progress;

    private FakeDrCluster(string name, SteppingClock clock, List<string> journal)
    {
        _clock = clock;
        Journal = journal;
        Connection = ConnectionFactory.Create(new ConnectionRequest { Name = name, Address = $"https://{name}.test:8200" }, _ => null, null);
        RaftPeers = [.. Enumerable.Range(1, 3).Select(i => new RaftPeer { Cluster = name, NodeId = $"{name}-{i}", Address = $"{name}-{i}.test:8201", Leader = i == 1, Voter = true, ProtocolVersion = 3 })];
    }

    /// <summary>Every call of every cluster of a pair, in order, as "cluster:call".</summary>
    internal List<string> Journal { get; }

    /// <summary>The cluster's Raft servers: three voters, the first the leader, unless a test says otherwise.</summary>
    internal List<RaftPeer> RaftPeers { get; set; }

    /// <summary>The servers autopilot reports as failed (node_status "failed", not healthy).</summary>
    internal HashSet<string> DeadServers { get; } = new(StringComparer.Ordinal);

    public VaultDrConnection Connection { get; }

    internal DrMode Mode { get; set; } = DrMode.disabled;

    /// <summary>The version sys/health reports (null: it reports none).</summary>
    internal string? Version { get; set; } = "1.15.0+ent";

    /// <summary>What sys/seal-status answers: a Shamir seal, 3 of 5, unless a test says otherwise.</summary>
    internal VaultSealStatus Seal { get; set; } = new() { Type = "shamir", Threshold = Threshold, Shares = 5, Sealed = false, Initialized = true };

    internal string ClusterId { get; set; } = "6a7c4f0e-1111-2222-3333-444455556666";

    internal long LastWal { get; set; } = 100;

    internal bool Reachable { get; set; } = true;

    /// <summary>How long a cluster pointed at a primary takes to reach stream-wals.</summary>
    internal TimeSpan CatchUpTime { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>When false, a promote is accepted but the cluster never reports itself primary (a stuck promotion).</summary>
    internal bool PromotionTakesEffect { get; set; } = true;

    internal FakeDrCluster? Following { get; private set; }

    internal string? SecondaryId { get; private set; }

    internal DateTimeOffset CaughtUpAt { get; set; }

    internal bool AttemptStarted => _otp is not null;

    /// <summary>Every call, in order ("Promote force=False", "SubmitKeyShare", ...).</summary>
    internal IReadOnlyList<string> Calls => _calls;

    /// <summary>The calls that ask the cluster to change something.</summary>
    internal IReadOnlyList<string> Changes => _calls.Where(c => !Reads.Any(read => c.StartsWith(read, StringComparison.Ordinal))).ToList();

    private bool CaughtUp => Following is not null && _clock.Now >= CaughtUpAt;

    /// <summary>A DR primary and its secondary "b", caught up.</summary>
    internal static (FakeDrCluster Primary, FakeDrCluster Secondary) Pair(SteppingClock clock)
    {
        var journal = new List<string>();
        var a = new FakeDrCluster("a", clock, journal) { Mode = DrMode.primary };
        var b = new FakeDrCluster("b", clock, journal) { Mode = DrMode.secondary, ClusterId = a.ClusterId };
        b.Follow(a, "b");
        b.CaughtUpAt = clock.Now;
        return (a, b);
    }

    /// <summary>The next call named <paramref name="call"/> throws <paramref name="error"/> instead of acting.</summary>
    internal void FailNext(string call, VaultDrException error)
    {
        if (!_failures.TryGetValue(call, out var queue))
        {
            _failures[call] = queue = new Queue<VaultDrException>();
        }

        queue.Enqueue(error);
    }

    internal static VaultApiException VaultError(int status, string path, string text) =>
        VaultErrorMapping.FromStatus(status, $$"""{"errors":["{{text}}"]}""", "POST", path, []);

    /// <summary>Statuses to answer, in order, before the fake's own (null: the read fails as a refused connection).</summary>
    internal Queue<DrStatus?> ScriptedStatuses { get; } = new();

    public Task<DrStatus> ReadStatusAsync(CancellationToken cancellationToken)
    {
        Enter("ReadStatus");
        if (ScriptedStatuses.TryDequeue(out var scripted))
        {
            return scripted is null
                ? Task.FromException<DrStatus>(new VaultConnectionException("VaultDrConnectionRefused", "ReadStatus: refused.", requestMayHaveBeenProcessed: false))
                : Task.FromResult(scripted);
        }

        var primary = Mode == DrMode.primary;
        var following = Following;
        return Task.FromResult(new DrStatus
        {
            Address = Connection.Address,
            ClusterId = Mode == DrMode.disabled ? null : ClusterId,
            Mode = Mode,
            State = primary ? "running" : following is null ? "idle" : CaughtUp ? "stream-wals" : "merkle-sync",
            LastWal = primary ? LastWal : null,
            LastRemoteWal = following is null ? null : CaughtUp ? following.LastWal : following.LastWal - 5,
            MerkleRoot = following is null || CaughtUp ? $"merkle-{ClusterId}-{(following ?? this).LastWal}" : "merkle-behind",
            SecondaryId = SecondaryId,
            Secondaries = primary
                ? _followers.Where(f => f.Following == this).Select(f => new DrPeer { NodeId = f.SecondaryId, ConnectionStatus = "connected", LastHeartbeat = _clock.Now }).ToArray()
                : [],
        });
    }

    public Task EnablePrimaryAsync(string? primaryClusterAddress, CancellationToken cancellationToken) => Change("EnablePrimary", () => Mode = DrMode.primary);

    public Task DemotePrimaryAsync(CancellationToken cancellationToken) => Change("Demote", () =>
    {
        RequireMode(DrMode.primary, "sys/replication/dr/primary/demote", "this cluster is not a DR primary");
        Mode = DrMode.secondary;
        Following = null;
    });

    public Task DisablePrimaryAsync(CancellationToken cancellationToken) => Change("DisablePrimary", () => Mode = DrMode.disabled);

    public Task<SecondaryActivationToken> CreateSecondaryTokenAsync(string id, VaultDuration ttl, string? secondaryPublicKey, CancellationToken cancellationToken)
    {
        Enter($"CreateSecondaryToken id={id} ttl={ttl.ToVaultString()}");
        RequireMode(DrMode.primary, "sys/replication/dr/primary/secondary-token", "this cluster is not a DR primary");
        return Task.FromResult(new SecondaryActivationToken { Id = id, ActivationToken = SecretText.Protect($"activation:{Connection.Name}:{id}"), Address = Connection.Address });
    }

    public Task RevokeSecondaryAsync(string id, CancellationToken cancellationToken) => Change($"RevokeSecondary id={id}", () => { });

    public Task<SecondaryPublicKey> GenerateSecondaryPublicKeyAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The failover never asks for a secondary public key.");

    public Task EnableSecondaryAsync(SecureString activationToken, PrimaryTarget target, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The failover never enables a secondary (that would wipe it).");

    public Task PromoteAsync(SecureString drOperationToken, string? primaryClusterAddress, bool force, CancellationToken cancellationToken) => Change($"Promote force={force}", () =>
    {
        RequireOperationToken(drOperationToken, "sys/replication/dr/secondary/promote");
        RequireMode(DrMode.secondary, "sys/replication/dr/secondary/promote", "this cluster is not a DR secondary");
        if (!PromotionTakesEffect)
        {
            return;
        }

        LastWal = Following?.LastWal ?? LastWal;
        Mode = DrMode.primary;
        Following = null;
        SecondaryId = null;
    });

    public Task DisableSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) => Change("DisableSecondary", () => Mode = DrMode.disabled);

    public Task UpdatePrimaryAsync(SecureString drOperationToken, SecureString? activationToken, PrimaryTarget target, CancellationToken cancellationToken) => Change("UpdatePrimary", () =>
    {
        RequireOperationToken(drOperationToken, "sys/replication/dr/secondary/update-primary");
        RequireMode(DrMode.secondary, "sys/replication/dr/secondary/update-primary", "this cluster is not a DR secondary");
        var parts = SecretText.Reveal(activationToken!).Split(':');
        var primary = Realm.Single(c => c.Connection.Name == parts[1]);
        Follow(primary, parts[2]);
    });

    public Task<OperationTokenProgress> ReadOperationTokenProgressAsync(CancellationToken cancellationToken)
    {
        Enter("ReadOperationTokenProgress");
        return Task.FromResult(Progress(otp: null, complete: false));
    }

    public Task<OperationTokenProgress> StartOperationTokenAsync(string? pgpKey, SecureString? legacyOtp, CancellationToken cancellationToken)
    {
        Enter("StartOperationToken");
        if (_otp is not null)
        {
            throw VaultError(400, "sys/replication/dr/secondary/generate-operation-token/attempt", "root generation already in progress");
        }

        _otp = "Zx7Qp2Lm9Rt4Vw6Yb8Nc1Kd3Hf5" + Connection.Name[0];
        _progress = 0;
        return Task.FromResult(Progress(SecretText.Protect(_otp), complete: false));
    }

    public Task CancelOperationTokenAsync(CancellationToken cancellationToken) => Change("CancelOperationToken", () => _otp = null);

    public Task<OperationTokenProgress> SubmitKeyShareAsync(SecureString keyShare, string nonce, CancellationToken cancellationToken)
    {
        Enter("SubmitKeyShare");
        _progress++;
        var complete = _progress >= Threshold;
        var progress = Progress(otp: null, complete);
        if (complete)
        {
            _otp = null;
        }

        return Task.FromResult(progress);
    }

    public Task DeleteOperationTokenAsync(SecureString drOperationToken, CancellationToken cancellationToken) => Change("DeleteOperationToken", () =>
    {
        RequireMode(DrMode.secondary, "sys/replication/dr/secondary/operation-token/delete", "this cluster is not a DR secondary");
        _validOperationTokens.Remove(SecretText.Reveal(drOperationToken));
    });

    public Task<RaftPeer[]> ReadRaftConfigurationDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken)
    {
        Enter("ReadRaftConfigurationDrSecondary");
        RequireOperationToken(drOperationToken, "sys/storage/raft/configuration");
        RequireMode(DrMode.secondary, "sys/storage/raft/configuration", "not a DR secondary");
        return Task.FromResult(RaftPeers.ToArray());
    }

    public Task<AutopilotState> ReadAutopilotStateAsync(SecureString? drOperationToken, CancellationToken cancellationToken)
    {
        Enter("ReadAutopilotState");
        RequireOperationToken(drOperationToken!, "sys/storage/raft/autopilot/state");
        var servers = RaftPeers.Select(peer => new AutopilotServer
        {
            Id = peer.NodeId,
            Name = peer.NodeId,
            Address = peer.Address,
            Healthy = !DeadServers.Contains(peer.NodeId),
            NodeStatus = DeadServers.Contains(peer.NodeId) ? "failed" : "alive",
            NodeType = peer.Voter ? "voter" : "non-voter",
            Status = peer.Leader ? "leader" : peer.Voter ? "voter" : "non-voter",
            LastContact = TimeSpan.Zero,
        }).ToArray();
        var voters = servers.Where(s => s.NodeType == "voter").ToArray();
        return Task.FromResult(new AutopilotState
        {
            Address = Connection.Address,
            Healthy = DeadServers.Count == 0,
            Leader = RaftPeers.FirstOrDefault(p => p.Leader)?.NodeId,
            Voters = voters.Select(v => v.Id).ToArray(),
            FailureTolerance = Math.Max(0, (voters.Count(v => v.Healthy == true) - 1) / 2),
            Servers = servers,
        });
    }

    public Task RemoveRaftPeerAsync(string serverId, SecureString? drOperationToken, CancellationToken cancellationToken) => Change($"RemoveRaftPeer {serverId}", () =>
    {
        RequireOperationToken(drOperationToken!, "sys/storage/raft/remove-peer");
        RaftPeers.RemoveAll(p => p.NodeId == serverId);
    });

    public Task UpdatePrimaryAddressesAsync(SecureString drOperationToken, IReadOnlyList<string> primaryClusterAddresses, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The failover re-attaches with an activation token, never with cluster addresses.");

    public Task<ReplicationStatus> ReadReplicationStatusAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task ReindexAsync(ReindexOptions options, CancellationToken cancellationToken) => throw new InvalidOperationException("The failover never reindexes.");

    public Task ReindexDrSecondaryAsync(SecureString drOperationToken, ReindexOptions options, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The failover never reindexes.");

    public Task<MerkleCorruptionReport> MerkleCheckAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task<MerkleCorruptionReport> MerkleCheckDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Not part of this fake.");

    public Task RecoverAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task RecoverDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task<RaftPeer[]> ReadRaftConfigurationAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The failover reads the secondary's peers with the DR operation token only.");

    public Task<AutopilotConfiguration> ReadAutopilotConfigurationAsync(SecureString? drOperationToken, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Not part of this fake.");

    public Task WriteAutopilotConfigurationAsync(AutopilotSettings settings, SecureString? drOperationToken, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Not part of this fake.");

    public Task<VaultHealth> ReadHealthAsync(CancellationToken cancellationToken)
    {
        Enter("ReadHealth");
        var secondary = Mode == DrMode.secondary;
        return Task.FromResult(new VaultHealth
        {
            Address = Connection.Address,
            StatusCode = secondary ? 472 : 200,
            Role = secondary ? "dr-secondary" : "active",
            ReplicationDrMode = Mode.ToString(),
            Version = Version,
        });
    }

    public Task<VaultSealStatus> ReadSealStatusAsync(CancellationToken cancellationToken)
    {
        Enter("ReadSealStatus");
        return Task.FromResult(Seal);
    }

    public Task<TokenLookup> LookupTokenAsync(SecureString token, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task<IReadOnlyDictionary<string, string[]>> ReadTokenCapabilitiesAsync(SecureString token, IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Not part of this fake.");

    public Task<ServerCertificate> ReadServerCertificateAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task WritePolicyAsync(string name, string policy, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task WriteTokenRoleAsync(string name, TokenRoleSettings role, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task<OperationToken> CreateBatchTokenAsync(string role, VaultDuration ttl, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task<IReadOnlyDictionary<string, object?>> ReadSecretAsync(string path, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    public Task WriteSecretAsync(string path, IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken) => throw new InvalidOperationException("Not part of this fake.");

    /// <summary>Every fake cluster of a test, so an activation token can name its primary.</summary>
    internal List<FakeDrCluster> Realm { get; } = [];

    private void Follow(FakeDrCluster primary, string secondaryId)
    {
        Following = primary;
        SecondaryId = secondaryId;
        CaughtUpAt = _clock.Now + CatchUpTime;
        ClusterId = primary.ClusterId;
        if (!primary._followers.Contains(this))
        {
            primary._followers.Add(this);
        }

        if (!primary.Realm.Contains(this))
        {
            primary.Realm.Add(this);
            Realm.Add(primary);
        }
    }

    private OperationTokenProgress Progress(SecureString? otp, bool complete) => new()
    {
        Started = _otp is not null || complete,
        Nonce = _otp is null && !complete ? null : "nonce-" + Connection.Name,
        Progress = _progress,
        Required = Threshold,
        Complete = complete,
        Otp = otp,
        OtpLength = otp is null ? null : 28,
        EncodedToken = complete ? SecretText.Protect(OperationTokenDecoder.Encode(OperationTokenText, "Zx7Qp2Lm9Rt4Vw6Yb8Nc1Kd3Hf5" + Connection.Name[0])) : null,
        Address = Connection.Address,
    };

    private void RequireMode(DrMode mode, string path, string text)
    {
        if (Mode != mode)
        {
            throw VaultError(400, path, text);
        }
    }

    private void RequireOperationToken(SecureString token, string path)
    {
        if (!_validOperationTokens.Contains(SecretText.Reveal(token)))
        {
            throw VaultError(400, path, "invalid DR operation token");
        }
    }

    private Task Change(string call, Action act)
    {
        Enter(call);
        act();
        return Task.CompletedTask;
    }

    private void Enter(string call)
    {
        _calls.Add(call);
        Journal.Add($"{Connection.Name}:{call}");
        if (!Reachable)
        {
            throw new VaultConnectionException("VaultDrConnectionRefused", $"{call} {Connection}: the connection was refused.", requestMayHaveBeenProcessed: false);
        }

        var name = call.Split(' ')[0];
        if (_failures.TryGetValue(name, out var queue) && queue.TryDequeue(out var error))
        {
            throw error;
        }
    }
}
