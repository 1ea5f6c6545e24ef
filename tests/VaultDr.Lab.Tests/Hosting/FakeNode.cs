using System.Collections.Concurrent;
using System.Text.Json;

namespace VaultDr.Lab.Tests.Hosting;

/// <summary>A cluster that echoes what reached it, so tests can see routing, headers and bodies.</summary>
internal sealed class FakeNode : ILabClusterNode
{
    private volatile bool _sealed;

    public FakeNode(string name, LabOptions options, IPeerTransport transport)
    {
        Name = name;
        Options = options;
        Transport = transport;
        UnsealKeysHex = Enumerable.Range(1, options.KeyShares).Select(i => $"{i:x2}{name.Length:x2}").ToArray();
        UnsealKeysBase64 = UnsealKeysHex.Select(h => Convert.ToBase64String(Convert.FromHexString(h))).ToArray();
    }

    public static ILabClusterNode Create(string name, LabOptions options, IPeerTransport transport) => new FakeNode(name, options, transport);

    public string Name { get; }

    public LabOptions Options { get; }

    public IPeerTransport Transport { get; }

    public ConcurrentQueue<(string Endpoint, LabRequest Request)> Received { get; } = new();

    public int BackgroundStarts { get; private set; }

    public bool Disposed { get; private set; }

    public Uri ApiAddress { get; set; } = new("http://unset/");

    public Uri ClusterAddress { get; set; } = new("http://unset/");

    public bool Running { get; set; }

    public string RootToken => "hvs.fake-root-" + Name;

    public IReadOnlyList<string> UnsealKeysHex { get; }

    public IReadOnlyList<string> UnsealKeysBase64 { get; }

    public IReadOnlyList<string> RecoveryKeysHex { get; } = [];

    public string SealType => "shamir";

    public IReadOnlyList<string> EncryptedUnsealKeysBase64 { get; } = [];

    public bool Sealed => _sealed;

    public void Seal() => _sealed = true;

    public void Unseal() => _sealed = false;

    public Task<LabResponse> HandleApiAsync(LabRequest request, CancellationToken ct) => Task.FromResult(Echo("api", request));

    public Task<LabResponse> HandleClusterAsync(LabRequest request, CancellationToken ct) => Task.FromResult(Echo("cluster", request));

    public void StartBackground() => BackgroundStarts++;

    public object Describe() => new FakeDescription(Name, "fake", Received.Count);

    /// <summary>What the host asked of the node besides requests, in order (e.g. "standby+ vault-1-node-2").</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public void CorruptMerkleTree(string tree) => Calls.Enqueue("corrupt " + tree);

    public void RepairMerkleTrees() => Calls.Enqueue("repair");

    public void SetStatusEndpointsDisabled(bool disabled) => Calls.Enqueue("status-endpoints " + disabled);

    public void SetVaultVersion(string version) => Calls.Enqueue("version " + version);

    public void SetUnauthenticatedAccess(IReadOnlyCollection<string> families) => Calls.Enqueue($"unauthenticated-access [{string.Join(",", families)}]");

    public void BreakReplication() => Calls.Enqueue("break");

    public string AddStandby(Uri address)
    {
        var nodeId = $"{Name}-node-{Calls.Count(c => c.StartsWith("standby+", StringComparison.Ordinal)) + 2}";
        Calls.Enqueue($"standby+ {nodeId} {address.Authority}");
        return nodeId;
    }

    public void SetStandbyRunning(string nodeId, bool running) => Calls.Enqueue($"standby {nodeId} {(running ? "running" : "stopped")}");

    public void RemoveStandby(string nodeId) => Calls.Enqueue("standby- " + nodeId);

    public void SetClockSkew(TimeSpan skew) => Calls.Enqueue(FormattableString.Invariant($"clock-skew {skew.TotalMilliseconds}"));

    public IReadOnlyList<LabLogEntry> ReadLog() => [new LabLogEntry(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), "INFO", "fake log line of " + Name)];

    public void Dispose() => Disposed = true;

    private LabResponse Echo(string endpoint, LabRequest r)
    {
        Received.Enqueue((endpoint, r));
        if (r.Path == "/v1/throw")
        {
            throw new InvalidOperationException("boom");
        }

        var headers = r.Path == "/v1/with-header" ? new Dictionary<string, string> { ["X-Echo"] = "yes" } : null;
        return new LabResponse(200, JsonSerializer.Serialize(new
        {
            node = Name,
            endpoint,
            method = r.Method,
            path = r.Path,
            query = r.Query,
            body = r.Body,
            token = r.Token,
            from = r.Headers.TryGetValue("X-Lab-From", out var from) ? from : null,
        }), headers);
    }
}

internal sealed record FakeDescription(string Name, string Kind, int Requests);
