using System.Net;
using VaultDr.Client;
using VaultDr.Http;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>
/// Which way a request leaves: one marked by its caller as waited for on this thread goes through HttpClient's
/// synchronous path and comes back already finished; anything else goes the usual asynchronous way. VaultClient
/// marks a GET only, and only when the caller asked for <see cref="ReadMode.OnCallingThread"/>.
/// </summary>
public sealed class CallingThreadReadsTests : IDisposable
{
    private readonly RecordingHandler _inner = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public CallingThreadReadsTests() => _invoker = new HttpMessageInvoker(new CallingThreadReads(_inner));

    public void Dispose()
    {
        _invoker.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task AMarkedRequest_IsReadSynchronouslyOnTheSendingThread()
    {
        var sent = _invoker.SendAsync(Marked(HttpMethod.Get, "http://127.0.0.1/v1/sys/replication/dr/status"), CancellationToken.None);

        Assert.True(sent.IsCompletedSuccessfully);
        using var response = await sent;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Send", "GET", Environment.CurrentManagedThreadId), Assert.Single(_inner.Calls));
    }

    [Fact]
    public async Task AnUnmarkedRequest_GoesAsynchronously()
    {
        using var response = await _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), CancellationToken.None);

        Assert.Equal("SendAsync", Assert.Single(_inner.Calls).Way);
    }

    [Fact]
    public async Task AFailedSynchronousRead_IsAFaultedTask_NotAThrow()
    {
        _inner.Failure = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)");
        var sent = _invoker.SendAsync(Marked(HttpMethod.Get, "http://127.0.0.1:1/"), CancellationToken.None);

        Assert.True(sent.IsFaulted);
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => sent);
        Assert.Same(_inner.Failure, thrown);
    }

    [Fact]
    public async Task VaultClient_ReadsAGetOnTheCallingThread_WhenTheCallerWaitsThere()
    {
        // The answer takes 150 ms: only a read made on this thread can come back already finished.
        _server.Delay("GET", V1(StatusPath), TimeSpan.FromMilliseconds(150), 200, """{"data":{"mode":"primary"}}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        var sent = client.SendAsync(Status(), _log, CancellationToken.None, ReadMode.OnCallingThread);

        Assert.True(sent.IsCompletedSuccessfully);
        Assert.Equal("primary", (await sent).RequireData().GetProperty("mode").GetString());
    }

    [Fact]
    public async Task VaultClient_SendsAGetAsynchronously_ByDefault()
    {
        _server.Delay("GET", V1(StatusPath), TimeSpan.FromMilliseconds(150), 200, """{"data":{"mode":"primary"}}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        var sent = client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.False(sent.IsCompleted);
        Assert.Equal("primary", (await sent).RequireData().GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task VaultClient_NeverReadsAStateChangingRequestOnTheCallingThread(string method)
    {
        _server.Delay(method, V1(EnablePath), TimeSpan.FromMilliseconds(150), 204);
        using var client = NewClient(Connect(_server.BaseAddress));

        var sent = client.SendAsync(new VaultRequest(new HttpMethod(method), EnablePath), _log, CancellationToken.None, ReadMode.OnCallingThread);

        Assert.False(sent.IsCompleted);
        Assert.Equal(204, (await sent).StatusCode);
    }

    private static HttpRequestMessage Marked(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Options.Set(TransportOptions.ReadOnCallingThread, true);
        return request;
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        private readonly List<(string Way, string Method, int Thread)> _calls = [];

        internal Exception? Failure { get; set; }

        internal IReadOnlyList<(string Way, string Method, int Thread)> Calls
        {
            get { lock (_calls) { return [.. _calls]; } }
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
