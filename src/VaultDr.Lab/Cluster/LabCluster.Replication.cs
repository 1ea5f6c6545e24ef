using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaultDr.Lab;

/// <summary>What unwrapping (or decrypting) a DR secondary activation token yields.</summary>
internal sealed record ActivationCredentials(
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("primary_cluster_addr")] string PrimaryClusterAddr,
    [property: JsonPropertyName("primary_api_addr")] string PrimaryApiAddr,
    [property: JsonPropertyName("secondary_id")] string SecondaryId,
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("unseal_keys_hex")] IReadOnlyList<string> UnsealKeysHex,
    [property: JsonPropertyName("root_token")] string RootToken,
    [property: JsonPropertyName("token_store")] SortedDictionary<string, LabToken> TokenStore);

// DR replication: status, primary/*, secondary/*, the activation token, and the replication stream.
//
// Cluster-listener protocol (internal to the lab): POST /replication/stream with
//   {"secondary_id","credential","cluster_id","last_remote_wal","merkle_root","api_address","cluster_address"}
// answered by the primary with 200
//   {"cluster_id","api_address","cluster_address","last_wal","merkle_root","store":<ReplicatedStore>|null}
// (store only when the secondary's WAL or merkle root differs), 403 for a revoked / unknown secondary or a
// wrong credential, 400 when the answering cluster is not a DR primary or belongs to another cluster id,
// 503 when sealed. One call is both the heartbeat and the WAL stream.
public sealed partial class LabCluster
{
    internal const string StreamPath = "/replication/stream";
    private const string StateIdle = "idle";
    private const string StateConnecting = "connecting";
    private const string StateMerkleDiff = "merkle-diff";
    private const string StateMerkleSync = "merkle-sync";
    private const string StateStreamWals = "stream-wals";
    private const string StateTransientFailure = "transient_failure";
    private const string ZeroTime = "0001-01-01T00:00:00Z";
    private static readonly TimeSpan DefaultActivationTtl = TimeSpan.FromMinutes(30);

    // Primary side.
    private readonly List<SecondaryEntry> _secondaries = [];
    private readonly Dictionary<string, WrappedActivation> _wrapped = new(StringComparer.Ordinal);

    // Secondary side.
    private PrimaryLink? _primary;
    private int _linkGeneration;
    private string _state = StateIdle;
    private DateTimeOffset _stateSince;
    private DateTimeOffset? _catchUpSince;
    private bool _initialSync;
    private long _lastRemoteWal;
    private List<string> _knownPrimaryClusterAddrs = [];
    private ECDiffieHellman? _secondaryKey;
    private readonly HashSet<string> _operationTokens = new(StringComparer.Ordinal);

    private sealed class SecondaryEntry(string id, string credential, DateTimeOffset tokenExpiresAt)
    {
        public string Id { get; } = id;

        public string Credential { get; } = credential;

        public DateTimeOffset TokenExpiresAt { get; } = tokenExpiresAt;

        public bool Activated { get; set; }

        public DateTimeOffset? LastHeartbeat { get; set; }

        public string ApiAddress { get; set; } = "";

        public string ClusterAddress { get; set; } = "";
    }

    private sealed record WrappedActivation(string SecondaryId, DateTimeOffset ExpiresAt);

    private sealed class PrimaryLink(string apiAddress, string clusterAddress, string secondaryId, string credential)
    {
        public string ApiAddress { get; set; } = apiAddress;

        public string ClusterAddress { get; set; } = clusterAddress;

        public string SecondaryId { get; } = secondaryId;

        public string Credential { get; } = credential;

        public bool Connected { get; set; }

        public bool EverConnected { get; set; }

        public DateTimeOffset? LastHeartbeat { get; set; }

        public long SeenWal { get; set; }

        public string? SeenMerkle { get; set; }

        public string? PendingStore { get; set; }
    }

    // ------------------------------------------------------------------------------------------
    // Status
    // ------------------------------------------------------------------------------------------

