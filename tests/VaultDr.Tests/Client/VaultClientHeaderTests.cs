using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

public sealed class VaultClientHeaderTests : IDisposable
{
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task PostSendsVaultRequestHeaderTokenAndJsonBody()
    {
        _server.Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Enable(), _log, CancellationToken.None);

        Assert.Equal(204, response.StatusCode);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/sys/replication/dr/primary/enable", request.Path);
        Assert.Equal("true", request.Header("X-Vault-Request"));
        Assert.Equal(Token, request.Header("X-Vault-Token"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Equal("""{"primary_cluster_addr":"https://x:8201"}""", request.Body);
    }

    [Fact]
    public async Task NoTokenHeaderWhenTheConnectionHasNoToken()
    {
        _server.Respond("GET", V1(StatusPath), 200, """{"data":{"mode":"disabled"}}""");
        using var client = NewClient(Connect(_server.BaseAddress, noToken: true));

        await client.SendAsync(Status(), _log, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("true", request.Header("X-Vault-Request"));
        Assert.Null(request.Header("X-Vault-Token"));
    }

    [Fact]
    public async Task NamespaceIsNeverSentOnReplicationCalls()
    {
        _server.Respond("GET", V1(StatusPath), 200, """{"data":{"mode":"disabled"}}""");
        _server.Respond("POST", V1(EnablePath), 204);
        var connection = Connect(_server.BaseAddress, configure: r => r.Namespace = "team-a");
        Assert.Equal("team-a", connection.Namespace);
        using var client = NewClient(connection);

        await client.SendAsync(Status(), _log, CancellationToken.None);
        await client.SendAsync(Enable(), _log, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Null(r.Header("X-Vault-Namespace")));
    }

    [Fact]
    public async Task PostWithoutFieldsSendsAnEmptyJsonObject()
    {
        _server.Respond("POST", V1("sys/replication/dr/primary/demote"), 204);
        using var client = NewClient(Connect(_server.BaseAddress));

        await client.SendAsync(new VaultRequest(HttpMethod.Post, "sys/replication/dr/primary/demote"), _log, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("{}", request.Body);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task DeleteAndPutCarryAJsonBodyToo()
    {
        const string attempt = "sys/replication/dr/secondary/generate-operation-token/attempt";
        _server.Respond("DELETE", V1(attempt), 204);
        _server.Respond("PUT", V1(attempt), 200, """{"started":true}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        await client.SendAsync(new VaultRequest(HttpMethod.Delete, attempt), _log, CancellationToken.None);
        await client.SendAsync(new VaultRequest(HttpMethod.Put, attempt), _log, CancellationToken.None);

        Assert.Equal(["DELETE", "PUT"], _server.Requests.Select(r => r.Method));
        Assert.All(_server.Requests, r => Assert.Equal("{}", r.Body));
    }

    [Fact]
    public async Task GetSendsNoBody()
    {
        _server.Respond("GET", V1(StatusPath), 200, """{"data":{"mode":"disabled"}}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        await client.SendAsync(Status().With("ignored", "x"), _log, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("", request.Body);
        Assert.Null(request.Header("Content-Type"));
        Assert.Equal(Token, request.Header("X-Vault-Token"));
    }

    [Fact]
    public async Task SecureStringFieldsArriveAsPlainTextInFieldOrder()
    {
        const string promote = "sys/replication/dr/secondary/promote";
        _server.Respond("POST", V1(promote), 204);
        using var client = NewClient(Connect(_server.BaseAddress));
        var request = new VaultRequest(HttpMethod.Post, promote)
            .With("primary_cluster_addr", PrimaryAddr)
            .With("dr_operation_token", SecretText.Protect("hvb.AAAAAQdrOperationTokenValue"))
            .With("force", true)
            .With("skipped", null)
            .With("ttl", 30)
            .With("addrs", new[] { "a", "b" });

        await client.SendAsync(request, _log, CancellationToken.None);

        var recorded = Assert.Single(_server.Requests);
        Assert.Equal(
            """{"primary_cluster_addr":"https://x:8201","dr_operation_token":"hvb.AAAAAQdrOperationTokenValue","force":true,"ttl":30,"addrs":["a","b"]}""",
            recorded.Body);
        Assert.Equal("hvb.AAAAAQdrOperationTokenValue", recorded.JsonString("dr_operation_token"));
    }
}
