using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>
/// One emulated Vault Enterprise cluster with DR replication. Thread-safe: every state change happens
/// under one lock, which is never held across a peer call.
/// </summary>
public sealed partial class LabCluster : IDisposable
{
    internal const string ModeDisabled = "disabled";
    internal const string ModePrimary = "primary";
    internal const string ModeSecondary = "secondary";

    private readonly object _gate = new();
    private readonly LabOptions _options;
    private readonly IPeerTransport _transport;
    private readonly TimeProvider _time;
    private readonly WrappingTokenSigner _signer = new();
    private readonly string _localClusterId = LabCrypto.Uuid();
    private readonly (int Major, int Minor) _version;

    private ReplicatedStore _store = new();
    private long _lastWal;
    private string _merkleRoot;
    private List<byte[]> _unsealKeys;
    private string _rootToken;
    private bool _sealed;
    private readonly List<byte[]> _unsealProgress = [];

    private string _mode = ModeDisabled;
    private string? _clusterId;
    private string? _primaryClusterAddrOverride;

    private readonly DateTimeOffset _startedAt;
    private CancellationTokenSource? _loopCts;
    private Task? _loop;
    private bool _disposed;

    public LabCluster(string name, LabOptions options, IPeerTransport transport, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        if (options.KeyShares < 1 || options.KeyThreshold < 1 || options.KeyThreshold > options.KeyShares)
        {
            throw new ArgumentException("KeyThreshold must be between 1 and KeyShares.", nameof(options));
        }

        Name = name;
        _options = options;
        _transport = transport;
        _time = time;
        _version = ParseVersion(options.VaultVersion);
        _startedAt = time.GetUtcNow();
        _unsealKeys = Enumerable.Range(0, options.KeyShares).Select(_ => RandomNumberGenerator.GetBytes(33)).ToList();
        _rootToken = "hvs." + LabCrypto.Base62(24);
        _store.Tokens[_rootToken] = new LabToken(_rootToken, LabCrypto.Base62(24), "service", ["root"], null, 0, null, true);
        _merkleRoot = _store.MerkleRoot();
        ApiAddress = new Uri("https://127.0.0.1:8200");
        ClusterAddress = new Uri("https://127.0.0.1:8201");
    }

    public string Name { get; }

    /// <summary>The API listener's address (set by the host after binding).</summary>
    public Uri ApiAddress { get; set; }

    /// <summary>The cluster (replication) listener's address (set by the host after binding).</summary>
    public Uri ClusterAddress { get; set; }

    /// <summary>False while the host has the cluster stopped: no outgoing replication traffic.</summary>
    public bool Running { get; set; } = true;

    /// <summary>The current root token (after secondary enable: the primary's).</summary>
    public string RootToken
    {
        get
        {
            lock (_gate)
            {
                return _rootToken;
            }
        }
    }

    /// <summary>The current unseal key shares, lowercase hex (after secondary enable: the primary's).</summary>
    public IReadOnlyList<string> UnsealKeysHex
    {
        get
        {
            lock (_gate)
            {
                return _unsealKeys.Select(k => LabCrypto.Hex(k)).ToArray();
            }
        }
    }

    /// <summary>The current unseal key shares, standard base64.</summary>
    public IReadOnlyList<string> UnsealKeysBase64
    {
        get
        {
            lock (_gate)
            {
                return _unsealKeys.Select(Convert.ToBase64String).ToArray();
            }
        }
    }

    public bool Sealed
    {
        get
        {
            lock (_gate)
            {
                return _sealed;
            }
        }
    }

    public void Seal()
    {
        lock (_gate)
        {
            _sealed = true;
            _unsealProgress.Clear();
            _ceremony = null;
        }
    }

    public void Unseal()
    {
        lock (_gate)
        {
            _sealed = false;
            _unsealProgress.Clear();
        }
    }

    public LabClusterSnapshot Describe()
    {
        lock (_gate)
        {
            return new LabClusterSnapshot(
                Name,
                ApiAddress,
                ClusterAddress,
                Running,
                _sealed,
                _mode,
                CurrentStateText(),
                _clusterId,
                _lastWal,
                _lastRemoteWal,
                _merkleRoot);
        }
    }

