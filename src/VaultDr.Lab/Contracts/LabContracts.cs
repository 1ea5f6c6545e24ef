using System.Text.Json;

namespace VaultDr.Lab;

// The contract between the lab's HTTP hosting (Hosting/) and its emulated clusters (Cluster/).
// Hosting owns sockets, TLS, faults and the control API; an EmulatedCluster owns Vault's behaviour.

/// <summary>One HTTP request as a cluster sees it (after the host applied faults, latency and partitions).</summary>
public sealed record LabRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>The X-Vault-Token header (or a Bearer token), if any.</summary>
    public string? Token =>
        Headers.TryGetValue("X-Vault-Token", out var token) && token.Length > 0 ? token
        : Headers.TryGetValue("Authorization", out var bearer) && bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer[7..]
        : null;

    /// <summary>The body parsed as a JSON object, or null when empty or not an object.</summary>
    public JsonElement? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Body))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public static LabRequest Create(string method, string path, string body = "", IReadOnlyDictionary<string, string>? headers = null, IReadOnlyDictionary<string, string>? query = null) =>
        new(method, path, query ?? new Dictionary<string, string>(), headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), body);
}

/// <summary>A cluster's answer: status, JSON body (null for none) and extra headers (e.g. Location, Retry-After).</summary>
public sealed record LabResponse(int Status, string? Json, IReadOnlyDictionary<string, string>? Headers = null)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    public static LabResponse Ok(object body) => new(200, JsonSerializer.Serialize(body, Options));

    public static LabResponse NoContent() => new(204, null);

    /// <summary>Vault's error shape: <c>{"errors":["..."]}</c>.</summary>
    public static LabResponse Error(int status, params string[] errors) => new(status, JsonSerializer.Serialize(new { errors }));

    /// <summary>Vault's success-with-warnings shape: 200, <c>data: null</c>, top-level warnings.</summary>
    public static LabResponse Warnings(params string[] warnings) => new(200, JsonSerializer.Serialize(new { request_id = Guid.NewGuid().ToString(), lease_id = "", renewable = false, lease_duration = 0, data = (object?)null, wrap_info = (object?)null, warnings, auth = (object?)null }));
}

/// <summary>How one cluster reaches another (activation-token unwrap at the primary's API, WAL streaming, heartbeats).</summary>
public interface IPeerTransport
{
    /// <summary>
    /// Sends a request from cluster <paramref name="fromCluster"/> to <paramref name="target"/> (another cluster's
    /// API or cluster address; the path in <paramref name="request"/> is appended to it).
    /// </summary>
    /// <exception cref="LabPeerUnreachableException">The peer does not answer: stopped, partitioned away, or refusing.</exception>
    Task<LabResponse> SendAsync(string fromCluster, Uri target, LabRequest request, CancellationToken cancellationToken);
}

public sealed class LabPeerUnreachableException : Exception
{
    public LabPeerUnreachableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Settings for every cluster of one lab.</summary>
public sealed class LabOptions
{
    public int ClusterCount { get; init; } = 2;

    /// <summary>Unseal key shares; with <see cref="AutoUnseal"/>, recovery key shares.</summary>
    public int KeyShares { get; init; } = 5;

    /// <summary>Unseal key threshold; with <see cref="AutoUnseal"/>, the recovery key threshold.</summary>
    public int KeyThreshold { get; init; } = 3;

    /// <summary>
    /// Clusters unseal themselves through a KMS (seal type <see cref="AutoUnsealSealType"/>) and have recovery keys
    /// instead of unseal keys, as after <c>vault operator init -recovery-shares -recovery-threshold</c>.
    /// </summary>
    public bool AutoUnseal { get; init; }

    /// <summary>
    /// The seal type an auto-unseal lab cluster reports. Transit (auto-unseal through another Vault's transit engine) is
    /// the one seal that runs wholly on premises with no cloud KMS, which is what a loopback lab stands for.
    /// </summary>
    public const string AutoUnsealSealType = "transit";

    /// <summary>
    /// As operator init's pgp_keys: one OpenPGP public key (base64 of its binary packets) per key share, in order. Each
    /// cluster's shares then exist only encrypted for these keys (<see cref="ILabClusterNode.EncryptedUnsealKeysBase64"/>).
    /// </summary>
    public IReadOnlyList<string> PgpKeys { get; init; } = [];

    /// <summary>Vault version to emulate: "1.15" (default) or "2.0"; "0.11" emulates pre-1.0 (legacy OTP), "1.9" a 26-char OTP.</summary>
    public string VaultVersion { get; init; } = "1.15";

    public bool Tls { get; init; }

    /// <summary>
    /// With <see cref="Tls"/>: each API listener's certificate expires this many days from the start (zero or less:
    /// it has already expired). The cluster listeners keep long-lived certificates of their own.
    /// </summary>
    public int CertificateValidDays { get; init; } = 365;

    /// <summary>Time a secondary spends in each of connecting, merkle-diff and merkle-sync before stream-wals.</summary>
    public TimeSpan StateStepDelay { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long a secondary takes to apply WALs it has not seen yet (so waiting logic is exercised).</summary>
    public TimeSpan CatchUpDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Secondary-to-primary heartbeat / WAL stream poll interval.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A peer whose last heartbeat is older than this shows connection_status disconnected.</summary>
    public TimeSpan DisconnectAfter { get; init; } = TimeSpan.FromMilliseconds(1000);
}

/// <summary>One line of a cluster's server log, as Vault would write it (level INFO, WARN or ERROR).</summary>
public sealed record LabLogEntry(DateTimeOffset Time, string Level, string Message);
