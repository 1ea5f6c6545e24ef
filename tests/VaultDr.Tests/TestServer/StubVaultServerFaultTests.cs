using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.TestServer.StubVaultServerTestKit;

namespace VaultDr.Tests.TestServer;

/// <summary>The faults a stub can script: a reset before any answer byte, a truncated body, a slow answer.</summary>
public sealed class StubVaultServerFaultTests : IDisposable
{
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly HttpClient _client;

    public StubVaultServerFaultTests()
    {
        _client = NewClient(_server);
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task DropResetsBeforeAnyAnswerByteAndTheRequestIsRecordedOnce()
    {
        _server.Drop("POST", "/v1/sys/replication/dr/secondary/promote");
        using var freshClient = NewClient(_server);

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => freshClient.PostAsync("/v1/sys/replication/dr/secondary/promote", new StringContent("""{"dr_operation_token":"t"}""")));

        Assert.Null(error.StatusCode);
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("t", recorded.JsonString("dr_operation_token"));
        // Once used up, the path falls back to the 404 answer.
        using var after = await NewClient(_server).PostAsync("/v1/sys/replication/dr/secondary/promote", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task DropSendsNoByteAtAll()
    {
        _server.Drop("GET", StatusPath);
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {StatusPath} HTTP/1.1\r\nHost: x\r\n\r\n"));

        var buffer = new byte[64];
        int read;
        try
        {
            read = await stream.ReadAsync(buffer);
        }
        catch (IOException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            read = 0;
        }

        Assert.Equal(0, read);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task DropAfterHeadersGivesAStatusButATruncatedBody()
    {
        _server.DropAfterHeaders("GET", StatusPath, times: 2);

        using var response = await NewClient(_server).GetAsync(StatusPath, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, response.Content.Headers.ContentLength);
        var truncated = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync());
        var ended = Assert.IsType<HttpIOException>(truncated.InnerException);
        Assert.Equal(HttpRequestError.ResponseEnded, ended.HttpRequestError);

        // Buffering the whole answer (the default) fails the call itself.
        await Assert.ThrowsAsync<HttpRequestException>(() => NewClient(_server).GetAsync(StatusPath));
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task DelayBeyondTheClientTimeoutCancelsTheClientWithoutBlockingOthers()
    {
        _server.Delay("GET", StatusPath, TimeSpan.FromSeconds(30)).Respond("GET", "/v1/sys/health", 200, "{}");
        using var impatient = NewClient(_server);
        impatient.Timeout = TimeSpan.FromMilliseconds(300);

        var slow = impatient.GetAsync(StatusPath);
        var stopwatch = Stopwatch.StartNew();
        using var health = await _client.GetAsync("/v1/sys/health");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"health took {stopwatch.Elapsed}");
        await Assert.ThrowsAsync<TaskCanceledException>(() => slow);
    }

    [Fact]
    public async Task DelayAnswersAfterTheDelay()
    {
        _server.Delay("GET", StatusPath, TimeSpan.FromMilliseconds(300), 200, """{"mode":"secondary"}""");

        var stopwatch = Stopwatch.StartNew();
        using var response = await _client.GetAsync(StatusPath);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {stopwatch.Elapsed}");
        Assert.Equal("""{"mode":"secondary"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DisposeDuringAPendingDelayReturnsPromptlyAndFailsTheClient()
    {
        var server = StubVaultServer.Start();
        server.Delay("GET", StatusPath, TimeSpan.FromMinutes(5));
        using var client = NewClient(server);
        var pending = client.GetAsync(StatusPath);
        await WaitUntil(() => server.Requests.Count == 1);

        var stopwatch = Stopwatch.StartNew();
        server.Dispose();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {stopwatch.Elapsed}");
        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
        await Assert.ThrowsAsync<HttpRequestException>(() => NewClient(server).GetAsync(StatusPath));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 5 s");
            await Task.Delay(20);
        }
    }
}
