using System.Net;
using System.Net.Sockets;
using System.Text;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.TestServer.StubVaultServerTestKit;

namespace VaultDr.Tests.TestServer;

/// <summary>Recording requests, matching rules, and the answers written on the wire.</summary>
public sealed class StubVaultServerTests : IDisposable
{
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly HttpClient _client;

    public StubVaultServerTests()
    {
        _client = NewClient(_server);
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task RecordsMethodPathQueryHeadersAndBody()
    {
        _server.Respond("POST", "/v1/sys/replication/dr/primary/enable", 200, """{"ok":true}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sys/replication/dr/primary/enable?wait=true&x=1")
        {
            Content = new StringContent("""{"primary_cluster_addr":"https://vault-a:8201","ttl":30}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Vault-Token", "s.secret");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/sys/replication/dr/primary/enable", recorded.Path);
        Assert.Equal("wait=true&x=1", recorded.Query);
        Assert.Equal("s.secret", recorded.Header("x-vault-token"));
        Assert.Equal("s.secret", recorded.Headers["X-VAULT-TOKEN"]);
        Assert.Null(recorded.Header("X-Not-Sent"));
        Assert.Equal("""{"primary_cluster_addr":"https://vault-a:8201","ttl":30}""", recorded.Body);
        Assert.Equal("https://vault-a:8201", recorded.JsonString("primary_cluster_addr"));
        Assert.Equal("30", recorded.JsonString("ttl"));
        Assert.Null(recorded.JsonString("missing"));
        Assert.Equal("https://vault-a:8201", recorded.Json?.GetProperty("primary_cluster_addr").GetString());
    }

    [Fact]
    public async Task RequestWithoutBodyHasEmptyQueryBodyAndNoJson()
    {
        _server.Respond("GET", StatusPath, 200, "{}");

        using var response = await _client.GetAsync(StatusPath);

        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("", recorded.Query);
        Assert.Equal("", recorded.Body);
        Assert.Null(recorded.Json);
        Assert.Null(recorded.JsonString("anything"));
    }

    [Fact]
    public async Task RulesForTheSamePathAreConsumedInOrderThenFallBackTo404()
    {
        _server
            .Respond("GET", StatusPath, 500, """{"errors":["sealed"]}""", times: 2)
            .Respond("GET", StatusPath, 200, """{"mode":"primary"}""", times: 1);

        var answers = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await _client.GetAsync(StatusPath);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal(
            [
                (HttpStatusCode.InternalServerError, """{"errors":["sealed"]}"""),
                (HttpStatusCode.InternalServerError, """{"errors":["sealed"]}"""),
                (HttpStatusCode.OK, """{"mode":"primary"}"""),
                (HttpStatusCode.NotFound, """{"errors":["no stub rule for GET /v1/sys/replication/dr/status"]}"""),
            ],
            answers);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task RulesMatchOnMethodAndExactPath()
    {
        _server.Respond("GET", StatusPath, 200, "{}");

        using var wrongMethod = await _client.PostAsync(StatusPath, new StringContent("{}"));
        using var longerPath = await _client.GetAsync(StatusPath + "/extra");
        using var withQuery = await _client.GetAsync(StatusPath + "?format=json");

        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Equal("""{"errors":["no stub rule for POST /v1/sys/replication/dr/status"]}""", await wrongMethod.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, longerPath.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withQuery.StatusCode);
    }

    [Fact]
    public async Task RespondSendsScriptedHeadersAndOmitsContentTypeWithoutBody()
    {
        _server
            .Respond("GET", "/v1/sys/health", 429, null, 1, new Dictionary<string, string> { ["Retry-After"] = "3" })
            .Respond("GET", "/v1/sys/health", 200, "{}", 1, new System.Collections.Hashtable { ["X-Vault-Index"] = 7 });

        using var throttled = await _client.GetAsync("/v1/sys/health");
        using var healthy = await _client.GetAsync("/v1/sys/health");

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), throttled.Headers.RetryAfter?.Delta);
        Assert.Null(throttled.Content.Headers.ContentType);
        Assert.Equal(0, throttled.Content.Headers.ContentLength);
        Assert.Equal(["7"], healthy.Headers.GetValues("X-Vault-Index"));
        Assert.Equal(2, healthy.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task ChunkedRequestBodyIsReassembled()
    {
        _server.Respond("PUT", "/v1/sys/replication/dr/secondary/enable", 204);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/sys/replication/dr/secondary/enable")
        {
            Content = new StringContent("""{"token":"eyJhbGciOi"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("chunked", recorded.Header("Transfer-Encoding"));
        Assert.Equal("eyJhbGciOi", recorded.JsonString("token"));
    }

    [Fact]
    public async Task RespondChunkedSendsTheBodyWithoutAContentLength()
    {
        var body = "{\"data\":{\"padding\":\"" + new string('x', 200_000) + "\"}}";
        _server.RespondChunked("GET", StatusPath, 200, body);

        // Headers only: a buffered answer would report the length it counted.
        using var response = await _client.GetAsync(StatusPath, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task KeepAliveServesSequentialRequestsOnOneConnection()
    {
        _server.Respond("GET", StatusPath, 200, "{}");

        using var first = await _client.GetAsync(StatusPath);
        using var second = await _client.GetAsync(StatusPath);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].ConnectionId, requests[1].ConnectionId);
    }

    [Fact]
    public async Task ConnectionCloseEndsTheConnectionAfterTheAnswer()
    {
        _server.Respond("GET", StatusPath, 200, "{}");
        using var request = new HttpRequestMessage(HttpMethod.Get, StatusPath);
        request.Headers.ConnectionClose = true;

        using var first = await _client.SendAsync(request);
        using var second = await _client.GetAsync(StatusPath);

        Assert.True(first.Headers.ConnectionClose);
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.NotEqual(requests[0].ConnectionId, requests[1].ConnectionId);
    }

    [Fact]
    public async Task PipelinedRequestsOnOneSocketGetByteExactAnswers()
    {
        _server.Respond("GET", "/a", 200, """{"n":1}""").Respond("POST", "/b", 201, """{"n":2}""");
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var stream = socket.GetStream();

        var wire = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(wire));
        var answer = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();

        Assert.Equal(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"n\":1}"
            + "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{\"n\":2}",
            answer);
        Assert.Equal(["GET /a", "POST /b"], _server.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task RedirectAnswers307WithLocation()
    {
        _server.Redirect("POST", "/v1/sys/replication/dr/primary/demote", "https://vault-b:8200/v1/sys/replication/dr/primary/demote");
        using var client = NewClient(_server, new SocketsHttpHandler { AllowAutoRedirect = false });

        using var response = await client.PostAsync("/v1/sys/replication/dr/primary/demote", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri("https://vault-b:8200/v1/sys/replication/dr/primary/demote"), response.Headers.Location);
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task FollowedRedirectIsRecordedOnTheTarget()
    {
        _server.Redirect("GET", "/v1/old", "/v1/new").Respond("GET", "/v1/new", 200, """{"here":true}""");

        using var response = await _client.GetAsync("/v1/old");

        Assert.Equal("""{"here":true}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(["GET /v1/old", "GET /v1/new"], _server.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task ClearRequestsForgetsWhatWasRecorded()
    {
        using (await _client.GetAsync("/v1/one"))
        {
        }
        _server.ClearRequests();
        using (await _client.GetAsync("/v1/two"))
        {
        }

        Assert.Equal("/v1/two", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public void InvalidRulesAreRejectedWhenAdded()
    {
        Assert.Throws<ArgumentException>(() => _server.Respond("GET", "v1/no-slash", 200));
        Assert.Throws<ArgumentException>(() => _server.Respond("GET", "/v1/x?query=1", 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => _server.Respond("GET", "/v1/x", 200, times: 0));
        Assert.Throws<ArgumentException>(() => _server.Respond("GET", "/v1/x", 204, "{}"));
        Assert.Throws<ArgumentException>(() => _server.Respond("GET", "/v1/x", 200, null, 1, new Dictionary<string, string> { ["X-Bad"] = "a\r\nInjected: 1" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _server.Redirect("GET", "/v1/x", "/y", status: 200));
    }
}
