using System.Text.Json;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>A clock that moves only when told to (LocalTimeZone is UTC, so timestamps end in "Z").</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>
/// Routes peer calls by target authority to a cluster's API or cluster handler. A cluster in
/// <see cref="Down"/>, or a (from, to) pair in <see cref="Partitions"/>, is unreachable.
/// </summary>
internal sealed class InMemoryTransport : IPeerTransport
{
    private readonly Dictionary<string, (EmulatedCluster Cluster, bool Api)> _routes = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Down { get; } = new(StringComparer.Ordinal);

    public HashSet<(string From, string To)> Partitions { get; } = [];

    public List<(string From, Uri Target, string Path)> Sent { get; } = [];

    public void Register(EmulatedCluster cluster)
    {
        _routes[cluster.ApiAddress.Authority] = (cluster, true);
        _routes[cluster.ClusterAddress.Authority] = (cluster, false);
    }

    public async Task<LabResponse> SendAsync(string fromCluster, Uri target, LabRequest request, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add((fromCluster, target, request.Path));
        }

        if (!_routes.TryGetValue(target.Authority, out var route) || Down.Contains(route.Cluster.Name) || Partitions.Contains((fromCluster, route.Cluster.Name)))
        {
            throw new LabPeerUnreachableException($"dial tcp {target.Authority}: connect: connection refused");
        }

        return route.Api
            ? await route.Cluster.HandleApiAsync(request, cancellationToken)
            : await route.Cluster.HandleClusterAsync(request, cancellationToken);
    }
}

internal sealed record Reply(int Status, string? Raw)
{
    public JsonElement Json => JsonDocument.Parse(Raw ?? "null").RootElement;

    public JsonElement Data => Json.GetProperty("data");

    public string[] Errors => Json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();

    public string[] Warnings => Json.GetProperty("warnings").EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>Clusters wired together with a manual clock; ticks drive replication deterministically.</summary>
internal sealed class LabHarness : IDisposable
{
    public LabHarness(int count = 3, string version = "1.15", int shares = 5, int threshold = 3, TimeSpan? stateStepDelay = null, TimeSpan? catchUpDelay = null, bool autoUnseal = false, IReadOnlyList<string>? pgpKeys = null)
    {
        var defaults = new LabOptions();
        Options = new LabOptions
        {
            ClusterCount = count,
            VaultVersion = version,
            KeyShares = shares,
            KeyThreshold = threshold,
            AutoUnseal = autoUnseal,
            StateStepDelay = stateStepDelay ?? defaults.StateStepDelay,
            CatchUpDelay = catchUpDelay ?? defaults.CatchUpDelay,
            PgpKeys = pgpKeys ?? [],
        };
        Clusters = Enumerable.Range(1, count).Select(i =>
        {
            var cluster = new EmulatedCluster($"vault-{i}", Options, Transport, Time)
            {
                ApiAddress = new Uri($"https://127.0.0.{i}:8200"),
                ClusterAddress = new Uri($"https://127.0.0.{i}:8201"),
            };
            Transport.Register(cluster);
            return cluster;
        }).ToArray();
    }

    public LabOptions Options { get; }

    public ManualTimeProvider Time { get; } = new();

    public InMemoryTransport Transport { get; } = new();

    public EmulatedCluster[] Clusters { get; }

    public EmulatedCluster A => Clusters[0];

    public EmulatedCluster B => Clusters[1];

    public EmulatedCluster C => Clusters[2];

    public static async Task<Reply> Call(EmulatedCluster cluster, string method, string path, object? body = null, string? token = null, Dictionary<string, string>? query = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (token is not null)
        {
            headers["X-Vault-Token"] = token;
        }

        var text = body switch
        {
            null => "",
            string s => s,
            _ => JsonSerializer.Serialize(body),
        };
        var response = await cluster.HandleApiAsync(LabRequest.Create(method, path, text, headers, query), CancellationToken.None);
        return new Reply(response.Status, response.Json);
    }

    /// <summary>Authenticated call with the cluster's root token.</summary>
    public static Task<Reply> Root(EmulatedCluster cluster, string method, string path, object? body = null) =>
        Call(cluster, method, path, body, cluster.RootToken);

    public static async Task<JsonElement> DrStatus(EmulatedCluster cluster) => (await Call(cluster, "GET", "/v1/sys/replication/dr/status")).Data;

    public static async Task EnablePrimary(EmulatedCluster cluster)
    {
        var reply = await Root(cluster, "POST", "/v1/sys/replication/dr/primary/enable", new { });
        Assert.Equal(200, reply.Status);
    }

