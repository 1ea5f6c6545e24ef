using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using VaultDr.TestServer;
using Xunit;

namespace VaultDr.Tests.TestServer;

public sealed class StubVaultServerTests : IDisposable
{
    private const string StatusPath = "/v1/sys/replication/dr/status";

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
    public async Task HttpsWorksWhenTheGeneratedCaIsTrusted()
    {
        using var certificates = StubCertificates.CreateCaAndServer();
        var (authority, serverCertificate) = certificates;
        using var server = StubVaultServer.Start(serverCertificate);
        server.Respond("GET", StatusPath, 200, """{"tls":true}""");
        SslPolicyErrors? seenErrors = null;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    seenErrors = errors;
                    return IsIssuedBy(certificate, authority) && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                },
            },
        };
        using var client = NewClient(server, handler);

        using var response = await client.GetAsync(StatusPath);

        Assert.Equal("https", server.BaseAddress.Scheme);
        Assert.Equal("""{"tls":true}""", await response.Content.ReadAsStringAsync());
        // The name (IP 127.0.0.1) matched; only the unknown CA needed the callback.
        Assert.Equal(SslPolicyErrors.RemoteCertificateChainErrors, seenErrors);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task HttpsIsRejectedWithoutTrustingTheCa()
    {
        using var certificates = StubCertificates.CreateCaAndServer();
        using var server = StubVaultServer.Start(certificates.ServerCertificate);
        using var client = NewClient(server);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(StatusPath));

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void GeneratedCertificatesHaveTheExpectedShapeAndThePemRoundTrips()
    {
        using var certificates = StubCertificates.CreateCaAndServer("vault.test");
        var path = Path.Combine(Path.GetTempPath(), $"vaultdr-ca-{Guid.NewGuid():N}.pem");
        try
        {
            certificates.ExportCaPem(path);
            var pem = File.ReadAllText(path);
            using var fromPem = X509Certificate2.CreateFromPem(pem);

            Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem);
            Assert.DoesNotContain("PRIVATE KEY", pem);
            Assert.Equal(certificates.CertificateAuthority.Thumbprint, fromPem.Thumbprint);
        }
        finally
        {
            File.Delete(path);
        }
        var server = certificates.ServerCertificate;
        Assert.True(server.HasPrivateKey);
        Assert.Equal("CN=vault.test", server.Subject);
        Assert.Equal(certificates.CertificateAuthority.Subject, server.Issuer);
        Assert.True(server.MatchesHostname("vault.test"));
        Assert.True(server.MatchesHostname("127.0.0.1"));
        Assert.True(IsIssuedBy(server, certificates.CertificateAuthority));
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

    /// <summary>
    /// A client with its own connection pool: its first request opens a new connection, and .NET only
    /// re-sends a failed request when it went out on a reused one, so a fault test sees exactly one attempt.
    /// </summary>
    private static HttpClient NewClient(StubVaultServer server, SocketsHttpHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler()) { BaseAddress = server.BaseAddress };

    private static bool IsIssuedBy(X509Certificate? certificate, X509Certificate2 authority)
    {
        if (certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
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
