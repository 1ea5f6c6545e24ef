using System.Globalization;
using System.Text.Json;
using static VaultDr.Lab.ControlRequests;

namespace VaultDr.Lab;

/// <summary>
/// The lab's control API (HTTP on 127.0.0.1, JSON, camelCase):
/// GET /lab; /lab/clusters/{name}/... (see <see cref="LabClusterControl"/>);
/// GET|POST|DELETE /lab/partitions; GET|POST|DELETE /lab/faults (DELETE /lab/faults/{id});
/// GET|DELETE /lab/requests[?cluster=]; POST /lab/shutdown.
/// Errors in Vault's shape, <c>{"errors":["..."]}</c> (one text), with 400 (bad body), 404 (unknown cluster, fault or
/// path) and 405 (wrong method, with an Allow header).
/// </summary>
internal sealed class LabControlApi : IAsyncDisposable
{
    internal const int MaxDelayMs = 600_000;

    private readonly LabHost _lab;
    private readonly LabClusterControl _clusters;
    private WebApplication? _app;

    private LabControlApi(LabHost lab)
    {
        _lab = lab;
        _clusters = new LabClusterControl(lab);
    }

    public Uri Address { get; private set; } = new("http://127.0.0.1:0/");

    public static async Task<LabControlApi> StartAsync(LabHost lab, CancellationToken cancellationToken)
    {
        var control = new LabControlApi(lab);
        var (app, ports) = await LabKestrel.StartAsync([0], null, control.HandleAsync, cancellationToken).ConfigureAwait(false);
        control._app = app;
        control.Address = new Uri($"http://127.0.0.1:{ports[0]}/");
        return control;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await LabKestrel.StopAsync(_app).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var method = request.Method;
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            switch (segments)
            {
                case ["lab"]:
                    if (await AllowAsync(context, "GET").ConfigureAwait(false))
                    {
                        await LabHttp.WriteJsonAsync(response, 200, _lab.Describe()).ConfigureAwait(false);
                    }

                    break;

                case ["lab", "clusters", var name, var action]:
                    await _clusters.ActionAsync(context, name, action).ConfigureAwait(false);
                    break;

                case ["lab", "clusters", var name, "standbys", var nodeId, var action]:
                    await _clusters.StandbyActionAsync(context, name, nodeId, action).ConfigureAwait(false);
                    break;

                case ["lab", "partitions"]:
                    await PartitionsAsync(context).ConfigureAwait(false);
                    break;

                case ["lab", "faults"]:
                    await FaultsAsync(context).ConfigureAwait(false);
                    break;

                case ["lab", "faults", var id]:
                    if (await AllowAsync(context, "DELETE").ConfigureAwait(false))
                    {
                        var removed = int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && _lab.Faults.Remove(number);
                        await (removed
                            ? LabHttp.WriteJsonAsync(response, 200, new { removed = number })
                            : LabHttp.WriteErrorAsync(response, 404, $"No fault with id '{id}'.")).ConfigureAwait(false);
                    }

                    break;

                case ["lab", "requests"]:
                    await RequestsAsync(context).ConfigureAwait(false);
                    break;

                case ["lab", "shutdown"]:
                    if (await AllowAsync(context, "POST").ConfigureAwait(false))
                    {
                        // Read the body first: a socket closed with unread bytes is reset, and the reset can beat
                        // the answer to the client.
                        await request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
                        await LabHttp.WriteJsonAsync(response, 200, new { stopping = true }).ConfigureAwait(false);
                        await response.CompleteAsync().ConfigureAwait(false);
                        _lab.RequestShutdown();
                    }

                    break;

                default:
                    await LabHttp.WriteErrorAsync(response, 404, $"No control endpoint {method} {request.Path}.").ConfigureAwait(false);
                    break;
            }
        }
        catch (ControlBadRequestException e)
        {
            await LabHttp.WriteErrorAsync(response, 400, e.Message).ConfigureAwait(false);
        }
    }

    private async Task PartitionsAsync(HttpContext context)
    {
        if (!await AllowAsync(context, "GET", "POST", "DELETE").ConfigureAwait(false))
        {
            return;
        }

        if (context.Request.Method == "POST")
        {
            var body = await ReadObjectAsync(context, required: true).ConfigureAwait(false);
            var a = String(body, "a") ?? throw new ControlBadRequestException("'a' is required.");
            var b = String(body, "b") ?? throw new ControlBadRequestException("'b' is required.");
            if (a == b)
            {
                throw new ControlBadRequestException("A cluster cannot be partitioned from itself.");
            }

            foreach (var name in new[] { a, b }.Where(n => !_lab.HasCluster(n)))
            {
                await LabHttp.WriteErrorAsync(context.Response, 404, $"No cluster named '{name}' in this lab.").ConfigureAwait(false);
                return;
            }

            _lab.Partitions.Add(a, b);
        }
        else if (context.Request.Method == "DELETE")
        {
            _lab.Partitions.HealAll();
        }

        await LabHttp.WriteJsonAsync(context.Response, 200, new { partitions = _lab.Partitions.Snapshot() }).ConfigureAwait(false);
    }

    private async Task FaultsAsync(HttpContext context)
    {
        if (!await AllowAsync(context, "GET", "POST", "DELETE").ConfigureAwait(false))
        {
            return;
        }

        var response = context.Response;
        switch (context.Request.Method)
        {
            case "GET":
                await LabHttp.WriteJsonAsync(response, 200, new { faults = _lab.Faults.Snapshot() }).ConfigureAwait(false);
                return;
            case "DELETE":
                _lab.Faults.Clear();
                await LabHttp.WriteJsonAsync(response, 200, new { cleared = true }).ConfigureAwait(false);
                return;
        }

        var body = await ReadObjectAsync(context, required: true).ConfigureAwait(false);
        var cluster = String(body, "cluster") ?? throw new ControlBadRequestException("'cluster' is required (a cluster name or \"*\").");
        if (cluster != "*" && !_lab.HasCluster(cluster))
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster named '{cluster}' in this lab.").ConfigureAwait(false);
            return;
        }

        var path = String(body, "path") ?? throw new ControlBadRequestException("'path' is required (exact, or a prefix ending in \"*\").");
        var kind = String(body, "kind") ?? throw new ControlBadRequestException($"'kind' is required: {string.Join(", ", LabFaultKinds.All)}.");
        if (!LabFaultKinds.All.Contains(kind))
        {
            throw new ControlBadRequestException($"Unknown kind '{kind}': use {string.Join(", ", LabFaultKinds.All)}.");
        }

        var status = Int(body, "status", 100, 599);
        if (kind == LabFaultKinds.Status && status is null)
        {
            throw new ControlBadRequestException("'status' (100-599) is required for kind \"status\".");
        }

        var delayMs = Int(body, "delayMs", 0, MaxDelayMs);
        if (kind == LabFaultKinds.Delay && delayMs is null)
        {
            throw new ControlBadRequestException("'delayMs' is required for kind \"delay\".");
        }

        var location = String(body, "location");
        if (kind == LabFaultKinds.Redirect && (location is null || !Uri.TryCreate(location, UriKind.Absolute, out _)))
        {
            throw new ControlBadRequestException("'location' (an absolute URL) is required for kind \"redirect\".");
        }

        string? faultBody = null;
        if (body.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind != JsonValueKind.Null)
        {
            faultBody = bodyElement.ValueKind == JsonValueKind.String ? bodyElement.GetString() : bodyElement.GetRawText();
        }

        var rule = new LabFaultRule(
            cluster,
            (String(body, "method") ?? "*").ToUpperInvariant(),
            path.StartsWith('/') ? path : "/" + path,
            kind,
            status ?? 0,
            faultBody,
            Int(body, "retryAfterSec", 0, 86_400),
            delayMs ?? 0,
            Int(body, "count", 1, int.MaxValue),
            kind == LabFaultKinds.Redirect ? location : null);
        await LabHttp.WriteJsonAsync(response, 200, new { id = _lab.Faults.Add(rule) }).ConfigureAwait(false);
    }

    private async Task RequestsAsync(HttpContext context)
    {
        if (!await AllowAsync(context, "GET", "DELETE").ConfigureAwait(false))
        {
            return;
        }

        if (context.Request.Method == "DELETE")
        {
            _lab.Requests.Clear();
            await LabHttp.WriteJsonAsync(context.Response, 200, new { cleared = true }).ConfigureAwait(false);
            return;
        }

        var cluster = context.Request.Query["cluster"].ToString();
        await LabHttp.WriteJsonAsync(context.Response, 200, new { requests = _lab.Requests.Snapshot(cluster.Length > 0 ? cluster : null) }).ConfigureAwait(false);
    }
}
