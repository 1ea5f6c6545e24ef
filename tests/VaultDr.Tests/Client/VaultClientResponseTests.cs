using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

public sealed class VaultClientResponseTests : IDisposable
{
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task WarningsGoToTheWarningStream()
    {
        _server.Respond("POST", V1(EnablePath), 200, """
            {"data":null,"warnings":["This cluster is being enabled as a primary for replication.","",null,"second"]}
            """);
        var connection = Connect(_server.BaseAddress, configure: r => r.Name = "site-a");
        using var client = NewClient(connection);

        var response = await client.SendAsync(Enable(), _log, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            ["Vault (site-a): This cluster is being enabled as a primary for replication.", "Vault (site-a): second"],
            _log.Warnings);
        Assert.Equal(connection.Address, response.ClusterAddress);
    }

    [Fact]
    public async Task NonJsonSuccessBodyIsAnInvalidResponse()
    {
        _server.Respond("GET", V1(StatusPath), 200, "<html>hello</html>", headers: new Dictionary<string, string> { ["Content-Type"] = "text/html" });
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultResponseException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrInvalidResponse", error.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidResult, error.Category);
        Assert.Contains("not valid JSON", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task JsonThatIsNotAnObjectIsAnInvalidResponse()
    {
        _server.Respond("GET", V1(StatusPath), 200, "[1,2,3]");
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultResponseException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrInvalidResponse", error.ErrorId);
        Assert.Contains("not an object", error.Message);
    }

    [Fact]
    public async Task SuccessStatusWithErrorsIsAnInvalidResponse()
    {
        _server.Respond("POST", V1(EnablePath), 200, """{"errors":["replication is already enabled"]}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultResponseException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrInvalidResponse", error.ErrorId);
        Assert.Contains("replication is already enabled", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SuccessWithAnEmptyErrorsListIsFine()
    {
        _server.Respond("GET", V1(StatusPath), 200, """{"errors":[],"data":{"mode":"primary"}}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.Equal("primary", response.RequireData().GetProperty("mode").GetString());
    }

    [Fact]
    public async Task NoContentHasANullRoot()
    {
        _server.Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_server.BaseAddress));

        var response = await client.SendAsync(Enable(), _log, CancellationToken.None);

        Assert.Equal(204, response.StatusCode);
        Assert.Null(response.Root);
        Assert.Throws<VaultResponseException>(() => response.RequireData());
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public async Task AGetReadOnTheCallingThread_ReturnsTheSameAnswer()
    {
        _server.Respond("GET", V1(StatusPath), 200, """{"data":{"mode":"secondary"}}""");
        using var client = NewClient(Connect(_server.BaseAddress));

        var sent = client.SendAsync(Status(), _log, CancellationToken.None, ReadMode.OnCallingThread);

        Assert.True(sent.IsCompleted, "a GET read on the calling thread comes back finished");
        var response = await sent;

        Assert.Equal("secondary", response.RequireData().GetProperty("mode").GetString());
    }

    [Fact]
    public async Task CancelledTokenStopsBeforeAnyRequest()
    {
        using var client = NewClient(Connect(_server.BaseAddress));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(Enable(), _log, cancelled.Token));

        Assert.Empty(_server.Requests);
    }
}
