using System.Security.Cryptography;

namespace VaultDr.Lab;

/// <summary>
/// Everything one emulated cluster knows, shared by the classes that play its roles (sys endpoints, primary role,
/// secondary link, replication loop and stream, operation-token ceremony). The mutable members are read and changed
/// only under <see cref="Gate"/>, and nobody holds it across a peer call, so a cluster waiting on its peer never
/// blocks that peer calling back.
/// </summary>
internal sealed class ClusterState : IDisposable
{
    public ClusterState(string name, LabOptions options, IPeerTransport transport, TimeProvider time)
    {
        Name = name;
        Options = options;
        Transport = transport;
        Time = time;
        Version = VaultVersion.Parse(options.VaultVersion);
        StartedAt = time.GetUtcNow();

        // Shares of a 32-byte key are 33 bytes long; an auto-unseal cluster's recovery key is split the same way.
        var shares = Enumerable.Range(0, options.KeyShares).Select(_ => RandomNumberGenerator.GetBytes(33)).ToList();
        RecoverySeal = options.AutoUnseal;
        UnsealKeys = RecoverySeal ? [] : shares;
        RecoveryKeys = RecoverySeal ? shares : [];
        EncryptedUnsealKeys = EncryptShares(UnsealKeys, options.PgpKeys, StartedAt.UtcDateTime);
        RootToken = "hvs." + LabCrypto.Base62(24);
        Raft = new RaftCluster(name);
        Log = new ServerLog(() => ClockSkew);
        Store.Tokens[RootToken] = new LabToken(RootToken, LabCrypto.Base62(24), "service", ["root"], null, 0, null, true);
        MerkleRoot = Store.MerkleRoot();
    }

    /// <summary>The cluster's one lock.</summary>
    public Lock Gate { get; } = new();

    // --- Fixed at construction ---------------------------------------------------------------

    public string Name { get; }

    public LabOptions Options { get; }

    public IPeerTransport Transport { get; }

    public TimeProvider Time { get; }

    /// <summary>The cluster id sys/health shows before replication gives the cluster a shared one.</summary>
    public string LocalClusterId { get; } = LabCrypto.Uuid();

    public DateTimeOffset StartedAt { get; }

    /// <summary>Signs the wrapping tokens this cluster issues as a primary.</summary>
    public WrappingTokenSigner Signer { get; } = new();

    // --- Set by the host (before traffic flows, so read without the lock) ----------------------

    public Uri ApiAddress { get; set; } = new("https://127.0.0.1:8200");

    public Uri ClusterAddress { get; set; } = new("https://127.0.0.1:8201");

    /// <summary>False while the host has the cluster stopped: no outgoing replication traffic.</summary>
    public bool Running { get; set; } = true;

    // --- Server configuration (the lab's control changes it, as an upgrade or a SIGHUP reload would) ---

    /// <summary>The Vault version the cluster runs.</summary>
    public VaultVersion Version { get; set; }

    /// <summary>
    /// Vault 2.x's <c>enable_unauthenticated_access</c>: the endpoint families ("rekey", "generate-root",
    /// "generate-operation-token") that answer without a Vault token.
    /// </summary>
    public SortedSet<string> UnauthenticatedAccess { get; } = new(StringComparer.Ordinal);

    // --- Storage: what replication copies, its WAL index and merkle root -----------------------

    public ReplicatedStore Store { get; set; } = new();

    public long LastWal { get; set; }

    public string MerkleRoot { get; set; }

    // --- Seal -----------------------------------------------------------------------------------

    /// <summary>
    /// An auto-unseal seal: the cluster unseals itself and has recovery keys, not unseal keys. Secondary enable adopts
    /// the primary's seal configuration with its keys.
    /// </summary>
    public bool RecoverySeal { get; set; }

    /// <summary>The seal type sys/seal-status reports.</summary>
    public string SealType => RecoverySeal ? LabOptions.AutoUnsealSealType : "shamir";

    /// <summary>The key shares that unseal the cluster (after secondary enable: the primary's); none with auto-unseal.</summary>
    public List<byte[]> UnsealKeys { get; set; }

    /// <summary>The recovery key shares of an auto-unseal cluster (after secondary enable: the primary's); none with Shamir.</summary>
    public List<byte[]> RecoveryKeys { get; set; }

    /// <summary>The shares sys/unseal and the operation-token ceremony take: the recovery keys with auto-unseal.</summary>
    public List<byte[]> SealKeys => RecoverySeal ? RecoveryKeys : UnsealKeys;
    /// <summary>
    /// The shares as init with pgp_keys returns them (keys_base64), fixed at init; empty without PGP keys. Later
    /// changes of <see cref="UnsealKeys"/> (a DR secondary adopting its primary's) do not touch them, as in Vault.
    /// </summary>
    public IReadOnlyList<string> EncryptedUnsealKeys { get; }

