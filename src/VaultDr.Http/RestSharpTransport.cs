using RestSharp;
using RestSharp.Interceptors;

namespace VaultDr.Http;

/// <summary>Per-request settings the transport hands down to VaultDr's message handlers.</summary>
internal static class TransportOptions
{
    /// <summary>
    /// Set on a request that its caller waits for on this thread: the handler may read it with HttpClient's
    /// synchronous path instead of handing it to the thread pool.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<bool> ReadOnCallingThread = new("VaultDr.ReadOnCallingThread");
}

/// <summary>
/// Sends one HTTP request with RestSharp and reports what came back in .NET's own types, so no
/// RestSharp type crosses into VaultDr.dll (which lives in the default load context).
/// Retries, redirects and error mapping stay in VaultDr's VaultClient.
/// </summary>
internal sealed class RestSharpTransport : IDisposable
{
    private readonly RestClient _rest;

    internal RestSharpTransport(Uri baseAddress, TimeSpan timeout, string userAgent, Func<HttpMessageHandler> createHandler)
    {
        var options = new RestClientOptions(baseAddress)
        {
            FollowRedirects = false,
            ThrowOnAnyError = false,
            Timeout = timeout,
            UserAgent = userAgent,
            // Any HTTP answer is an answer; only transport failures are errors at this level.
            CalculateResponseStatus = _ => ResponseStatus.Completed,
            ConfigureMessageHandler = _ => createHandler(),
        };
        _rest = new RestClient(options);
    }

    public void Dispose() => _rest.Dispose();

    /// <param name="readOnCallingThread">
    /// The caller blocks this thread until the answer is in: mark the request so VaultDr's handler reads it here
    /// (see <see cref="TransportOptions.ReadOnCallingThread"/>).
    /// </param>
    internal async Task<TransportResponse> SendAsync(
        HttpMethod method,
        Uri url,
        IEnumerable<KeyValuePair<string, string>> headers,
        string? jsonBody,
        bool readOnCallingThread,
        CancellationToken cancellationToken)
    {
        var request = new RestRequest(url, ToRestMethod(method));
        if (readOnCallingThread)
        {
            request.Interceptors = MarkReadOnCallingThread.Only;
        }

        foreach (var (name, value) in headers)
        {
            request.AddHeader(name, value);
        }

        if (jsonBody is not null)
        {
            request.AddStringBody(jsonBody, ContentType.Json);
        }

        var response = await _rest.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        var answered = response.StatusCode != 0 && response.ResponseStatus == ResponseStatus.Completed;
        return new TransportResponse(
            answered ? (int)response.StatusCode : 0,
            response.StatusDescription,
            response.Content,
            response.Headers,
            response.ContentHeaders,
            response.ResponseStatus == ResponseStatus.TimedOut,
            response.ErrorException);
    }

    private sealed class MarkReadOnCallingThread : Interceptor
    {
        /// <summary>The one list every marked request shares: RestSharp only reads it.</summary>
        internal static readonly List<Interceptor> Only = [new MarkReadOnCallingThread()];

        public override ValueTask BeforeHttpRequest(HttpRequestMessage requestMessage, CancellationToken cancellationToken)
        {
            requestMessage.Options.Set(TransportOptions.ReadOnCallingThread, true);
            return default;
        }
    }

    private static Method ToRestMethod(HttpMethod method) => method.Method switch
    {
        "GET" => Method.Get,
        "POST" => Method.Post,
        "PUT" => Method.Put,
        "DELETE" => Method.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method.Method, "Unsupported HTTP method."),
    };
}

/// <summary>
/// What one attempt produced: an HTTP answer (<see cref="StatusCode"/> is not 0) or a transport failure
/// (<see cref="TimedOut"/> and/or <see cref="Error"/>).
/// </summary>
internal sealed class TransportResponse
{
    // RestSharp's own header lists, read only when a header is asked for (a redirect's Location, a Retry-After):
    // most answers never need one, so none are copied.
    private readonly IReadOnlyCollection<HeaderParameter>? _headers;
    private readonly IReadOnlyCollection<HeaderParameter>? _contentHeaders;

    internal TransportResponse(
        int statusCode,
        string? statusDescription,
        string? content,
        IReadOnlyCollection<HeaderParameter>? headers,
        IReadOnlyCollection<HeaderParameter>? contentHeaders,
        bool timedOut,
        Exception? error)
    {
        StatusCode = statusCode;
        StatusDescription = statusDescription;
        Content = content;
        _headers = headers;
        _contentHeaders = contentHeaders;
        TimedOut = timedOut;
        Error = error;
    }

    internal int StatusCode { get; }

    internal string? StatusDescription { get; }

    internal string? Content { get; }

    internal bool TimedOut { get; }

    internal Exception? Error { get; }

    /// <summary>A response or content header's value; null when absent.</summary>
    internal string? Header(string name) =>
        (_headers ?? []).Concat(_contentHeaders ?? []).FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.ToString();
}
