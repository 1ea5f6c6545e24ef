using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace VaultDr.Lab;

/// <summary>
/// How clusters reach each other: real HTTP(S) over loopback, with <c>X-Lab-From</c> naming the sender. A stopped
/// or partitioned target is refused before sending; connection errors and timeouts (2 s) become
/// <see cref="LabPeerUnreachableException"/>.
/// </summary>
public sealed class LabPeerTransport : IPeerTransport, IDisposable
{
    public const string FromHeader = "X-Lab-From";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static readonly HashSet<string> SkippedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Connection", "Transfer-Encoding", "Expect", FromHeader,
    };

    private static readonly HashSet<string> SkippedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Date", "Server", "Keep-Alive",
    };

    private readonly LabHost _lab;
    private readonly HttpClient _client;

    internal LabPeerTransport(LabHost lab, X509Certificate2? trustedCa)
    {
        _lab = lab;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (trustedCa is not null)
        {
            // Peers check the chain and the name, not the dates: replication runs on the cluster port's own long-lived
            // certificate as in Vault, and a secondary's unwrap at the primary's API keeps working when the lab lets
            // that API certificate lapse (-CertificateValidDays), so an expired certificate can be rehearsed on a
            // replicating pair. (Vault's secondary enable would refuse an expired primary API certificate.)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => LabCertificates.Validate(trustedCa, certificate, errors, ignoreDates: true);
        }

        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public async Task<LabResponse> SendAsync(string fromCluster, Uri target, LabRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        if (_lab.FindServerByPort(target.Port) is { } peer && target.IsLoopback)
        {
            if (!peer.Listening)
            {
                throw new LabPeerUnreachableException($"{peer.Name} is stopped (connection refused at {target}).");
            }

            if (_lab.Partitions.AreSplit(fromCluster, peer.Name))
            {
                throw new LabPeerUnreachableException($"{fromCluster} and {peer.Name} are partitioned (no route to {target}).");
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), BuildUri(target, request));
        foreach (var (name, value) in request.Headers)
        {
            if (!SkippedRequestHeaders.Contains(name))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation(FromHeader, fromCluster);
        if (request.Body.Length > 0)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _client.SendAsync(message, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!SkippedResponseHeaders.Contains(name))
                {
                    headers[name] = string.Join(",", values);
                }
            }

            return new LabResponse((int)response.StatusCode, body.Length == 0 ? null : body, headers);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabPeerUnreachableException($"{target} did not answer {fromCluster} within {Timeout.TotalSeconds:0} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw new LabPeerUnreachableException($"{target} is unreachable from {fromCluster}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new LabPeerUnreachableException($"{target} is unreachable from {fromCluster}: {e.Message}", e);
        }
    }

    public void Dispose() => _client.Dispose();

    private static Uri BuildUri(Uri target, LabRequest request)
    {
        var builder = new StringBuilder(target.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        builder.Append(request.Path.StartsWith('/') ? request.Path : "/" + request.Path);
        var separator = '?';
        foreach (var (key, value) in request.Query)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(builder.ToString());
    }
}
