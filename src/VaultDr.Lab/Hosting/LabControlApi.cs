using System.Globalization;
using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>
/// The lab's control API (HTTP on 127.0.0.1, JSON, camelCase):
/// GET /lab; POST /lab/clusters/{name}/stop|start|seal|unseal|latency|standby (DELETE .../standby);
/// GET|POST|DELETE /lab/partitions; GET|POST|DELETE /lab/faults (DELETE /lab/faults/{id});
/// GET|DELETE /lab/requests[?cluster=]; POST /lab/shutdown.
/// Errors in Vault's shape, <c>{"errors":["..."]}</c> (one text), with 400 (bad body), 404 (unknown cluster, fault or
/// path) and 405 (wrong method, with an Allow header).
/// </summary>
internal sealed class LabControlApi : IAsyncDisposable
{
    private const int MaxDelayMs = 600_000;

    private readonly LabHost _lab;
    private WebApplication? _app;

    private LabControlApi(LabHost lab) => _lab = lab;

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
                    await ClusterActionAsync(context, name, action).ConfigureAwait(false);
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
        catch (BadRequestException e)
        {
            await LabHttp.WriteErrorAsync(response, 400, e.Message).ConfigureAwait(false);
        }
    }

    private async Task ClusterActionAsync(HttpContext context, string name, string action)
    {
        var response = context.Response;
        if (!_lab.HasCluster(name))
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster named '{name}' in this lab.").ConfigureAwait(false);
            return;
        }

        string[]? methods = action switch
        {
            "stop" or "start" or "seal" or "unseal" or "latency" => ["POST"],
            "standby" => ["POST", "DELETE"],
            _ => null,
        };
        if (methods is null)
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster action '{action}'.").ConfigureAwait(false);
            return;
        }

        if (!await AllowAsync(context, methods).ConfigureAwait(false))
        {
            return;
        }

        switch (action)
        {
            case "stop":
                await _lab.StopClusterAsync(name).ConfigureAwait(false);
                break;
            case "start":
                await _lab.StartClusterAsync(name, context.RequestAborted).ConfigureAwait(false);
                break;
            case "seal":
                _lab.GetCluster(name).Seal();
                break;
            case "unseal":
                _lab.GetCluster(name).Unseal();
                break;
            case "latency":
                var body = await ReadObjectAsync(context, required: true).ConfigureAwait(false);
                _lab.SetLatency(name, Int(body, "ms", 0, MaxDelayMs) ?? throw new BadRequestException("'ms' is required."));
                break;
            case "standby":
                if (context.Request.Method == "DELETE")
                {
                    await _lab.CloseStandbyAsync(name).ConfigureAwait(false);
                    break;
                }

                var address = await _lab.OpenStandbyAsync(name, context.RequestAborted).ConfigureAwait(false);
                await LabHttp.WriteJsonAsync(response, 200, new { address = address.ToString() }).ConfigureAwait(false);
                return;
        }

        await LabHttp.WriteJsonAsync(response, 200, _lab.DescribeCluster(name)).ConfigureAwait(false);
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
            var a = String(body, "a") ?? throw new BadRequestException("'a' is required.");
            var b = String(body, "b") ?? throw new BadRequestException("'b' is required.");
            if (a == b)
            {
                throw new BadRequestException("A cluster cannot be partitioned from itself.");
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
        var cluster = String(body, "cluster") ?? throw new BadRequestException("'cluster' is required (a cluster name or \"*\").");
        if (cluster != "*" && !_lab.HasCluster(cluster))
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster named '{cluster}' in this lab.").ConfigureAwait(false);
            return;
        }

        var path = String(body, "path") ?? throw new BadRequestException("'path' is required (exact, or a prefix ending in \"*\").");
        var kind = String(body, "kind") ?? throw new BadRequestException($"'kind' is required: {string.Join(", ", LabFaultKinds.All)}.");
        if (!LabFaultKinds.All.Contains(kind))
        {
            throw new BadRequestException($"Unknown kind '{kind}': use {string.Join(", ", LabFaultKinds.All)}.");
        }

        var status = Int(body, "status", 100, 599);
        if (kind == LabFaultKinds.Status && status is null)
        {
            throw new BadRequestException("'status' (100-599) is required for kind \"status\".");
        }

        var delayMs = Int(body, "delayMs", 0, MaxDelayMs);
        if (kind == LabFaultKinds.Delay && delayMs is null)
        {
            throw new BadRequestException("'delayMs' is required for kind \"delay\".");
        }

        var location = String(body, "location");
        if (kind == LabFaultKinds.Redirect && (location is null || !Uri.TryCreate(location, UriKind.Absolute, out _)))
        {
            throw new BadRequestException("'location' (an absolute URL) is required for kind \"redirect\".");
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

    /// <summary>True when the method is one of <paramref name="methods"/>; otherwise answers 405 and returns false.</summary>
    private static async Task<bool> AllowAsync(HttpContext context, params string[] methods)
    {
        if (methods.Contains(context.Request.Method))
        {
            return true;
        }

        context.Response.Headers.Allow = string.Join(", ", methods);
        await LabHttp.WriteErrorAsync(context.Response, 405, $"Use {string.Join(" or ", methods)} here.").ConfigureAwait(false);
        return false;
    }

    private static async Task<JsonElement> ReadObjectAsync(HttpContext context, bool required)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? throw new BadRequestException("A JSON object body is required.") : JsonDocument.Parse("{}").RootElement.Clone();
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new BadRequestException("The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"The body is not valid JSON: {e.Message}");
        }
    }

    private static string? String(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
        : throw new BadRequestException($"'{name}' must be a non-empty string.");

    private static int? Int(JsonElement body, string name, int min, int max) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max ? number
        : throw new BadRequestException($"'{name}' must be an integer from {min} to {max}.");

    private sealed class BadRequestException(string message) : Exception(message);
}
