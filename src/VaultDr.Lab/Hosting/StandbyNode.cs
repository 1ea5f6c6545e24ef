using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Lab;

/// <summary>A standby as the control API shows it: its raft node id, address, and whether it is listening.</summary>
public sealed record LabStandby(string NodeId, Uri Address, bool Running);

/// <summary>
/// A standby node in front of a cluster: every request gets Vault's standby redirect, 307 with Location = the
/// cluster's API address + the same path and query. It is a voter of the cluster's raft configuration (the cluster
/// knows it by <see cref="NodeId"/>). Stopping closes its listener (connections refused, a dead peer for
/// autopilot); starting rebinds the same port.
/// </summary>
internal sealed class StandbyNode : IAsyncDisposable
{
    private readonly LabHost _lab;
    private readonly ClusterServer _cluster;
    private readonly IReadOnlyList<Func<X509Certificate2>>? _certificates;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;

    private StandbyNode(LabHost lab, ClusterServer cluster, IReadOnlyList<Func<X509Certificate2>>? certificates)
    {
        _lab = lab;
        _cluster = cluster;
        _certificates = certificates;
    }

    public int Port { get; private set; }

    public Uri Address => new($"{_cluster.Scheme}://127.0.0.1:{Port}/");

    /// <summary>The raft node id the cluster gave it when it joined.</summary>
    public string NodeId { get; private set; } = "";

    public bool Running => Volatile.Read(ref _app) is not null;

    public LabStandby Describe() => new(NodeId, Address, Running);

    /// <summary>Opens a new standby on a free port and joins it to the cluster's raft configuration.</summary>
    public static async Task<StandbyNode> OpenAsync(LabHost lab, ClusterServer cluster, IReadOnlyList<Func<X509Certificate2>>? certificates, CancellationToken cancellationToken)
    {
        var standby = new StandbyNode(lab, cluster, certificates);
        await standby.StartAsync(cancellationToken).ConfigureAwait(false);
        standby.NodeId = cluster.Node.AddStandby(standby.Address);
        return standby;
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

            var (app, ports) = await LabKestrel.StartAsync([Port], _certificates, HandleAsync, cancellationToken).ConfigureAwait(false);
            Port = ports[0];
            Volatile.Write(ref _app, app);
            if (NodeId.Length > 0)
            {
                _cluster.Node.SetStandbyRunning(NodeId, true);
            }
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

            var stopping = _app;
            Volatile.Write(ref _app, null);
            _cluster.Node.SetStandbyRunning(NodeId, false);
            await LabKestrel.StopAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value is { Length: > 0 } value ? value : "/";
        var query = context.Request.QueryString.Value ?? "";
        var location = _cluster.Node.ApiAddress.GetLeftPart(UriPartial.Authority) + path + query;
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = location;
        context.Response.ContentLength = 0;
        _lab.Requests.Add(new LabRequestLogEntry(_cluster.Name, context.Request.Method, path, query.TrimStart('?'), 307, DateTimeOffset.UtcNow, false, "standby"));
        return Task.CompletedTask;
    }
}
