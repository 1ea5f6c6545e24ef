using VaultDr.Http;

namespace VaultDr.Client;

/// <summary>
/// Reads a request marked <see cref="TransportOptions.ReadOnCallingThread"/> with .NET's synchronous HttpClient
/// path, on the thread that sent it. A cmdlet that sends one request and only waits for the answer then pays for
/// no thread-pool hand-off and no wake-up of the waiting thread, which on a small machine cost more than the
/// request itself. Unmarked requests go the usual asynchronous way.
/// </summary>
/// <remarks>
/// The mark is an explicit argument: <see cref="VaultClient"/> sets it only for a GET whose caller asked for
/// <see cref="ReadMode.OnCallingThread"/> and only while the call is still on that caller's thread (not after a
/// retry delay, which resumes on the thread pool). Timeouts and Ctrl+C cancel a blocking read as they cancel an
/// asynchronous one.
/// </remarks>
internal sealed class CallingThreadReads : DelegatingHandler
{
    internal CallingThreadReads(HttpMessageHandler inner)
        : base(inner)
    {
    }

    internal static bool IsMarked(HttpRequestMessage request) =>
        request.Options.TryGetValue(TransportOptions.ReadOnCallingThread, out var marked) && marked;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!IsMarked(request))
        {
            return base.SendAsync(request, cancellationToken);
        }

        try
        {
            return Task.FromResult(Send(request, cancellationToken));
        }
        catch (Exception e)
        {
            // The same faulted task the asynchronous path would give, so callers see no difference.
            return Task.FromException<HttpResponseMessage>(e);
        }
    }
}

/// <summary>How the caller of <see cref="VaultClient.SendAsync"/> waits for the answer.</summary>
internal enum ReadMode
{
    /// <summary>The caller awaits; concurrent reads of several clusters overlap.</summary>
    Asynchronous,

    /// <summary>The caller blocks its thread until the answer is in: read a GET on that thread.</summary>
    OnCallingThread,
}
