namespace VaultDr.Client;

/// <summary>
/// Reads a GET on the thread that is waiting for it, with .NET's synchronous HttpClient path. A cmdlet that
/// sends one request and only waits for the answer then pays for no thread-pool hand-off and no wake-up of the
/// waiting thread, which on a small machine cost more than the request itself.
/// </summary>
/// <remarks>
/// Opt-in and narrow: only work started by <c>VaultDrCmdlet.Send</c> (one request at a time) claims its thread;
/// only GETs qualify, so nothing changes for requests that change state; and only on the claiming thread, so a
/// retry after a delay (which resumes on the thread pool) and concurrent reads of several clusters go the usual
/// asynchronous way. Timeouts and Ctrl+C cancel a blocking read as they cancel an asynchronous one.
/// </remarks>
internal sealed class CallingThreadReads : DelegatingHandler
{
    // Per thread, not per async flow: a continuation of the claimed work that runs on another thread (or on this
    // one, later) must not inherit the claim.
    [ThreadStatic]
    private static bool t_claimed;

    internal CallingThreadReads(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>Lets GETs sent from this thread, until <see cref="Restore"/>, be read on it. Returns what to restore.</summary>
    internal static bool Claim()
    {
        var previous = t_claimed;
        t_claimed = true;
        return previous;
    }

    /// <summary>Undoes <see cref="Claim"/>.</summary>
    internal static void Restore(bool previous) => t_claimed = previous;

    /// <summary>Whether a GET sent now, from this thread, would be read on it.</summary>
    internal static bool Claimed => t_claimed;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get || !Claimed)
        {
            return base.SendAsync(request, cancellationToken);
        }

        try
        {
            return Task.FromResult(base.Send(request, cancellationToken));
        }
        catch (Exception e)
        {
            // The same faulted task the asynchronous path would give, so callers see no difference.
            return Task.FromException<HttpResponseMessage>(e);
        }
    }
}