    /// <summary>Starts the replication loop (a secondary polls its primary every HeartbeatInterval).</summary>
    public void StartBackground()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loop is not null)
            {
                return;
            }

            _loopCts = new CancellationTokenSource();
            var token = _loopCts.Token;
            _loop = Task.Run(() => RunLoopAsync(token), CancellationToken.None);
        }
    }

    public void Dispose()
    {
        Task? loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _loopCts?.Cancel();
            loop = _loop;
        }

        try
        {
            loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation.
        }

        _loopCts?.Dispose();
        _signer.Dispose();
        _secondaryKey?.Dispose();
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_options.HeartbeatInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive any single failed tick.
            catch (Exception)
            {
                // Keep polling; the next tick retries.
            }
#pragma warning restore CA1031
        }
    }

    // ------------------------------------------------------------------------------------------
    // API listener
    // ------------------------------------------------------------------------------------------

    /// <summary>Handles a request on the API listener (paths start with /v1/).</summary>
    public async Task<LabResponse> HandleApiAsync(LabRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.Method.ToUpperInvariant();
        var rawPath = request.Path;
        var q = rawPath.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            rawPath = rawPath[..q];
        }

        if (!rawPath.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return NotFound();
        }

        var path = rawPath[4..].Trim('/');

        lock (_gate)
        {
            if (_sealed && !IsAllowedWhileSealed(path))
            {
                return Error(503, VaultMessages.Sealed);
            }

            if (_mode == ModeSecondary && !IsAllowedOnDrSecondary(path))
            {
                return Error(400, VaultMessages.PathDisabledOnDrSecondary);
            }
        }

        const string dr = "sys/replication/dr/";
        if (path.StartsWith(dr + "secondary/", StringComparison.Ordinal))
        {
            return await HandleSecondaryPathAsync(method, path[(dr.Length + "secondary/".Length)..], request, ct).ConfigureAwait(false);
        }

        lock (_gate)
        {
            return HandleSync(method, path, request);
        }
    }

    private LabResponse HandleSync(string method, string path, LabRequest request)
    {
        switch (path)
        {
            case "sys/health":
                return method is "GET" or "HEAD" ? Health(request, method == "HEAD") : Unsupported();
            case "sys/seal-status":
                return method == "GET" ? new LabResponse(200, Serialize(SealStatus())) : Unsupported();
            case "sys/unseal":
                return method is "PUT" or "POST" ? UnsealRequest(request) : Unsupported();
            case "sys/init":
                return method switch
                {
                    "GET" => new LabResponse(200, Serialize(new OrderedDictionary<string, object?> { ["initialized"] = true })),
                    "PUT" or "POST" => Error(400, VaultMessages.AlreadyInitialized),
                    _ => Unsupported(),
                };
            case "sys/leader":
                return method == "GET" ? Leader() : Unsupported();
            case "sys/replication/status":
                return method == "GET" ? Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["dr"] = DrStatusData(), ["performance"] = new SortedDictionary<string, object?> { ["mode"] = "disabled" } }) : Unsupported();
            case "sys/replication/dr/status":
                return method == "GET" ? Envelope(DrStatusData()) : Unsupported();
            case "sys/wrapping/unwrap":
                return method is "PUT" or "POST" ? Unwrap(request) : Unsupported();
        }

        // Everything below needs a valid token.
        if (Authenticate(request) is not { } caller)
        {
            return Error(403, VaultMessages.PermissionDenied);
        }

        if (path.StartsWith("sys/replication/dr/primary/", StringComparison.Ordinal))
        {
            return HandlePrimaryPath(method, path["sys/replication/dr/primary/".Length..], request, caller);
        }

        if (path == "sys/seal")
        {
            if (!caller.IsRoot)
            {
                return Error(403, VaultMessages.PermissionDenied);
            }

            if (method is not ("PUT" or "POST"))
            {
                return Unsupported();
            }

            _sealed = true;
            _unsealProgress.Clear();
            _ceremony = null;
            return NoContent();
        }

        if (path.StartsWith("secret/", StringComparison.Ordinal) && path.Length > "secret/".Length)
        {
            return Kv(method, path["secret/".Length..], request);
        }

        if (path.StartsWith("sys/policies/acl/", StringComparison.Ordinal) || path.StartsWith("sys/policy/", StringComparison.Ordinal))
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            return caller.IsRoot ? Policy(method, name, request) : Error(403, VaultMessages.PermissionDenied);
        }

        if (path.StartsWith("auth/token/roles/", StringComparison.Ordinal))
        {
            return caller.IsRoot ? TokenRole(method, path["auth/token/roles/".Length..], request) : Error(403, VaultMessages.PermissionDenied);
        }

        if (path == "auth/token/create" || path.StartsWith("auth/token/create/", StringComparison.Ordinal))
        {
            var role = path.Length > "auth/token/create/".Length ? path["auth/token/create/".Length..] : null;
            return method is "PUT" or "POST" ? CreateToken(caller, role, request) : Unsupported();
        }

        if (path == "auth/token/lookup-self")
        {
            return method == "GET" ? LookupSelf(caller) : Unsupported();
        }

        return NotFound();
    }

    private static bool IsAllowedWhileSealed(string path) =>
        path is "sys/health" or "sys/seal-status" or "sys/unseal" or "sys/init";

    private static bool IsAllowedOnDrSecondary(string path) =>
        path is "sys/replication/status" or "sys/replication/dr/status" or "sys/health" or "sys/seal-status" or "sys/leader" or "sys/unseal" or "sys/init"
        || path.StartsWith("sys/replication/dr/secondary/", StringComparison.Ordinal);

    /// <summary>The token of the request when it is in the token store and unexpired.</summary>
    private LabToken? Authenticate(LabRequest request)
    {
        var token = request.Token;
        return token is not null && _store.Tokens.TryGetValue(token, out var entry) && entry.IsValidAt(_time.GetUtcNow()) ? entry : null;
    }

    private string CurrentStateText() => _mode switch
    {
        ModePrimary => "running",
        ModeSecondary => _state,
        _ => "idle",
    };

    /// <summary>Every storage write: the WAL advances and the merkle root follows the data.</summary>
    private void Wrote()
    {
        _lastWal++;
        _merkleRoot = _store.MerkleRoot();
    }

    private string VersionText()
    {
        var parts = _options.VaultVersion.Split('+')[0].Split('.');
        var core = parts.Length >= 3 ? string.Join('.', parts.Take(3)) : parts.Length == 2 ? $"{parts[0]}.{parts[1]}.0" : $"{parts[0]}.0.0";
        return core + "+ent";
    }

    private static (int Major, int Minor) ParseVersion(string text)
    {
        var parts = (text ?? "").Split('+')[0].Split('.');
        var major = parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 1;
        var minor = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return (major, minor);
    }

    private static string Addr(Uri uri) => uri.ToString().TrimEnd('/');

    private DateTimeOffset Now => _time.GetUtcNow();

    private string Rfc3339(DateTimeOffset instant) => LabCrypto.Rfc3339(instant, _time.LocalTimeZone);

    // ------------------------------------------------------------------------------------------
    // Response helpers
    // ------------------------------------------------------------------------------------------

    internal static string Serialize(object? value) => JsonSerializer.Serialize(value, LabCrypto.Json);

    internal static LabResponse Error(int status, params string[] errors) =>
        new(status, Serialize(new OrderedDictionary<string, object?> { ["errors"] = errors }));

    private static LabResponse NotFound() => Error(404);

    private static LabResponse Unsupported() => Error(405, VaultMessages.UnsupportedOperation);

    private static LabResponse NoContent() => new(204, null);

    private static OrderedDictionary<string, object?> EnvelopeBody(object? data, string[]? warnings = null, object? wrapInfo = null, object? auth = null) => new()
    {
        ["request_id"] = LabCrypto.Uuid(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = wrapInfo,
        ["warnings"] = warnings,
        ["auth"] = auth,
    };

    private static LabResponse Envelope(object? data) => new(200, Serialize(EnvelopeBody(data)));

    private static LabResponse WarningsResponse(params string[] warnings) => new(200, Serialize(EnvelopeBody(null, warnings)));
}