    public string RootToken { get; set; }

    public bool Sealed { get; set; }

    public List<byte[]> UnsealProgress { get; } = [];

    // --- DR replication, either role --------------------------------------------------------------

    public string Mode { get; set; } = DrModes.Disabled;

    /// <summary>The replication set's id: made by primary enable, adopted by secondary enable.</summary>
    public string? ClusterId { get; set; }

    /// <summary>The primary_cluster_addr given to primary enable or promote, if any.</summary>
    public string? PrimaryClusterAddrOverride { get; set; }

    // --- Primary side ---------------------------------------------------------------------------

    public List<SecondaryEntry> Secondaries { get; } = [];

    /// <summary>Unused wrapped activation tokens, by their jti.</summary>
    public Dictionary<string, WrappedActivation> WrappedActivations { get; } = new(StringComparer.Ordinal);

    // --- Secondary side -------------------------------------------------------------------------

    public PrimaryLink? Link { get; set; }

    /// <summary>Bumped whenever the link is replaced or dropped, so a heartbeat answer for an old link is ignored.</summary>
    public int LinkGeneration { get; set; }

    /// <summary>
    /// Completes when the secondary is pointed at a primary, so the replication loop starts at once rather than at its
    /// next heartbeat: the state steps then take the configured delays, not up to one heartbeat more.
    /// </summary>
    public TaskCompletionSource NewLink { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The signal to wait on for the next link (a fresh one once the last has fired).</summary>
    public Task NextNewLink()
    {
        if (NewLink.Task.IsCompleted)
        {
            NewLink = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return NewLink.Task;
    }

    public string SecondaryState { get; set; } = SecondaryStates.Idle;

    public DateTimeOffset StateSince { get; set; }

    /// <summary>When the secondary fell behind its primary (catching up takes CatchUpDelay from then).</summary>
    public DateTimeOffset? CatchUpSince { get; set; }

    /// <summary>True during the first merkle-sync after (re)connecting, which takes StateStepDelay, not CatchUpDelay.</summary>
    public bool InitialSync { get; set; }

    public long LastRemoteWal { get; set; }

    public List<string> KnownPrimaryClusterAddrs { get; set; } = [];

    /// <summary>The key of secondary/generate-public-key, which opens a public-key activation token.</summary>
    public ECDiffieHellman? SecondaryKey { get; set; }

    /// <summary>Who this secondary is to its primary (from its activation token); kept when the primary is forgotten.</summary>
    public StreamIdentity? Identity { get; set; }

    /// <summary>
    /// Demoted from primary and not yet pointed at the new primary with an activation token: update-primary needs a
    /// token then, not cluster addresses.
    /// </summary>
    public bool DemotedAwaitingToken { get; set; }

    // --- Maintenance: merkle trees, reindex, the stream, the status endpoints -----------------------

    public MerkleTrees Merkle { get; } = new();

    /// <summary>When the last merkle check ran (null: never, which the status shows as Go's zero time).</summary>
    public DateTimeOffset? LastCorruptionCheck { get; set; }

    public ReindexJob? Reindex { get; set; }

    /// <summary>When the last reindex completed (null: never, "0" in the status).</summary>
    public DateTimeOffset? LastReindex { get; set; }

    /// <summary>
    /// Replication "stopped syncing" (the lab's control broke it) until sys/replication/recover: a secondary stops
    /// streaming, a primary stops serving its secondaries.
    /// </summary>
    public bool StreamStopped { get; set; }

    /// <summary>The API listener's disable_replication_status_endpoints.</summary>
    public bool StatusEndpointsDisabled { get; set; }

    /// <summary>The integrated storage (raft) configuration: the active node and its standbys.</summary>
    public RaftCluster Raft { get; }

    /// <summary>The server log: each line stamped by the cluster's clock.</summary>
    public ServerLog Log { get; }

    // --- DR operation tokens --------------------------------------------------------------------

    /// <summary>Tokens made by the ceremony, valid until deleted or the role changes.</summary>
    public HashSet<string> OperationTokens { get; } = new(StringComparer.Ordinal);

    public CeremonyAttempt? Ceremony { get; set; }

    /// <summary>
    /// How far the cluster's clock runs ahead of the machine's (negative: behind). Its timers (<see cref="Now"/>) keep
    /// the machine's time, as Vault's monotonic timers do; what it stamps and shows uses <see cref="Clock"/>.
    /// </summary>
    public TimeSpan ClockSkew { get; set; }

    // --- Derived ----------------------------------------------------------------------------------

    /// <summary>The machine's time: for the cluster's timers and delays (never shown as it is).</summary>
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>What the cluster's clock reads: the times it stamps (token expiry, server_time_utc, its log).</summary>
    public DateTimeOffset Clock => Now + ClockSkew;

    /// <summary>A machine instant as the cluster's clock showed it.</summary>
    public DateTimeOffset OnClock(DateTimeOffset instant) => instant + ClockSkew;

    /// <summary>The <c>state</c> the status shows: "running" on a primary, the walk's state on a secondary.</summary>
    public string StateText => Mode switch
    {
        DrModes.Primary => "running",
        DrModes.Secondary => SecondaryState,
        _ => SecondaryStates.Idle,
    };

    /// <summary>The merkle root the status shows: a corrupt replicated tree or root makes it wrong.</summary>
    public string ReportedMerkleRoot => Merkle.Reported(MerkleRoot);

    public string PrimaryClusterAddr =>
        string.IsNullOrEmpty(PrimaryClusterAddrOverride) ? AddressText(ClusterAddress) : PrimaryClusterAddrOverride;

    /// <summary>sys/health and sys/seal-status show the replication set's id once there is one.</summary>
    public string HealthClusterId => ClusterId ?? LocalClusterId;

    /// <summary>An address as Vault prints it: no trailing slash.</summary>
    public static string AddressText(Uri uri) => uri.ToString().TrimEnd('/');

    /// <summary>A machine instant (a heartbeat, the start) as the cluster shows it: on its clock, RFC 3339.</summary>
    public string Rfc3339(DateTimeOffset instant) => LabCrypto.Rfc3339(OnClock(instant), Time.LocalTimeZone);

    /// <summary>The token of the request when it is in the token store and unexpired.</summary>
    public LabToken? Authenticate(LabRequest request)
    {
        var token = request.Token;
        return token is not null ? Lookup(token) : null;
    }

    /// <summary>The token when it is in the token store and unexpired by the cluster's clock.</summary>
    public LabToken? Lookup(string token) => Store.Tokens.TryGetValue(token, out var entry) && entry.IsValidAt(Clock) ? entry : null;

    /// <summary>
    /// What <paramref name="token"/> may do on <paramref name="path"/>, as sys/capabilities answers: <c>["root"]</c> for
    /// the root policy, else the sorted capabilities its policies grant, or <c>["deny"]</c>.
    /// </summary>
    public IReadOnlyList<string> CapabilitiesOf(LabToken token, string path) => token.IsRoot ? ["root"] : AclOf(token).Capabilities(path);

    /// <summary>The ACL of the token's policies from the policy store (the built-in default when none is written).</summary>
    private Acl AclOf(LabToken token) => Acl.From(token.Policies.Select(p =>
        Store.Policies.TryGetValue(p, out var text) ? text : p == "default" ? Acl.BuiltInDefaultPolicy : ""));

    public bool IsCurrentKey(byte[] key) => SealKeys.Any(k => k.AsSpan().SequenceEqual(key));

    /// <summary>
    /// Who may use the operation-token ceremony. Before 2.0 anyone; from 2.0 a caller with a Vault token, unless the
    /// server's enable_unauthenticated_access names the family (IC2). A DR secondary takes its primary's root token
    /// (2.0+); UNCONFIRMED: which policy a non-root token needs, taken here to be the capability the method needs on
    /// the request's path (read for GET, update for PUT, delete for DELETE), as for any other path.
    /// </summary>
    public bool CeremonyNeedsToken => Version.IsVault2OrLater && !UnauthenticatedAccess.Contains(UnauthenticatedFamilies.GenerateOperationToken);

    public bool MayGenerateOperationToken(LabToken caller, string path, ApiMethods method) =>
        caller.IsRoot || AclOf(caller).Allows(path, Acl.CapabilityFor(method));

    /// <summary>Every storage write: the WAL advances and the merkle root follows the data.</summary>
    public void Wrote()
    {
        LastWal++;
        MerkleRoot = Store.MerkleRoot();
    }

    /// <summary>Sealing forgets the unseal progress and any operation-token attempt, as Vault does.</summary>
    public void SealNow()
    {
        Sealed = true;
        UnsealProgress.Clear();
        Ceremony = null;
    }

    public bool IsFresh(DateTimeOffset? heartbeat) => heartbeat is { } h && Now - h < Options.DisconnectAfter;

    public bool LinkConnected(PrimaryLink link) => link.Connected && IsFresh(link.LastHeartbeat);

    /// <summary>True while the secondary has not applied everything the primary last reported.</summary>
    public bool IsBehind(PrimaryLink link) => link.SeenWal != LastRemoteWal || link.SeenMerkle != MerkleRoot;

    /// <summary>
    /// True when <paramref name="token"/> may authorise <paramref name="path"/> on this DR secondary: a token the
    /// operation-token ceremony made, or a (batch) token replicated from the primary whose policies grant
    /// <paramref name="capability"/> there (promote and update-primary are updates). The root policy is not enough: a
    /// DR secondary takes a batch or DR operation token, not the primary's root token.
    /// </summary>
    public bool IsDrOperationToken(string token, string path, string capability = "update") =>
        OperationTokens.Contains(token) || (Lookup(token) is { } entry && AclOf(entry).Allows(path, capability));

    /// <summary>Points the secondary at a primary: it connects at once and walks the sync states again.</summary>
    public void Follow(PrimaryLink link, IReadOnlyList<string> knownPrimaryClusterAddrs)
    {
        Link = link;
        LinkGeneration++;
        Identity = new StreamIdentity(link.SecondaryId, link.Credential);
        KnownPrimaryClusterAddrs = [.. knownPrimaryClusterAddrs];
        StreamStopped = false;
        RestartSync();
    }

    /// <summary>The walk to stream-wals starts again from connecting, and the replication loop wakes at once.</summary>
    public void RestartSync()
    {
        SecondaryState = SecondaryStates.Connecting;
        StateSince = Now;
        CatchUpSince = null;
        InitialSync = false;
        NewLink.TrySetResult();
    }

    /// <summary>
    /// Applies what the clock has made happen since the last call (call under the lock, before answering): a
    /// reindex that has completed, servers autopilot has cleaned up.
    /// </summary>
    public void CatchUpWithClock()
    {
        if (Reindex is { } job && job.IsCompleteAt(Now))
        {
            CompleteReindex(job);
        }

        foreach (var nodeId in Raft.RemoveDeadServers(Now, LastWal))
        {
            Log.Info(Now, $"storage.raft.autopilot: removing dead server from raft configuration: id={nodeId}");
        }
    }

    /// <summary>Drops the link to the primary (no more heartbeats); the secondary shows idle with no primaries.</summary>
    public void ForgetPrimary()
    {
        Link = null;
        LinkGeneration++;
        KnownPrimaryClusterAddrs = [];
        SecondaryState = SecondaryStates.Idle;
        StateSince = Now;
        CatchUpSince = null;
    }

    /// <summary>Forgets the secondaries and their unused activation tokens (the primary role ends).</summary>
    public void ForgetSecondaries()
    {
        Secondaries.Clear();
        WrappedActivations.Clear();
    }

    /// <summary>
    /// A completed reindex repairs this cluster's trees. A secondary then diffs with its primary again, which comes
    /// out clean only if the primary's trees are sound: Vault says so in its log.
    /// </summary>
    private void CompleteReindex(ReindexJob job)
    {
        Reindex = null;
        LastReindex = job.CompletesAt;
        var repaired = Merkle.CorruptTrees;
        Merkle.Repair();
        Log.Info(job.CompletesAt, repaired.Count > 0
            ? $"replication.index: reindex complete: repaired merkle trees: {string.Join(", ", repaired)}"
            : "replication.index: reindex complete");
        if (Mode != DrModes.Secondary || Link is not { } link || StreamStopped
            || SecondaryState is not (SecondaryStates.MerkleDiff or SecondaryStates.MerkleSync or SecondaryStates.StreamWals))
        {
            return;
        }

        if (link.PrimaryTreeCorrupt)
        {
            Log.Error(job.CompletesAt, "replication: " + VaultMessages.IrreconcilableAfterReindex);
        }

        SecondaryState = SecondaryStates.MerkleDiff;
        StateSince = Now;
        CatchUpSince = null;
        InitialSync = false;
    }

    /// <summary>
    /// vault operator init -pgp-keys: each share's hex text (not its bytes) is encrypted for the key of the same
    /// position, and returned as base64 of the binary message (vault/init.go, http/sys_init.go).
    /// </summary>
    private static string[] EncryptShares(List<byte[]> shares, IReadOnlyList<string> pgpKeys, DateTime utcNow)
    {
        if (pgpKeys.Count == 0)
        {
            return [];
        }

        if (pgpKeys.Count != shares.Count)
        {
            throw new ArgumentException(VaultMessages.IncorrectNumberOfPgpKeys, nameof(pgpKeys));
        }

        return shares.Select((share, i) =>
        {
            var key = VaultPgpKey.Parse(pgpKeys[i], out var parseError) ?? throw new ArgumentException(parseError, nameof(pgpKeys));
            var message = key.Encrypt(System.Text.Encoding.ASCII.GetBytes(LabCrypto.Hex(share)), utcNow, out var encryptError)
                ?? throw new ArgumentException(encryptError, nameof(pgpKeys));
            return Convert.ToBase64String(message);
        }).ToArray();
    }

    public void Dispose()
    {
        Signer.Dispose();
        SecondaryKey?.Dispose();
    }
}
