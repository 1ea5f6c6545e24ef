using System.Net;
using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Client;

/// <summary>
/// Which way a request leaves: a GET on the thread that claimed it goes through the synchronous path and comes
/// back already finished; anything else goes the usual asynchronous way.
/// </summary>
public sealed class CallingThreadReadsTests : IDisposable
{
    private readonly RecordingHandler _inner = new();
    private readonly HttpMessageInvoker _invoker;

    public CallingThreadReadsTests() => _invoker = new HttpMessageInvoker(new CallingThreadReads(_inner));

    public void Dispose() => _invoker.Dispose();

    [Fact]
    public async Task AClaimedGet_IsReadSynchronouslyOnTheClaimingThread()
    {
        var sent = WhileClaimed(() => _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/v1/sys/replication/dr/status"), CancellationToken.None));

        Assert.True(sent.IsCompletedSuccessfully);
        using var response = await sent;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(_inner.Calls);
        Assert.Equal(("Send", "GET", Environment.CurrentManagedThreadId), call);
    }

    [Fact]
    public async Task AnUnclaimedGet_GoesAsynchronously()
    {
        using var response = await _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), CancellationToken.None);

        Assert.Equal("SendAsync", Assert.Single(_inner.Calls).Way);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task AClaimedStateChangingRequest_StillGoesAsynchronously(string method)
    {
        var sent = WhileClaimed(() => _invoker.SendAsync(new HttpRequestMessage(new HttpMethod(method), "http://127.0.0.1/") { Content = new StringContent("{}") }, CancellationToken.None));

        using var response = await sent;
        Assert.Equal(("SendAsync", method), (Assert.Single(_inner.Calls).Way, Assert.Single(_inner.Calls).Method));
    }

    [Fact]
    public async Task AGetFromAnotherThread_GoesAsynchronously()
    {
        // As a retry after Task.Delay does: it resumes on the thread pool.
        var sent = WhileClaimed(() => Task.Run(() => _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), CancellationToken.None)));

        using var response = await sent;
        Assert.Equal("SendAsync", Assert.Single(_inner.Calls).Way);
    }

    [Fact]
    public async Task AfterRestore_GetsGoAsynchronouslyAgain()
    {
        CallingThreadReads.Restore(CallingThreadReads.Claim());

        Assert.False(CallingThreadReads.Claimed);
        using var response = await _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), CancellationToken.None);
        Assert.Equal("SendAsync", Assert.Single(_inner.Calls).Way);
    }

    [Fact]
    public async Task AFailedSynchronousRead_IsAFaultedTask_NotAThrow()
    {
        _inner.Failure = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)");
        var sent = WhileClaimed(() => _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/"), CancellationToken.None));

        Assert.True(sent.IsFaulted);
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => sent);
        Assert.Same(_inner.Failure, thrown);
    }

    /// <summary>Sends with this thread claimed, as VaultDrCmdlet.Run does around the start of the work.</summary>
    private static Task<HttpResponseMessage> WhileClaimed(Func<Task<HttpResponseMessage>> send)
    {
        var previous = CallingThreadReads.Claim();
        try
        {
            return send();
        }
        finally
        {
            CallingThreadReads.Restore(previous);
        }
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        private readonly List<(string Way, string Method, int Thread)> _calls = new();

        internal Exception? Failure { get; set; }

        internal IReadOnlyList<(string Way, string Method, int Thread)> Calls
        {
            get { lock (_calls) { return _calls.ToArray(); } }
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Record("Send", request);
            return Failure is null ? new HttpResponseMessage(HttpStatusCode.OK) : throw Failure;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Record("SendAsync", request);
            return Failure is null ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)) : Task.FromException<HttpResponseMessage>(Failure);
        }

        private void Record(string way, HttpRequestMessage request)
        {
            lock (_calls)
            {
                _calls.Add((way, request.Method.Method, Environment.CurrentManagedThreadId));
            }
        }
    }
}