    private SortedDictionary<string, object?> DrStatusData()
    {
        var data = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["mode"] = _mode };
        var now = Now;
        if (_mode == ModePrimary)
        {
            data["cluster_id"] = _clusterId;
            data["corrupted_merkle_tree"] = false;
            data["known_secondaries"] = _secondaries.Select(s => s.Id).ToArray();
            data["last_dr_wal"] = _lastWal;
            data["last_reindex_epoch"] = "0";
            data["last_wal"] = _lastWal;
            data["merkle_root"] = _merkleRoot;
            data["primary_cluster_addr"] = PrimaryClusterAddr();
            data["secondaries"] = _secondaries.Where(s => s.Activated).Select(s => new OrderedDictionary<string, object?>
            {
                ["api_address"] = s.ApiAddress,
                ["cluster_address"] = s.ClusterAddress,
                ["connection_status"] = IsFresh(s.LastHeartbeat, now) ? "connected" : "disconnected",
                ["last_heartbeat"] = s.LastHeartbeat is { } h ? Rfc3339(h) : ZeroTime,
                ["node_id"] = s.Id,
            }).ToArray();
            data["state"] = "running";
        }
        else if (_mode == ModeSecondary)
        {
            data["cluster_id"] = _clusterId;
            data["corrupted_merkle_tree"] = false;
            data["known_primary_cluster_addrs"] = _knownPrimaryClusterAddrs.ToArray();
            data["last_reindex_epoch"] = "0";
            data["last_remote_wal"] = _lastRemoteWal;
            data["merkle_root"] = _merkleRoot;
            data["primaries"] = _primary is { } link
                ? new[]
                {
                    new OrderedDictionary<string, object?>
                    {
                        ["api_address"] = link.ApiAddress,
                        ["cluster_address"] = link.ClusterAddress,
                        ["connection_status"] = LinkConnected(link, now) ? "connected" : "disconnected",
                        ["last_heartbeat"] = link.LastHeartbeat is { } h ? Rfc3339(h) : ZeroTime,
                    },
                }
                : [];
            data["primary_cluster_addr"] = _primary?.ClusterAddress ?? "";
            data["secondary_id"] = _primary?.SecondaryId ?? "";
            data["state"] = _state;
        }

