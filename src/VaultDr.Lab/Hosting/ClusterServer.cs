using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Lab;

/// <summary>
/// The listeners of one cluster: its API endpoint (behind latency, faults and the request log) and its cluster
/// endpoint, both on one Kestrel app, plus the standby nodes the lab put in front of it. Stopping disposes the app;
/// starting rebinds the same two ports. The node (its state) lives as long as the lab.
/// </summary>
internal sealed class ClusterServer : IAsyncDisposable
{
    private readonly LabHost _lab;
    private readonly LabCertificates? _authority;
    private readonly X509Certificate2? _clusterCertificate;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<StandbyNode> _standbys = [];

    /// <summary>API certificates replaced by a re-issue: connections made with them may still be open, so they live until disposal.</summary>
    private readonly List<X509Certificate2> _retiredCertificates = [];
    private X509Certificate2? _apiCertificate;
    private WebApplication? _app;
    private volatile int _latencyMs;

    /// <summary>
    /// With <paramref name="authority"/> (a TLS lab) the API listener (and the standbys) serve a certificate valid for
    /// <paramref name="certificateValidDays"/> from now, the cluster listener one of its own that lasts, as Vault's
    /// cluster port has.
    /// </summary>
    public ClusterServer(LabHost lab, ILabClusterNode node, LabCertificates? authority, int certificateValidDays)
    {
        _lab = lab;
        _authority = authority;
        Node = node;
        _apiCertificate = authority?.CreateServerCertificate(node.Name, certificateValidDays);
        _clusterCertificate = authority?.CreateClusterCertificate(node.Name + "-cluster");
    }

    public ILabClusterNode Node { get; }

    public string Name => Node.Name;

    public string Scheme => _authority is null ? "http" : "https";

