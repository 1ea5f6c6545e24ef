namespace VaultDr.Client;

/// <summary>How a single HTTP attempt ended, as far as retrying is concerned.</summary>
internal enum AttemptFailure
{
    /// <summary>An HTTP status came back; see the status code.</summary>
    None,

    /// <summary>TCP connect refused: nothing reached the server.</summary>
    ConnectionRefused,

    /// <summary>The host name did not resolve: nothing reached the server.</summary>
    NameResolution,

    /// <summary>The TLS handshake failed before the request was written.</summary>
    TlsHandshake,

    /// <summary>The server's certificate was rejected: retrying cannot help.</summary>
    CertificateRejected,

    /// <summary>No answer in time: the server may have acted.</summary>
    Timeout,

    /// <summary>The connection broke after the request was (or may have been) written.</summary>
    ConnectionLost,

    /// <summary>The answer was larger than VaultDr reads: retrying would only fetch it again.</summary>
    ResponseTooLarge,
}

/// <summary>
/// Which attempts are retried and how long to wait. Reads follow Vault's own client; state-changing
/// calls are stricter on purpose: they are re-sent only when the server provably did not act on them.
/// </summary>
internal sealed class RetryPolicy
{
    public RetryPolicy(int maxRetries, TimeSpan? baseDelay = null, Func<double>? jitter = null)
    {
        MaxRetries = Math.Max(0, maxRetries);
        BaseDelay = baseDelay ?? TimeSpan.FromSeconds(1);
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    private readonly Func<double> _jitter;

    public int MaxRetries { get; }

    public TimeSpan BaseDelay { get; }

    /// <summary>Whether another attempt may be made after this outcome (ignoring the retry count).</summary>
    public static bool IsRetryable(bool changesState, AttemptFailure failure, int statusCode)
    {
        if (changesState)
        {
            return failure switch
            {
                AttemptFailure.ConnectionRefused or AttemptFailure.NameResolution or AttemptFailure.TlsHandshake => true,
                AttemptFailure.None => statusCode is 429 or 503,
                _ => false,
            };
        }

        return failure switch
        {
            AttemptFailure.CertificateRejected or AttemptFailure.ResponseTooLarge => false,
            AttemptFailure.None => statusCode is 412 or 429 || (statusCode >= 500 && statusCode != 501),
            _ => true,
        };
    }

    /// <summary>
    /// Wait before retry number <paramref name="retry"/> (1-based): Retry-After when the server sent it,
    /// else jittered exponential backoff (1 to 1.5 s, then 2 to 3 s, ...), never beyond <paramref name="ceiling"/>.
    /// </summary>
    public TimeSpan DelayBefore(int retry, TimeSpan? retryAfter, TimeSpan ceiling)
    {
        TimeSpan delay;
        if (retryAfter is { } serverSays && serverSays >= TimeSpan.Zero)
        {
            delay = serverSays;
        }
        else
        {
            var scale = Math.Pow(2, Math.Max(0, retry - 1));
            delay = TimeSpan.FromTicks((long)(BaseDelay.Ticks * scale * (1 + (0.5 * _jitter()))));
        }

        return delay > ceiling ? ceiling : delay;
    }
}
