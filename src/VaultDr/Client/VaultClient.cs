using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using VaultDr.Http;

namespace VaultDr.Client;

/// <summary>
/// The single HTTP path to Vault: headers, JSON bodies, retries, redirects, timeouts and error mapping.
/// The Vault token becomes plain text here and nowhere else (through <see cref="SecretText"/>).
/// </summary>
internal sealed class VaultClient : IDisposable
{
    private const string UserAgent = "VaultDr/0.1 (PowerShell)";
    private const int MaxKnownUrls = 64;

    private readonly VaultDrConnection _connection;
    private readonly RestSharpTransport _transport;
    private readonly RetryPolicy _retryPolicy;
    private readonly ConcurrentDictionary<string, Uri> _urls = new(StringComparer.Ordinal);

    internal VaultClient(VaultDrConnection connection, RetryPolicy? retryPolicy = null)
    {
        _connection = connection;
        _retryPolicy = retryPolicy ?? new RetryPolicy(connection.MaxRetries);
        _transport = new RestSharpTransport(connection.Address, connection.Timeout, UserAgent, () => new CallingThreadReads(new ResponseSizeLimit(CreateHandler(connection))));
    }

    internal VaultDrConnection Connection => _connection;

    internal static SocketsHttpHandler CreateHandler(VaultDrConnection connection)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = true,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = connection.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = CertificateTrust.For(connection),
            },
        };
        if (connection.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = new() { certificate };
        }

        return handler;
    }

    public void Dispose() => _transport.Dispose();

    /// <summary>Sends one request, with retries and at most one redirect, and returns Vault's parsed answer.</summary>
    /// <param name="reads">
    /// <see cref="ReadMode.OnCallingThread"/> when the caller blocks its thread on the result: a GET is then read
    /// on that thread for as long as the call has not left it.
    /// </param>
    internal async Task<VaultResponse> SendAsync(VaultRequest request, IVaultCallLog log, CancellationToken cancellationToken, ReadMode reads = ReadMode.Asynchronous)
    {
        // A retry resumes after a delay on the thread pool; from then on nobody is blocked on this thread's reads.
        var onCallerThread = reads == ReadMode.OnCallingThread && request.Method == HttpMethod.Get;
        var secrets = new List<string>();
        var body = request.BuildBody(secrets);
        var method = request.Method.Method;
        var url = Url(request.UrlPath);
        var redirected = false;
        var retry = 0;
        if (body is not null && log.DebugEnabled)
        {
            log.Debug($"{method} {url} body: {request.DescribeBody()}");
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var headers = new List<KeyValuePair<string, string>> { new("X-Vault-Request", "true") };
            if ((request.Token ?? _connection.Token) is { Length: > 0 } token)
            {
                var plainToken = SecretText.Reveal(token);
                secrets.Add(plainToken);
                headers.Add(new("X-Vault-Token", plainToken));
            }

            var sentAt = Stopwatch.GetTimestamp();
            var response = await _transport.SendAsync(request.Method, url, headers, body, onCallerThread, cancellationToken).ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(sentAt);
            cancellationToken.ThrowIfCancellationRequested();

            var failure = Classify(response);
            var status = response.StatusCode;
            if (failure == AttemptFailure.None)
            {
                if (log.VerboseEnabled)
                {
                    log.Verbose($"{method} {url} -> {status} {response.StatusDescription} in {took.TotalMilliseconds:0} ms");
                }

                if (log.DebugEnabled)
                {
                    log.Debug($"{method} {url} answer: {Redaction.RedactJson(response.Content, secrets)}");
                }

                if (status is 301 or 302 or 307 or 308)
                {
                    url = RedirectTarget(url, response, method, redirected);
                    redirected = true;
                    log.Verbose($"{method} following redirect to {url.GetLeftPart(UriPartial.Path)}");
                    continue;
                }

                if (status is >= 200 and < 300 || (request.Accepts(status) && VaultErrorMapping.ReadErrors(response.Content).Count == 0))
                {
                    return Parse(response, status, log, secrets);
                }

                if (retry < _retryPolicy.MaxRetries && RetryPolicy.IsRetryable(request.ChangesState, failure, status))
                {
                    retry++;
                    var wait = _retryPolicy.DelayBefore(retry, RetryAfter(response), _connection.Timeout);
                    log.Verbose($"{method} {url.GetLeftPart(UriPartial.Path)}: {status}; retry {retry} of {_retryPolicy.MaxRetries} in {wait.TotalMilliseconds:0} ms");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    onCallerThread = false;
                    continue;
                }

                if (url.Scheme == Uri.UriSchemeHttp && ErrorAdvice.IsHttpToHttpsAnswer(status, response.Content))
                {
                    throw ErrorAdvice.HttpsRequired(method, url);
                }

                throw VaultErrorMapping.FromStatus(status, response.Content, method, request.UrlPath, secrets, status == 403 ? ErrorAdvice.Forbidden(_connection, request.Token is not null, request.Path) : null);
            }

            log.Verbose($"{method} {url} failed after {took.TotalMilliseconds:0} ms: {failure}");
            if (failure == AttemptFailure.ConnectionLost && url.Scheme == Uri.UriSchemeHttp && await TlsProbe.SpeaksTlsAsync(url, cancellationToken).ConfigureAwait(false))
            {
                // A TLS listener drops a plain HTTP request unread: not lost, just the wrong scheme. Retrying cannot help.
                throw ErrorAdvice.HttpsRequired(method, url);
            }

            if (failure == AttemptFailure.ResponseTooLarge)
            {
                // Re-sending would fetch the same oversized answer; and a state-changing call may have acted.
                throw new VaultResponseException(
                    $"{method} {url.GetLeftPart(UriPartial.Path)}: the answer is too large (over {ResponseSizeLimit.MaxResponseBytes / (1024 * 1024)} MB); VaultDr did not read it.");
            }

            if (retry < _retryPolicy.MaxRetries && RetryPolicy.IsRetryable(request.ChangesState, failure, 0))
            {
                retry++;
                var wait = _retryPolicy.DelayBefore(retry, null, _connection.Timeout);
                log.Verbose($"{method} {url.GetLeftPart(UriPartial.Path)}: {failure}; retry {retry} of {_retryPolicy.MaxRetries} in {wait.TotalMilliseconds:0} ms");
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                onCallerThread = false;
                continue;
            }

            throw VaultErrorMapping.FromFailure(failure, method, url, _connection.Timeout, Sanitize(response.Error, secrets), request.ChangesState, ErrorAdvice.DefaultAddress(_connection));
        }
    }

    /// <summary>
    /// The absolute URL of a path on this cluster. The DR endpoints are a handful of fixed paths read again and
    /// again (status polls), so their URLs are built once; other paths (lab control, say) are not kept.
    /// </summary>
    private Uri Url(string path)
    {
        if (_urls.TryGetValue(path, out var known))
        {
            return known;
        }

        var url = new Uri(_connection.Address, path);
        if (_urls.Count < MaxKnownUrls)
        {
            _urls.TryAdd(path, url);
        }

        return url;
    }

    private VaultResponse Parse(TransportResponse response, int status, IVaultCallLog log, IReadOnlyCollection<string> secrets)
    {
        if (string.IsNullOrWhiteSpace(response.Content))
        {
            return new VaultResponse(status, null, _connection.Address, _connection.Name);
        }

        JsonElement root;
        try
        {
            // One parse into memory the element owns (no pooled document to copy out of and return).
            root = JsonSerializer.Deserialize<JsonElement>(response.Content);
        }
        catch (JsonException e)
        {
            throw new VaultResponseException($"Vault answered {status} with a body that is not valid JSON ({e.Message}).");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new VaultResponseException($"Vault answered {status} with JSON that is not an object.");
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            throw new VaultResponseException($"Vault answered {status} but its body lists errors: {Redaction.RedactText(string.Join("; ", errors.EnumerateArray().Select(e => e.ToString())), secrets)}");
        }

        if (root.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array)
        {
            foreach (var warning in warnings.EnumerateArray())
            {
                if (warning.ValueKind == JsonValueKind.String && warning.GetString() is { Length: > 0 } text)
                {
                    log.Warning($"Vault ({_connection.Name}): {Redaction.RedactText(text, secrets)}");
                }
            }
        }

        return new VaultResponse(status, root, _connection.Address, _connection.Name);
    }

    private static Uri RedirectTarget(Uri from, TransportResponse response, string method, bool alreadyRedirected)
    {
        if (alreadyRedirected)
        {
            throw new VaultRedirectException($"{method} {from.GetLeftPart(UriPartial.Path)}: Vault redirected a second time; VaultDr follows at most one redirect.");
        }

        var location = response.Header("Location");
        if (string.IsNullOrEmpty(location) || !Uri.TryCreate(from, location, out var target))
        {
            throw new VaultResponseException($"{method} {from.GetLeftPart(UriPartial.Path)}: Vault answered {response.StatusCode} without a usable Location header.");
        }

        if (from.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps)
        {
            throw new VaultRedirectException(
                $"{method} {from.GetLeftPart(UriPartial.Path)}: refusing the redirect to {target.GetLeftPart(UriPartial.Path)}, which would send the token without TLS.");
        }

        if (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp)
        {
            throw new VaultRedirectException($"{method} {from.GetLeftPart(UriPartial.Path)}: refusing the redirect to a {target.Scheme} address.");
        }

        return target;
    }

    private static AttemptFailure Classify(TransportResponse response)
    {
        if (response.StatusCode != 0)
        {
            return AttemptFailure.None;
        }

        if (response.TimedOut)
        {
            return AttemptFailure.Timeout;
        }

        for (var e = response.Error; e is not null; e = e.InnerException)
        {
            if (e is ResponseTooLargeException)
            {
                return AttemptFailure.ResponseTooLarge;
            }
        }

        for (var e = response.Error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException:
                    return AttemptFailure.Timeout;
                case AuthenticationException:
                    return AttemptFailure.CertificateRejected;
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return AttemptFailure.NameResolution;
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } secure:
                    return HasInner<AuthenticationException>(secure) && CertificateWasRejected(secure) ? AttemptFailure.CertificateRejected : AttemptFailure.TlsHandshake;
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } connect:
                    return HasSocketError(connect, SocketError.ConnectionRefused) ? AttemptFailure.ConnectionRefused : AttemptFailure.ConnectionLost;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return AttemptFailure.NameResolution;
            }
        }

        return AttemptFailure.ConnectionLost;
    }

    private static bool HasInner<T>(Exception e)
        where T : Exception
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T)
            {
                return true;
            }
        }

        return false;
    }

    // .NET reports a certificate our callback refused as an AuthenticationException whose message names the callback.
    private static bool CertificateWasRejected(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException && inner.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasSocketError(Exception e, SocketError error)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket && socket.SocketErrorCode == error)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Transport exceptions can quote the request; keep only a redacted message.</summary>
    private static IOException? Sanitize(Exception? exception, IEnumerable<string> secrets) =>
        exception is null ? null : new IOException(Redaction.RedactText(exception.Message, secrets));

    private static TimeSpan? RetryAfter(TransportResponse response)
    {
        var value = response.Header("Retry-After");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var wait = when - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