    public static async Task<string> SecondaryToken(EmulatedCluster primary, string id, string? ttl = null)
    {
        var reply = await Root(primary, "POST", "/v1/sys/replication/dr/primary/secondary-token", ttl is null ? new { id } : new { id, ttl });
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("wrap_info").GetProperty("token").GetString()!;
    }

    /// <summary>Primary enable (if needed), secondary-token, secondary enable; asserts success.</summary>
    public static async Task Activate(EmulatedCluster primary, EmulatedCluster secondary, string id)
    {
        var token = await SecondaryToken(primary, id);
        var reply = await Root(secondary, "POST", "/v1/sys/replication/dr/secondary/enable", new { token });
        Assert.Equal(200, reply.Status);
    }

    /// <summary>Advances the clock by one heartbeat and ticks every cluster, <paramref name="times"/> times.</summary>
    public async Task Beat(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Time.Advance(Options.HeartbeatInterval);
            foreach (var cluster in Clusters)
            {
                await cluster.Loop.TickAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Enough heartbeats for a new secondary to walk to stream-wals and catch up.</summary>
    public Task Settle() => Beat(12);

    /// <summary>The shares the ceremony takes on <paramref name="cluster"/>: its unseal keys, or its recovery keys with auto-unseal.</summary>
    public static IReadOnlyList<string> SealKeysHex(EmulatedCluster cluster) => cluster.SealType == "shamir" ? cluster.UnsealKeysHex : cluster.RecoveryKeysHex;

    /// <summary>Runs a ceremony on <paramref name="secondary"/> with its current keys; returns the decoded token.</summary>
    public async Task<string> OperationToken(EmulatedCluster secondary)
    {
        var start = await Call(secondary, "PUT", "/v1/sys/replication/dr/secondary/generate-operation-token/attempt", new { }, TokenFor(secondary));
        Assert.Equal(200, start.Status);
        var otp = start.Json.GetProperty("otp").GetString()!;
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        Reply last = start;
        foreach (var key in SealKeysHex(secondary).Take(Options.KeyThreshold))
        {
            last = await Call(secondary, "PUT", "/v1/sys/replication/dr/secondary/generate-operation-token/update", new { key, nonce }, TokenFor(secondary));
            Assert.Equal(200, last.Status);
        }

        Assert.True(last.Json.GetProperty("complete").GetBoolean());
        return DecodeModern(last.Json.GetProperty("encoded_token").GetString()!, otp);
    }

    private string? TokenFor(EmulatedCluster cluster) => Options.VaultVersion.StartsWith('2') ? cluster.RootToken : null;

    /// <summary>The facts file's "healthy and caught up": stream-wals, same WAL, merkle root and cluster id, connected both ways.</summary>
    public static async Task AssertCaughtUp(EmulatedCluster primary, EmulatedCluster secondary, string id)
    {
        var p = await DrStatus(primary);
        var s = await DrStatus(secondary);
        Assert.Equal("stream-wals", s.GetProperty("state").GetString());
        Assert.Equal(p.GetProperty("last_wal").GetInt64(), s.GetProperty("last_remote_wal").GetInt64());
        Assert.True(s.GetProperty("last_remote_wal").GetInt64() > 0);
        Assert.Equal(p.GetProperty("merkle_root").GetString(), s.GetProperty("merkle_root").GetString());
        Assert.Equal(p.GetProperty("cluster_id").GetString(), s.GetProperty("cluster_id").GetString());
        var link = s.GetProperty("primaries")[0];
        Assert.Equal("connected", link.GetProperty("connection_status").GetString());
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)$", link.GetProperty("last_heartbeat").GetString());
        var entry = p.GetProperty("secondaries").EnumerateArray().Single(e => e.GetProperty("node_id").GetString() == id);
        Assert.Equal("connected", entry.GetProperty("connection_status").GetString());
        Assert.Equal(secondary.ApiAddress.ToString().TrimEnd('/'), entry.GetProperty("api_address").GetString());
        Assert.Equal(secondary.ClusterAddress.ToString().TrimEnd('/'), entry.GetProperty("cluster_address").GetString());
        Assert.Contains(id, p.GetProperty("known_secondaries").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>Vault's DecodeToken, written here independently: unpadded base64, XOR with the OTP's ASCII.</summary>
    public static string DecodeModern(string encoded, string otp)
    {
        var text = encoded.TrimEnd('=');
        var bytes = Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
        Assert.Equal(otp.Length, bytes.Length);
        return new string(bytes.Select((b, i) => (char)(b ^ otp[i])).ToArray());
    }

    public void Dispose()
    {
        foreach (var cluster in Clusters)
        {
            cluster.Dispose();
        }
    }
}