    /// <summary>When the API listener's certificate expires; null without TLS.</summary>
    public DateTimeOffset? CertificateNotAfter => Volatile.Read(ref _apiCertificate) is { } certificate ? new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero) : null;

    /// <summary>The API listener's certificate for the next TLS handshake (on the cluster's API port and its standbys).</summary>
    public IReadOnlyList<Func<X509Certificate2>>? ApiCertificates => _authority is null ? null : [() => Volatile.Read(ref _apiCertificate)!];

    public int ApiPort { get; private set; }

    public int ClusterPort { get; private set; }

    public bool Listening => Volatile.Read(ref _app) is not null;

    public int LatencyMs
    {
        get => _latencyMs;
        set => _latencyMs = value;
    }

    /// <summary>The standbys, oldest first (a copy: the list changes under the gate).</summary>
    public IReadOnlyList<StandbyNode> Standbys
    {
        get
        {
            lock (_standbys)
            {
                return [.. _standbys];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is not null)
            {
                return;
            }

            IReadOnlyList<Func<X509Certificate2>>? certificates = _authority is null ? null : [() => Volatile.Read(ref _apiCertificate)!, () => _clusterCertificate!];
            var (started, ports) = await LabKestrel.StartAsync([ApiPort, ClusterPort], certificates, HandleAsync, cancellationToken).ConfigureAwait(false);
            (ApiPort, ClusterPort) = (ports[0], ports[1]);
            Node.ApiAddress = new Uri($"{Scheme}://127.0.0.1:{ApiPort}/");
            Node.ClusterAddress = new Uri($"{Scheme}://127.0.0.1:{ClusterPort}/");
            Volatile.Write(ref _app, started);
            Node.Running = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_app is null)
            {
                return;
            }

            Node.Running = false;
            var stopping = _app;
            Volatile.Write(ref _app, null);
            await LabKestrel.StopAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Opens a new standby node; it joins the cluster's raft configuration as a voter.</summary>
    public async Task<StandbyNode> OpenStandbyAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var standby = await StandbyNode.OpenAsync(_lab, this, ApiCertificates, cancellationToken).ConfigureAwait(false);
            lock (_standbys)
            {
                _standbys.Add(standby);
            }

            return standby;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes every standby for good: they leave the raft configuration.</summary>
    public async Task CloseStandbysAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var standby in Standbys)
            {
                await standby.DisposeAsync().ConfigureAwait(false);
                Node.RemoveStandby(standby.NodeId);
            }

            lock (_standbys)
            {
                _standbys.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public StandbyNode? FindStandby(string nodeId) => Standbys.FirstOrDefault(s => s.NodeId == nodeId);

    public bool OwnsPort(int port) => port == ApiPort || port == ClusterPort || Standbys.Any(s => s.Port == port);

    public async ValueTask DisposeAsync()
    {
        foreach (var standby in Standbys)
        {
            await standby.DisposeAsync().ConfigureAwait(false);
        }

        await StopAsync().ConfigureAwait(false);
        Node.Dispose();
        _apiCertificate?.Dispose();
        _clusterCertificate?.Dispose();
        lock (_retiredCertificates)
        {
            _retiredCertificates.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// A new API listener certificate, valid for <paramref name="validDays"/> from now (zero or less: already expired),
    /// as an operator's renewal (or a lapse) would give: new TLS connections get it, open ones keep theirs. Returns its
    /// NotAfter. InvalidOperationException on a lab without TLS.
    /// </summary>
    public DateTimeOffset ReissueApiCertificate(int validDays)
    {
        var authority = _authority ?? throw new InvalidOperationException($"{Name} serves plain HTTP (the lab was started without TLS): it has no certificate to re-issue. Start a lab with TLS to rehearse certificate expiry.");
        var fresh = authority.CreateServerCertificate(Name, validDays);
        var old = Interlocked.Exchange(ref _apiCertificate, fresh);
        if (old is not null)
        {
            lock (_retiredCertificates)
            {
                _retiredCertificates.Add(old);
            }
        }

        return CertificateNotAfter!.Value;
    }

    private Task HandleAsync(HttpContext context)
    {
        // Second line of defence for partitions: the sender's transport should not even have sent this.
        var from = context.Request.Headers["X-Lab-From"].ToString();
        if (from.Length > 0 && _lab.Partitions.AreSplit(from, Name))
        {
            context.Abort();
            return Task.CompletedTask;
        }

        return context.Connection.LocalPort == ApiPort ? HandleApiAsync(context) : HandleClusterAsync(context);
    }

    private async Task HandleClusterAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        try
        {
            var request = await LabHttp.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
            var response = await CallNodeAsync(Node.HandleClusterAsync, request, cancellationToken).ConfigureAwait(false);
            await LabHttp.WriteAsync(context.Response, response, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleApiAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var path = context.Request.Path.Value is { Length: > 0 } value ? value : "/";
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "";
        var cancellationToken = context.RequestAborted;
        var status = 0;
        var faulted = false;
        var logged = false;
        var dropAfterHandling = false;
        string? digest = null;

        // Each request is logged before its answer (or the drop) leaves, so a client that has seen the answer already finds it in the log.
        void Log(int answered)
        {
            _lab.Requests.Add(new LabRequestLogEntry(Name, method, path, query, answered, DateTimeOffset.UtcNow, faulted, "api", digest));
            logged = true;
        }

        try
        {
            var latency = LatencyMs;
            if (latency > 0)
            {
                await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
            }

            if (_lab.Faults.Take(Name, method, path) is { } fault)
            {
                faulted = true;
                switch (fault.Kind)
                {
                    case LabFaultKinds.Status:
                        var headers = fault.RetryAfterSec is int seconds
                            ? new Dictionary<string, string> { ["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                            : null;
                        digest = await LabHttp.DrainAsync(context.Request, cancellationToken).ConfigureAwait(false);
                        Log(fault.Status);
                        await LabHttp.WriteAsync(context.Response, new LabResponse(fault.Status, fault.EffectiveBody, headers), cancellationToken).ConfigureAwait(false);
                        return;

                    case LabFaultKinds.Redirect:
                        digest = await LabHttp.DrainAsync(context.Request, cancellationToken).ConfigureAwait(false);
                        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                        context.Response.Headers.Location = fault.Location;
                        context.Response.ContentLength = 0;
                        status = StatusCodes.Status307TemporaryRedirect;
                        return;

                    case LabFaultKinds.Drop:
                        digest = await LabHttp.DrainAsync(context.Request, cancellationToken).ConfigureAwait(false);
                        Log(0);
                        context.Abort();
                        return;

                    case LabFaultKinds.DropAfterHeaders:
                        digest = await LabHttp.DrainAsync(context.Request, cancellationToken).ConfigureAwait(false);
                        context.Response.StatusCode = 200;
                        context.Response.ContentType = "application/json";
                        context.Response.ContentLength = 4096;
                        await context.Response.Body.WriteAsync("{\"data\":{"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                        status = 200;
                        await Task.Delay(50, cancellationToken).ConfigureAwait(false); // let the headers leave before the reset
                        Log(200);
                        context.Abort();
                        return;

                    case LabFaultKinds.Delay:
                        await Task.Delay(fault.DelayMs, cancellationToken).ConfigureAwait(false);
                        break;

                    case LabFaultKinds.DropAfterHandling:
                        dropAfterHandling = true;
                        break;
                }
            }

            (var request, digest) = await LabHttp.ReadWithDigestAsync(context.Request, cancellationToken).ConfigureAwait(false);
            var response = await CallNodeAsync(Node.HandleApiAsync, request, cancellationToken).ConfigureAwait(false);
            if (dropAfterHandling)
            {
                // The cluster has acted; the client learns nothing of it.
                Log(0);
                context.Abort();
                return;
            }

            Log(response.Status);
            await LabHttp.WriteAsync(context.Response, response, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away (or the cluster was stopped): nothing to answer.
        }
        finally
        {
            if (!logged)
            {
                Log(status);
            }
        }
    }

    private static async Task<LabResponse> CallNodeAsync(Func<LabRequest, CancellationToken, Task<LabResponse>> handler, LabRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await handler(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return LabResponse.Error(500, $"lab internal error: {e.GetType().Name}: {e.Message}");
        }
    }
}
