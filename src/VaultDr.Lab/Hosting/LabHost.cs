using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultDr.Lab;

/// <summary>
/// A running lab: one Kestrel app per cluster (API + cluster endpoints), the peer transport, faults, partitions,
/// the request log and the control API. Start with <see cref="StartAsync"/>, end with <see cref="DisposeAsync"/>.
/// </summary>
public sealed class LabHost : IAsyncDisposable
{
    private readonly List<ClusterServer> _servers = [];
    private readonly CancellationTokenSource _shutdown = new();
    private LabCertificates? _certificates;
    private LabPeerTransport? _transport;
    private LabControlApi? _control;
    private int _disposed;

    private LabHost(LabOptions options) => Options = options;

    public LabOptions Options { get; }

    /// <summary>The control API, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri ControlAddress => _control?.Address ?? throw new InvalidOperationException("The lab is not started.");

    /// <summary>Where the CA certificate (PEM) was written; null without TLS.</summary>
    public string? CaCertificateFile { get; private set; }

    /// <summary>The CA certificate (PEM); null without TLS.</summary>
    public string? CaCertificatePem => _certificates?.CaPem;

    public IReadOnlyList<ILabClusterNode> Clusters => _servers.Select(s => s.Node).ToArray();

    public IPeerTransport Transport => _transport ?? throw new InvalidOperationException("The lab is not started.");

    public LabFaults Faults { get; } = new();

    public LabPartitions Partitions { get; } = new();

    public LabRequestLog Requests { get; } = new();

    /// <summary>Cancelled when POST /lab/shutdown (or <see cref="RequestShutdown"/>) asks the lab to end.</summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    /// <summary>
    /// Builds clusters vault-1..vault-N with <paramref name="factory"/>, starts their listeners (in parallel) and the
    /// control API, then calls each node's StartBackground. With TLS the CA is written as PEM to
    /// <paramref name="caOut"/> (default: vaultdr-lab-ca-PID.pem in the temp folder).
    /// </summary>
    public static async Task<LabHost> StartAsync(LabOptions options, Func<string, LabOptions, IPeerTransport, ILabClusterNode> factory, string? caOut, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        var host = new LabHost(options);
        try
        {
            if (options.Tls)
            {
                host._certificates = LabCertificates.CreateAuthority();
                var file = Path.GetFullPath(caOut ?? Path.Combine(Path.GetTempPath(), $"vaultdr-lab-ca-{Environment.ProcessId}.pem"));
                await File.WriteAllTextAsync(file, host._certificates.CaPem, cancellationToken).ConfigureAwait(false);
                host.CaCertificateFile = file;
            }

            host._transport = new LabPeerTransport(host, host._certificates?.Ca);
            for (var i = 1; i <= options.ClusterCount; i++)
            {
                var name = $"vault-{i}";
                var node = factory(name, options, host._transport);
                host._servers.Add(new ClusterServer(host, node, host._certificates, options.CertificateValidDays));
            }

            await Task.WhenAll(host._servers.Select(s => s.StartAsync(cancellationToken))).ConfigureAwait(false);
            host._control = await LabControlApi.StartAsync(host, cancellationToken).ConfigureAwait(false);
            foreach (var server in host._servers)
            {
                server.Node.StartBackground();
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ILabClusterNode GetCluster(string name) => Server(name).Node;

    public bool HasCluster(string name) => _servers.Any(s => s.Name == name);

    /// <summary>Closes the cluster's listeners (connections refused) and sets Running=false; its state is kept.</summary>
    public Task StopClusterAsync(string name) => Server(name).StopAsync();

    /// <summary>Rebinds the cluster's same two ports and sets Running=true.</summary>
    public Task StartClusterAsync(string name, CancellationToken cancellationToken = default) => Server(name).StartAsync(cancellationToken);

    public bool IsListening(string name) => Server(name).Listening;

    /// <summary>Delay added before every API request of the cluster is handled (0 = none).</summary>
    public void SetLatency(string name, int milliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds);
        Server(name).LatencyMs = milliseconds;
    }

    public int GetLatency(string name) => Server(name).LatencyMs;

    /// <summary>When the cluster's API listener certificate expires; null without TLS.</summary>
    public DateTimeOffset? GetCertificateNotAfter(string name) => Server(name).CertificateNotAfter;

    /// <summary>
    /// Re-issues the cluster's API listener certificate, valid <paramref name="validDays"/> from now (zero or less:
    /// expired); new TLS connections get it. Returns its NotAfter. InvalidOperationException without TLS.
    /// </summary>
    public DateTimeOffset ReissueCertificate(string name, int validDays)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(validDays), LabCertificates.MaxValidDays, nameof(validDays));
        return Server(name).ReissueApiCertificate(validDays);
    }

