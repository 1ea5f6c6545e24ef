using System.Diagnostics;
using System.Management.Automation;
using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>Reads (GET) are retried like Vault's own client does.</summary>
public sealed class VaultClientReadRetryTests : IDisposable
{
    private const string Disabled = """{"data":{"mode":"disabled"}}""";
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public void Dispose() => _server.Dispose();

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(412)]
    public async Task RetryableStatusThenSuccessMakesTwoRequests(int status)
    {
        _server.Respond("GET", V1(StatusPath), status, """{"errors":["try again"]}""", times: 1)
            .Respond("GET", V1(StatusPath), 200, Disabled);
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("disabled", response.RequireData().GetProperty("mode").GetString());
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Contains(_log.VerboseMessages, m => m.Contains($"{status}; retry 1 of 2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(400, "VaultDrInvalidRequest")]
    [InlineData(403, "VaultDrPermissionDenied")]
    [InlineData(404, "VaultDrNotFound")]
    [InlineData(501, "VaultDrNotImplemented")]
    public async Task NonRetryableStatusIsOneRequest(int status, string errorId)
    {
        _server.Respond("GET", V1(StatusPath), status, """{"errors":["nope"]}""", times: 1)
            .Respond("GET", V1(StatusPath), 200, Disabled);
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(status, error.StatusCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task RetriesRunOutAfterMaxRetriesAndTheLastStatusIsReported()
    {
        _server.Respond("GET", V1(StatusPath), 503, """{"errors":["Vault is sealed"]}""");
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 3));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrUnavailable", error.ErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.Category);
        Assert.Contains("Vault is sealed", error.Message);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task MaxRetriesZeroMeansOneAttempt()
    {
        _server.Respond("GET", V1(StatusPath), 500, """{"errors":["boom"]}""", times: 1)
            .Respond("GET", V1(StatusPath), 200, Disabled);
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 0));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrServerError", error.ErrorId);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ConnectionRefusedIsRetriedThenReportedAsNeverProcessed()
    {
        var closed = ClosedAddress();
        using var client = NewClient(Connect(closed, maxRetries: 2));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionRefused", error.ErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.Category);
        Assert.False(error.RequestMayHaveBeenProcessed);
        Assert.Contains($"GET {closed}v1/{StatusPath}", error.Message);
        Assert.Equal(3, _log.Attempts);
        Assert.Equal(2, _log.VerboseMessages.Count(m => m.Contains("ConnectionRefused; retry", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DroppedConnectionIsRetriedForReads()
    {
        _server.Drop("GET", V1(StatusPath))
            .Respond("GET", V1(StatusPath), 200, Disabled);
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains(_log.VerboseMessages, m => m.Contains("ConnectionLost; retry 1 of 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TruncatedAnswerIsRetriedForReads()
    {
        _server.DropAfterHeaders("GET", V1(StatusPath))
            .Respond("GET", V1(StatusPath), 200, Disabled);
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task RetryAfterZeroIsHonouredInsteadOfTheBackoff()
    {
        _server.Respond("GET", V1(StatusPath), 429, """{"errors":["rate limited"]}""", times: 1, headers: new Dictionary<string, string> { ["Retry-After"] = "0" })
            .Respond("GET", V1(StatusPath), 200, Disabled);
        var connection = Connect(_server.BaseAddress, timeoutSec: 30);
        // A 20 s backoff: only Retry-After: 0 lets this test finish quickly.
        using var client = new VaultClient(connection, new RetryPolicy(2, TimeSpan.FromSeconds(20)));
        var stopwatch = Stopwatch.StartNew();

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains(_log.VerboseMessages, m => m.EndsWith("429; retry 1 of 2 in 0 ms", StringComparison.Ordinal));
    }
}

/// <summary>
/// State-changing calls (POST/PUT/DELETE) are re-sent only when the server provably did not act:
/// a promote or an enable must never run twice.
/// </summary>
public sealed class VaultClientWriteRetryTests : IDisposable
{
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public void Dispose() => _server.Dispose();

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task ServerErrorIsNotRetried(string method)
    {
        _server.Respond(method, V1(EnablePath), 500, """{"errors":["internal error"]}""", times: 1)
            .Respond(method, V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress));
        var request = new VaultRequest(new HttpMethod(method), EnablePath).With("primary_cluster_addr", PrimaryAddr);

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(request, _log, CancellationToken.None));

        Assert.Equal("VaultDrServerError", error.ErrorId);
        Assert.Equal(500, error.StatusCode);
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal(method, recorded.Method);
    }

    [Fact]
    public async Task DroppedConnectionIsNotRetriedAndMayHaveBeenProcessed()
    {
        _server.Drop("POST", V1(EnablePath))
            .Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionLost", error.ErrorId);
        Assert.True(error.RequestMayHaveBeenProcessed);
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal(PrimaryAddr, recorded.JsonString("primary_cluster_addr"));
    }

    [Fact]
    public async Task DroppedConnectionOnAPooledConnectionIsNotSilentlyResent()
    {
        // .NET may re-send a request whose reused connection died before any answer byte.
        _server.Respond("GET", V1(StatusPath), 200, """{"data":{"mode":"primary"}}""")
            .Drop("POST", V1(EnablePath))
            .Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress));
        await client.SendAsync(Status(), _log, CancellationToken.None);

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionLost", error.ErrorId);
        Assert.True(error.RequestMayHaveBeenProcessed);
        Assert.Equal(["GET", "POST"], _server.Requests.Select(r => r.Method));
        Assert.Equal(_server.Requests[0].ConnectionId, _server.Requests[1].ConnectionId);
    }

    [Fact]
    public async Task TruncatedAnswerIsNotRetried()
    {
        _server.DropAfterHeaders("POST", V1(EnablePath))
            .Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionLost", error.ErrorId);
        Assert.True(error.RequestMayHaveBeenProcessed);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task TimeoutIsNotRetried()
    {
        // The answer would come after 30 s: an error well before that shows the 1 s timeout ended the call (with room
        // for a loaded machine), and the single request shows it was not sent again.
        _server.Delay("POST", V1(EnablePath), TimeSpan.FromSeconds(30), 204)
            .Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress, timeoutSec: 1));
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        Assert.Equal("VaultDrTimeout", error.ErrorId);
        Assert.True(error.RequestMayHaveBeenProcessed);
        Assert.Contains("no answer within 1 s", error.Message);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task UnavailableAndRateLimitedAreRetried(int status)
    {
        _server.Respond("POST", V1(EnablePath), status, """{"errors":["not now"]}""", times: 1)
            .Respond("POST", V1(EnablePath), 200, """{"warnings":["enabled"]}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Enable(), _log, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("""{"primary_cluster_addr":"https://x:8201"}""", r.Body));
    }

    [Fact]
    public async Task ConnectionRefusedIsRetriedBecauseNothingReachedTheServer()
    {
        using var client = NewClient(Connect(ClosedAddress(), maxRetries: 2));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionRefused", error.ErrorId);
        Assert.False(error.RequestMayHaveBeenProcessed);
        Assert.Equal(3, _log.Attempts);
        Assert.Equal(
            ["ConnectionRefused; retry 1 of 2", "ConnectionRefused; retry 2 of 2"],
            _log.VerboseMessages.Where(m => m.Contains("; retry", StringComparison.Ordinal)).Select(m => m[(m.IndexOf("ConnectionRefused", StringComparison.Ordinal))..m.IndexOf(" in ", StringComparison.Ordinal)]));
    }
}