        return data;
    }

    private bool IsFresh(DateTimeOffset? heartbeat, DateTimeOffset now) =>
        heartbeat is { } h && now - h < _options.DisconnectAfter;

    private bool LinkConnected(PrimaryLink link, DateTimeOffset now) => link.Connected && IsFresh(link.LastHeartbeat, now);

    private string PrimaryClusterAddr() => string.IsNullOrEmpty(_primaryClusterAddrOverride) ? Addr(ClusterAddress) : _primaryClusterAddrOverride;

    // ------------------------------------------------------------------------------------------
    // sys/replication/dr/primary/*
    // ------------------------------------------------------------------------------------------

    private LabResponse HandlePrimaryPath(string method, string sub, LabRequest request, LabToken caller)
    {
        if (sub is not ("enable" or "demote" or "disable" or "secondary-token" or "revoke-secondary"))
        {
            return NotFound();
        }

        if (!caller.IsRoot)
        {
            return Error(403, VaultMessages.PermissionDenied);
        }

        if (method is not ("PUT" or "POST"))
        {
            return Unsupported();
        }

        var body = request.Json;
        switch (sub)
        {
            case "enable":
                if (_mode == ModePrimary)
                {
                    return Error(400, VaultMessages.AlreadyPrimary);
                }

                if (_mode == ModeSecondary)
                {
                    return Error(400, VaultMessages.CannotEnablePrimaryOnSecondary);
                }

                _mode = ModePrimary;
                _clusterId = LabCrypto.Uuid();
                _primaryClusterAddrOverride = LabCrypto.ReadString(body, "primary_cluster_addr");
                Wrote(); // the replication configuration is a storage write
                return WarningsResponse(VaultMessages.PrimaryEnableWarning);

            case "demote":
                if (_mode != ModePrimary)
                {
                    return Error(400, VaultMessages.NotADrPrimary);
                }

                _mode = ModeSecondary;
                _secondaries.Clear();
                _wrapped.Clear();
                _primary = null;
                _linkGeneration++;
                _knownPrimaryClusterAddrs = [];
                _lastRemoteWal = _lastWal;
                _state = StateIdle;
                _stateSince = Now;
                return WarningsResponse(VaultMessages.DemoteWarning);

            case "disable":
                if (_mode != ModePrimary)
                {
                    return Error(400, VaultMessages.NotADrPrimary);
                }

                _mode = ModeDisabled;
                _clusterId = null;
                _primaryClusterAddrOverride = null;
                _secondaries.Clear();
                _wrapped.Clear();
                return WarningsResponse(VaultMessages.DisableWarning);

            case "secondary-token":
                return SecondaryToken(body);

            default: // revoke-secondary
                if (_mode != ModePrimary)
                {
                    return Error(400, VaultMessages.NotADrPrimary);
                }

                var revokeId = LabCrypto.ReadString(body, "id");
                if (string.IsNullOrEmpty(revokeId))
                {
                    return Error(400, VaultMessages.MissingSecondaryId);
                }

                if (_secondaries.RemoveAll(s => s.Id == revokeId) > 0)
                {
                    foreach (var jti in _wrapped.Where(w => w.Value.SecondaryId == revokeId).Select(w => w.Key).ToList())
                    {
                        _wrapped.Remove(jti);
                    }

                    Wrote();
                }

                return NoContent();
        }
    }

    private LabResponse SecondaryToken(JsonElement? body)
    {
        if (_mode != ModePrimary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        var id = LabCrypto.ReadString(body, "id");
        if (string.IsNullOrEmpty(id))
        {
            return Error(400, VaultMessages.MissingSecondaryId);
        }

        if (!LabCrypto.TryReadDuration(body, "ttl", DefaultActivationTtl, out var ttl, out var raw))
        {
            return Error(400, VaultMessages.InvalidTtl(raw));
        }

        var publicKey = LabCrypto.ReadString(body, "secondary_public_key");
        if (!string.IsNullOrEmpty(publicKey) && !SealedBox.IsValidPublicKey(publicKey))
        {
            return Error(400, VaultMessages.InvalidSecondaryPublicKey);
        }

        var now = Now;
        var existing = _secondaries.FirstOrDefault(s => s.Id == id);
        if (existing is not null)
        {
            if (existing.Activated || existing.TokenExpiresAt > now)
            {
                return Error(400, VaultMessages.SecondaryIdInUse);
            }

            _secondaries.Remove(existing); // an activation token that expired unused frees its id
        }

        var entry = new SecondaryEntry(id, LabCrypto.Base62(32), now + ttl);
        _secondaries.Add(entry);
        Wrote();

        if (!string.IsNullOrEmpty(publicKey))
        {
            var sealedCredentials = SealedBox.Seal(publicKey, JsonSerializer.SerializeToUtf8Bytes(CredentialsFor(entry), LabCrypto.Json));
            return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["token"] = sealedCredentials });
        }

        var jti = LabCrypto.Uuid();
        var expires = now + ttl;
        _wrapped[jti] = new WrappedActivation(id, expires);
        var wrapInfo = new OrderedDictionary<string, object?>
        {
            ["token"] = _signer.Sign(Addr(ApiAddress), now, expires, jti),
            ["accessor"] = LabCrypto.Base62(24),
            ["ttl"] = (long)ttl.TotalSeconds,
            ["creation_time"] = Rfc3339(now),
            ["creation_path"] = "sys/replication/dr/primary/secondary-token",
            ["wrapped_accessor"] = "",
        };
        return new LabResponse(200, Serialize(EnvelopeBody(null, wrapInfo: wrapInfo)));
    }

    private ActivationCredentials CredentialsFor(SecondaryEntry entry) => new(
        _clusterId ?? "",
        PrimaryClusterAddr(),
        Addr(ApiAddress),
        entry.Id,
        entry.Credential,
        _unsealKeys.Select(k => LabCrypto.Hex(k)).ToArray(),
        _rootToken,
        _store.Clone().Tokens);

    private LabResponse Unwrap(LabRequest request)
    {
        var token = request.Token ?? LabCrypto.ReadString(request.Json, "token");
        if (string.IsNullOrEmpty(token) || _signer.Verify(token) is not { } jti || !_wrapped.Remove(jti, out var wrapped))
        {
            return Error(400, VaultMessages.WrappingTokenInvalid);
        }

        var entry = _secondaries.FirstOrDefault(s => s.Id == wrapped.SecondaryId);
        if (wrapped.ExpiresAt <= Now || entry is null || _mode != ModePrimary)
        {
            return Error(400, VaultMessages.WrappingTokenInvalid);
        }

        return Envelope(CredentialsFor(entry));
    }

    // ------------------------------------------------------------------------------------------
    // sys/replication/dr/secondary/*
    // ------------------------------------------------------------------------------------------

    private async Task<LabResponse> HandleSecondaryPathAsync(string method, string sub, LabRequest request, CancellationToken ct)
    {
        switch (sub)
        {
            case "enable":
                return await EnableSecondaryAsync(method, request, ct).ConfigureAwait(false);
            case "update-primary":
                return await UpdatePrimaryAsync(method, request, ct).ConfigureAwait(false);
            case "generate-operation-token/attempt":
            case "generate-operation-token/update":
                lock (_gate)
                {
                    return HandleCeremony(method, sub["generate-operation-token/".Length..], request);
                }
        }

        lock (_gate)
        {
            switch (sub)
            {
                case "generate-public-key":
                    if (Authenticate(request) is null)
                    {
                        return Error(403, VaultMessages.PermissionDenied);
                    }

                    if (method is not ("PUT" or "POST"))
                    {
                        return Unsupported();
                    }

                    if (_mode == ModePrimary)
                    {
                        return Error(400, VaultMessages.NotADrSecondary);
                    }

                    _secondaryKey?.Dispose();
                    _secondaryKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
                    return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["secondary_public_key"] = Convert.ToBase64String(_secondaryKey.ExportSubjectPublicKeyInfo()),
                    });

                case "promote":
                case "disable":
                case "operation-token/delete":
                    if (method is not ("PUT" or "POST"))
                    {
                        return Unsupported();
                    }

                    if (_mode != ModeSecondary)
                    {
                        return Error(400, VaultMessages.NotADrSecondary);
                    }

                    return sub switch
                    {
                        "promote" => Promote(request.Json),
                        "disable" => DisableSecondary(request.Json),
                        _ => DeleteOperationToken(request.Json),
                    };

                default:
                    return NotFound();
            }
        }
    }

    /// <summary>Null when the body's dr_operation_token authorises <paramref name="path"/>, else the error.</summary>
    private LabResponse? CheckOperationToken(JsonElement? body, string path)
    {
        var token = LabCrypto.ReadString(body, "dr_operation_token");
        if (string.IsNullOrEmpty(token))
        {
            return Error(400, VaultMessages.OperationTokenNotProvided);
        }

        if (_operationTokens.Contains(token))
        {
            return null;
        }

        // A (batch) token replicated from the primary whose policies grant the path.
        if (_store.Tokens.TryGetValue(token, out var entry) && entry.IsValidAt(Now)
            && entry.Policies.Any(p => _store.Policies.TryGetValue(p, out var text) && text.Contains(path, StringComparison.Ordinal)))
        {
            return null;
        }

        return Error(400, VaultMessages.InvalidOperationToken);
    }

    private LabResponse Promote(JsonElement? body)
    {
        if (CheckOperationToken(body, "sys/replication/dr/secondary/promote") is { } error)
        {
            return error;
        }

        if (!LabCrypto.ReadBool(body, "force") && _primary is { } link && LinkConnected(link, Now)
            && (_state != StateStreamWals || IsBehind(link)))
        {
            return Error(503, VaultMessages.PromoteNotCaughtUp);
        }

        _mode = ModePrimary;
        _lastWal = Math.Max(_lastWal, _lastRemoteWal);
        _primary = null;
        _linkGeneration++;
        _knownPrimaryClusterAddrs = [];
        _state = StateIdle;
        _catchUpSince = null;
        _primaryClusterAddrOverride = LabCrypto.ReadString(body, "primary_cluster_addr");
        _operationTokens.Clear();
        _ceremony = null;
        Wrote();
        return WarningsResponse(VaultMessages.PromoteWarning);
    }

    private LabResponse DisableSecondary(JsonElement? body)
    {
        if (CheckOperationToken(body, "sys/replication/dr/secondary/disable") is { } error)
        {
            return error;
        }

        _mode = ModeDisabled;
        _clusterId = null;
        _primary = null;
        _linkGeneration++;
        _knownPrimaryClusterAddrs = [];
        _state = StateIdle;
        _operationTokens.Clear();
        _ceremony = null;
        return WarningsResponse(VaultMessages.DisableWarning);
    }

    private LabResponse DeleteOperationToken(JsonElement? body)
    {
        var token = LabCrypto.ReadString(body, "dr_operation_token");
        if (string.IsNullOrEmpty(token))
        {
            return Error(400, VaultMessages.OperationTokenNotProvided);
        }

        // Only ceremony-made tokens can be deleted; a batch token ends with its TTL.
        return _operationTokens.Remove(token) ? NoContent() : Error(400, VaultMessages.InvalidOperationToken);
    }

    private async Task<LabResponse> EnableSecondaryAsync(string method, LabRequest request, CancellationToken ct)
    {
        string token;
        lock (_gate)
        {
            if (Authenticate(request) is null)
            {
                return Error(403, VaultMessages.PermissionDenied);
            }

            if (method is not ("PUT" or "POST"))
            {
                return Unsupported();
            }

            if (_mode == ModePrimary)
            {
                return Error(400, VaultMessages.CannotEnableSecondaryOnPrimary);
            }

            if (_mode == ModeSecondary)
            {
                return Error(400, VaultMessages.AlreadySecondary);
            }

            token = LabCrypto.ReadString(request.Json, "token") ?? "";
            if (token.Length == 0)
            {
                return Error(400, VaultMessages.MissingActivationToken);
            }
        }

        var (credentials, failure) = await ObtainCredentialsAsync(token, LabCrypto.ReadString(request.Json, "primary_api_addr"), ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        lock (_gate)
        {
            if (_mode != ModeDisabled)
            {
                return Error(400, _mode == ModePrimary ? VaultMessages.CannotEnableSecondaryOnPrimary : VaultMessages.AlreadySecondary);
            }

            // Wipe: the secondary keeps nothing of its own; data arrives by replication.
            _store = new ReplicatedStore { Tokens = credentials!.TokenStore };
            _merkleRoot = _store.MerkleRoot();
            _lastWal = 0;
            _lastRemoteWal = 0;
            _unsealKeys = credentials.UnsealKeysHex.Select(Convert.FromHexString).ToList();
            _rootToken = credentials.RootToken;
            _clusterId = credentials.ClusterId;
            _mode = ModeSecondary;
            _primaryClusterAddrOverride = null;
            _secondaries.Clear();
            _wrapped.Clear();
            _operationTokens.Clear();
            _ceremony = null;
            _unsealProgress.Clear();
            _secondaryKey?.Dispose();
            _secondaryKey = null;
            FollowPrimary(credentials);
            return WarningsResponse(VaultMessages.SecondaryEnableWarning);
        }
    }

    private async Task<LabResponse> UpdatePrimaryAsync(string method, LabRequest request, CancellationToken ct)
    {
        string token;
        lock (_gate)
        {
            if (method is not ("PUT" or "POST"))
            {
                return Unsupported();
            }

            if (_mode != ModeSecondary)
            {
                return Error(400, VaultMessages.NotADrSecondary);
            }

            if (CheckOperationToken(request.Json, "sys/replication/dr/secondary/update-primary") is { } error)
            {
                return error;
            }

            token = LabCrypto.ReadString(request.Json, "token") ?? "";
            if (token.Length == 0)
            {
                // Stay a secondary, forget the primary (and stop trying to reach it).
                // UNCONFIRMED: 204 for the clearing form.
                _primary = null;
                _linkGeneration++;
                _knownPrimaryClusterAddrs = [];
                _state = StateIdle;
                _catchUpSince = null;
                return NoContent();
            }
        }

        var (credentials, failure) = await ObtainCredentialsAsync(token, LabCrypto.ReadString(request.Json, "primary_api_addr"), ct).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        lock (_gate)
        {
            if (_mode != ModeSecondary)
            {
                return Error(400, VaultMessages.NotADrSecondary);
            }

            if (!string.Equals(credentials!.ClusterId, _clusterId, StringComparison.Ordinal))
            {
                return Error(400, VaultMessages.ClusterIdMismatch);
            }

            // No wipe: the data stays and is brought in line with the new primary by the sync.
            FollowPrimary(credentials);
            return WarningsResponse(VaultMessages.UpdatePrimaryWarning);
        }
    }

    private void FollowPrimary(ActivationCredentials credentials)
    {
        _primary = new PrimaryLink(credentials.PrimaryApiAddr, credentials.PrimaryClusterAddr, credentials.SecondaryId, credentials.Credential);
        _linkGeneration++;
        _knownPrimaryClusterAddrs = [credentials.PrimaryClusterAddr];
        _state = StateConnecting;
        _stateSince = Now;
        _catchUpSince = null;
        _initialSync = false;
    }

    private async Task<(ActivationCredentials? Credentials, LabResponse? Error)> ObtainCredentialsAsync(string token, string? primaryApiAddr, CancellationToken ct)
    {
        if (token.Split('.').Length == 3)
        {
            var addr = !string.IsNullOrEmpty(primaryApiAddr) ? primaryApiAddr : WrappingTokenSigner.ReadClaim(token, "addr");
            if (string.IsNullOrEmpty(addr) || !Uri.TryCreate(addr, UriKind.Absolute, out var target))
            {
                return (null, Error(400, VaultMessages.NoUnwrapAddress));
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Vault-Token"] = token, ["X-Vault-Request"] = "true" };
            LabResponse response;
            try
            {
                response = await _transport.SendAsync(Name, target, LabRequest.Create("PUT", "/v1/sys/wrapping/unwrap", "", headers), ct).ConfigureAwait(false);
            }
            catch (LabPeerUnreachableException e)
            {
                return (null, Error(400, VaultMessages.UnwrapConnectionError(addr.TrimEnd('/') + "/v1/sys/wrapping/unwrap", e.Message)));
            }

            if (response.Status != 200)
            {
                return (null, Error(400, VaultMessages.UnwrapErrorResponse(response.Status, ErrorText(response.Json))));
            }

            try
            {
                using var document = JsonDocument.Parse(response.Json ?? "{}");
                var credentials = document.RootElement.GetProperty("data").Deserialize<ActivationCredentials>(LabCrypto.Json);
                return credentials is null ? (null, Error(400, VaultMessages.WrappingTokenInvalid)) : (credentials, null);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return (null, Error(400, VaultMessages.UnwrapErrorResponse(response.Status, "invalid response")));
            }
        }

        lock (_gate)
        {
            if (_secondaryKey is null)
            {
                return (null, Error(400, VaultMessages.PublicKeyNotGenerated));
            }

            var plain = SealedBox.Open(_secondaryKey, token);
            try
            {
                var credentials = plain is null ? null : JsonSerializer.Deserialize<ActivationCredentials>(plain, LabCrypto.Json);
                return credentials is null ? (null, Error(400, VaultMessages.BadActivationToken)) : (credentials, null);
            }
            catch (JsonException)
            {
                return (null, Error(400, VaultMessages.BadActivationToken));
            }
        }
    }

    private static string ErrorText(string? json)
    {
        try
        {
            using var document = JsonDocument.Parse(json ?? "{}");
            return document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                ? string.Join(", ", errors.EnumerateArray().Select(e => e.GetString()))
                : "";
        }
        catch (JsonException)
        {
            return json ?? "";
        }
    }

    // ------------------------------------------------------------------------------------------
    // Cluster listener (primary side of the stream)
    // ------------------------------------------------------------------------------------------

    /// <summary>Handles replication traffic on the cluster listener (see the protocol note at the top of this file).</summary>
    public Task<LabResponse> HandleClusterAsync(LabRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Path.TrimEnd('/') != StreamPath)
        {
            return Task.FromResult(NotFound());
        }

        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Unsupported());
        }

        lock (_gate)
        {
            return Task.FromResult(Stream(request.Json));
        }
    }

    private LabResponse Stream(JsonElement? body)
    {
        if (_sealed)
        {
            return Error(503, VaultMessages.Sealed);
        }

        if (_mode != ModePrimary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        if (LabCrypto.ReadString(body, "cluster_id") != _clusterId)
        {
            return Error(400, InternalMessages.ClusterIdMismatch);
        }

        var id = LabCrypto.ReadString(body, "secondary_id");
        var credential = LabCrypto.ReadString(body, "credential") ?? "";
        var entry = _secondaries.FirstOrDefault(s => s.Id == id);
        if (entry is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(entry.Credential), Encoding.UTF8.GetBytes(credential)))
        {
            return Error(403, InternalMessages.SecondaryRevoked);
        }

        entry.Activated = true;
        entry.LastHeartbeat = Now;
        entry.ApiAddress = LabCrypto.ReadString(body, "api_address") ?? "";
        entry.ClusterAddress = LabCrypto.ReadString(body, "cluster_address") ?? "";
        var remoteWal = body is { } b && b.TryGetProperty("last_remote_wal", out var w) && w.TryGetInt64(out var n) ? n : -1;
        var upToDate = remoteWal == _lastWal && LabCrypto.ReadString(body, "merkle_root") == _merkleRoot;
        var answer = new OrderedDictionary<string, object?>
        {
            ["cluster_id"] = _clusterId,
            ["api_address"] = Addr(ApiAddress),
            ["cluster_address"] = PrimaryClusterAddr(),
            ["last_wal"] = _lastWal,
            ["merkle_root"] = _merkleRoot,
            ["store"] = upToDate ? null : _store,
        };
        return new LabResponse(200, Serialize(answer));
    }

    // ------------------------------------------------------------------------------------------
    // Secondary side of the stream: one poll per heartbeat
    // ------------------------------------------------------------------------------------------

    /// <summary>One heartbeat of the replication loop (tests call it directly with a manual clock).</summary>
    internal async Task TickAsync(CancellationToken ct)
    {
        LabRequest request;
        Uri target;
        int generation;
        lock (_gate)
        {
            if (_disposed || !Running || _sealed || _mode != ModeSecondary)
            {
                return;
            }

            if (_primary is not { } link)
            {
                _state = StateIdle;
                return;
            }

            if (!Uri.TryCreate(link.ClusterAddress, UriKind.Absolute, out var address))
            {
                _state = StateTransientFailure;
                return;
            }

            target = address;
            generation = _linkGeneration;
            request = LabRequest.Create("POST", StreamPath, Serialize(new OrderedDictionary<string, object?>
            {
                ["secondary_id"] = link.SecondaryId,
                ["credential"] = link.Credential,
                ["cluster_id"] = _clusterId,
                ["last_remote_wal"] = _lastRemoteWal,
                ["merkle_root"] = _merkleRoot,
                ["api_address"] = Addr(ApiAddress),
                ["cluster_address"] = Addr(ClusterAddress),
            }));
        }

        LabResponse? response = null;
        try
        {
            response = await _transport.SendAsync(Name, target, request, ct).ConfigureAwait(false);
        }
        catch (LabPeerUnreachableException)
        {
            // Handled below as a failed heartbeat.
        }

        lock (_gate)
        {
            if (_mode != ModeSecondary || _linkGeneration != generation || _primary is not { } link)
            {
                return;
            }

            var now = Now;
            if (response is null || response.Status != 200)
            {
                link.Connected = false;
                _catchUpSince = null;
                _initialSync = false;
                _state = response is { Status: 403 } ? StateIdle
                    : link.EverConnected ? StateTransientFailure
                    : StateConnecting;
                return;
            }

            using var document = JsonDocument.Parse(response.Json ?? "{}");
            var root = document.RootElement;
            if (_state is not (StateConnecting or StateMerkleDiff or StateMerkleSync or StateStreamWals) || !link.EverConnected)
            {
                _state = StateConnecting;
                _stateSince = now;
            }

            link.Connected = true;
            link.EverConnected = true;
            link.LastHeartbeat = now;
            link.ApiAddress = root.GetProperty("api_address").GetString() ?? link.ApiAddress;
            link.SeenWal = root.GetProperty("last_wal").GetInt64();
            link.SeenMerkle = root.GetProperty("merkle_root").GetString();
            if (root.GetProperty("store") is { ValueKind: JsonValueKind.Object } store)
            {
                link.PendingStore = store.GetRawText();
            }

            Advance(link, now);
        }
    }

    private bool IsBehind(PrimaryLink link) => link.SeenWal != _lastRemoteWal || link.SeenMerkle != _merkleRoot;

    private void Advance(PrimaryLink link, DateTimeOffset now)
    {
        var elapsed = now - _stateSince;
        switch (_state)
        {
            case StateConnecting when elapsed >= _options.StateStepDelay:
                SetState(StateMerkleDiff, now);
                break;
            case StateMerkleDiff when elapsed >= _options.StateStepDelay:
                SetState(StateMerkleSync, now);
                _initialSync = true;
                break;
            case StateMerkleSync when _initialSync && elapsed >= _options.StateStepDelay:
            case StateMerkleSync when !_initialSync && _catchUpSince is { } since && now - since >= _options.CatchUpDelay:
                Adopt(link);
                SetState(StateStreamWals, now);
                break;
            case StateStreamWals when IsBehind(link):
                _catchUpSince = now;
                _initialSync = false;
                SetState(StateMerkleSync, now);
                break;
        }
    }

    private void SetState(string state, DateTimeOffset now)
    {
        _state = state;
        _stateSince = now;
        if (state == StateStreamWals)
        {
            _catchUpSince = null;
            _initialSync = false;
        }
    }

    private void Adopt(PrimaryLink link)
    {
        if (link.PendingStore is { } pending)
        {
            _store = ReplicatedStore.FromJson(pending);
            _merkleRoot = _store.MerkleRoot();
            link.PendingStore = null;
        }

        _lastRemoteWal = link.SeenWal;
        _lastWal = link.SeenWal;
    }
}

/// <summary>Texts of the lab's internal cluster-listener protocol (never shown by Vault's API).</summary>
internal static class InternalMessages
{
    public const string ClusterIdMismatch = "replication stream refused: cluster id mismatch";
    public const string SecondaryRevoked = "replication stream refused: secondary revoked or unknown";
}