    /// <summary>
    /// Opens a new standby node for the cluster (every request gets 307 to the cluster's API address); it joins the
    /// cluster's raft configuration as a voter.
    /// </summary>
    public async Task<LabStandby> OpenStandbyAsync(string name, CancellationToken cancellationToken = default) =>
        (await Server(name).OpenStandbyAsync(cancellationToken).ConfigureAwait(false)).Describe();

    /// <summary>Closes every standby of the cluster; they leave its raft configuration.</summary>
    public Task CloseStandbysAsync(string name) => Server(name).CloseStandbysAsync();

    /// <summary>The cluster's standbys, oldest first.</summary>
    public IReadOnlyList<LabStandby> GetStandbys(string name) => Server(name).Standbys.Select(s => s.Describe()).ToArray();

    /// <summary>Stops (closes the listener of) or starts (rebinds) one standby; null when the cluster has no such standby.</summary>
    public async Task<LabStandby?> SetStandbyRunningAsync(string name, string nodeId, bool running, CancellationToken cancellationToken = default)
    {
        if (Server(name).FindStandby(nodeId) is not { } standby)
        {
            return null;
        }

        await (running ? standby.StartAsync(cancellationToken) : standby.StopAsync()).ConfigureAwait(false);
        return standby.Describe();
    }

    public void RequestShutdown() => _shutdown.Cancel();

    /// <summary>The GET /lab document.</summary>
    public JsonObject Describe() => new()
    {
        ["pid"] = Environment.ProcessId,
        ["control"] = _control?.Address.ToString(),
        ["caCertificateFile"] = CaCertificateFile,
        ["clusters"] = new JsonArray(_servers.Select(s => (JsonNode)DescribeCluster(s.Name)).ToArray()),
        ["partitions"] = new JsonArray(Partitions.Snapshot().Select(p => (JsonNode)new JsonArray(p[0], p[1])).ToArray()),
    };

    /// <summary>node.Describe() (serialised, camelCase) plus the host's view of the cluster.</summary>
    public JsonObject DescribeCluster(string name)
    {
        var server = Server(name);
        var description = server.Node.Describe();
        var node = JsonSerializer.SerializeToNode(description, description.GetType(), LabHttp.Json);
        var result = node as JsonObject ?? new JsonObject { ["description"] = node };
        result["name"] = server.Name;
        result["apiAddress"] = server.Node.ApiAddress.ToString();
        result["clusterAddress"] = server.Node.ClusterAddress.ToString();
        result["running"] = server.Node.Running;
        result["sealed"] = server.Node.Sealed;
        // The token that works on the cluster now (a DR secondary's is its primary's): the lab is a loopback test tool,
        // and its READY line hands out root tokens already.
        result["rootToken"] = server.Node.RootToken;
        result["latencyMs"] = server.LatencyMs;
        result["certificateNotAfter"] = server.CertificateNotAfter?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var standbys = server.Standbys;
        result["standbyAddress"] = standbys.Count > 0 ? standbys[0].Address.ToString() : null;
        result["standbys"] = new JsonArray(standbys.Select(s => (JsonNode)new JsonObject
        {
            ["nodeId"] = s.NodeId,
            ["address"] = s.Address.ToString(),
            ["running"] = s.Running,
        }).ToArray());
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        _transport?.Dispose();
        _certificates?.Dispose();
    }

    internal ClusterServer? FindServerByPort(int port) => _servers.FirstOrDefault(s => s.OwnsPort(port));

    private ClusterServer Server(string name) =>
        _servers.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"No cluster named '{name}' in this lab.");
}
