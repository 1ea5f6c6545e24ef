using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>Errors that say what to do next: where a refused token came from, a default address, http against https.</summary>
public sealed class ErrorAdviceTests : IClassFixture<StubCertificateFixture>, IDisposable
{
    private const string Denied = """{"errors":["permission denied"]}""";
    private readonly StubCertificateFixture _certificates;
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"vaultdr-home-{Guid.NewGuid():N}");

    public ErrorAdviceTests(StubCertificateFixture certificates) => _certificates = certificates;

    public void Dispose()
    {
        _server.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task ForbiddenWithoutAnyTokenSaysNoneWasSentAndWhereOneComesFrom()
    {
        var message = await ForbiddenMessage(Create(address: _server.BaseAddress, environment: _ => null, home: null));

        Assert.StartsWith("Vault answered 403 to GET /v1/sys/replication/dr/status: permission denied. No Vault token was sent:", message);
        Assert.Contains("VAULT_TOKEN is not set, and there is no ~/.vault-token", message);
        Assert.Contains("Read-Host -AsSecureString", message);
        Assert.Null(Assert.Single(_server.Requests).Header("X-Vault-Token"));
    }

    [Fact]
    public async Task ForbiddenNamesVaultTokenWhenTheTokenCameFromTheEnvironment()
    {
        var message = await ForbiddenMessage(Create(_server.BaseAddress, name => name == "VAULT_TOKEN" ? "hvs.FromTheEnvironment000000" : null, null));

        Assert.Contains("The token sent came from VAULT_TOKEN:", message);
        Assert.DoesNotContain("hvs.FromTheEnvironment", message);
    }

    [Fact]
    public async Task ForbiddenNamesTheTokenFileWhenTheTokenCameFromIt()
    {
        Directory.CreateDirectory(_home);
        await File.WriteAllTextAsync(Path.Combine(_home, ".vault-token"), "hvs.FromTheTokenFile00000000\n");

        var message = await ForbiddenMessage(Create(_server.BaseAddress, _ => null, _home));

        Assert.Contains($"The token sent came from {Path.Combine(_home, ".vault-token")}:", message);
        Assert.Equal("hvs.FromTheTokenFile00000000", Assert.Single(_server.Requests).Header("X-Vault-Token"));
    }

    [Fact]
    public async Task ForbiddenNamesTheParameterAndTheDrSecondaryCase()
    {
        var message = await ForbiddenMessage(Connect(_server.BaseAddress, maxRetries: 0));

        Assert.Contains("The token sent came from -Token:", message);
        Assert.Contains("A DR secondary takes its primary's tokens: there, use a token made on the primary.", message);
    }

    [Fact]
    public async Task ARefusedDefaultAddressSaysItWasADefaultAndHowToSetOne()
    {
        var connection = Create(address: null, environment: name => name == "VAULT_TOKEN" ? Token : null, home: null);
        Assert.Equal(new Uri("https://127.0.0.1:8200/"), connection.Address);
        using var client = NewClient(connection);

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Contains("No address was given (no -Address, -Connection or VAULT_ADDR), so VaultDr tried Vault's default, https://127.0.0.1:8200.", error.Message);
        Assert.Contains("Set VAULT_ADDR, or pass -Address or -Connection", error.Message);
    }

    [Fact]
    public async Task AGivenAddressIsNotCalledADefault()
    {
        using var client = NewClient(Connect(ClosedAddress(), maxRetries: 0));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionRefused", error.ErrorId);
        Assert.DoesNotContain("default", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task PlainHttpAgainstATlsListenerSaysTheServerSpeaksHttpsAndNothingWasProcessed(string method)
    {
        using var tls = StubVaultServer.Start(_certificates.Certificates.ServerCertificate);
        var http = new UriBuilder(tls.BaseAddress) { Scheme = "http" }.Uri;
        using var client = NewClient(Connect(http, maxRetries: 2));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(method == "GET" ? Status() : Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrHttpsRequired", error.ErrorId);
        Assert.StartsWith($"{method} {http.GetLeftPart(UriPartial.Authority)}/v1/", error.Message);
        Assert.Contains("this server speaks https, not http. Use https://", error.Message);
        Assert.DoesNotContain("may have acted", error.Message);
        Assert.False(error.RequestMayHaveBeenProcessed);
        Assert.Empty(tls.Requests);
    }

    [Fact]
    public async Task GosPlainTextAnswerToHttpOnATlsPortIsRecognised()
    {
        _server.Respond("GET", V1(StatusPath), 400, "Client sent an HTTP request to an HTTPS server.\n");
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 0));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrHttpsRequired", error.ErrorId);
        Assert.Contains($"Use https://{_server.BaseAddress.Authority}", error.Message);
    }

    [Fact]
    public async Task ALostReadSaysReadingAgainIsSafeNeverThatTheServerMayHaveActed()
    {
        _server.Drop("GET", V1(StatusPath), times: 5);
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 0));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionLost", error.ErrorId);
        Assert.EndsWith("Reading it again is safe.", error.Message);
        Assert.DoesNotContain("may have acted", error.Message);
    }

    [Fact]
    public async Task ALostChangeSaysTheServerMayHaveActed()
    {
        _server.Drop("POST", V1(EnablePath), times: 5);
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 0));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrConnectionLost", error.ErrorId);
        Assert.Contains("The server may have acted on the request; check its status before trying again.", error.Message);
        Assert.True(error.RequestMayHaveBeenProcessed);
    }

    private static VaultDrConnection Create(Uri? address, Func<string, string?> environment, string? home) =>
        ConnectionFactory.Create(new ConnectionRequest { Address = address?.ToString(), MaxRetries = 0, TimeoutSec = 3 }, environment, home);

    private async Task<string> ForbiddenMessage(VaultDrConnection connection)
    {
        _server.Respond("GET", V1(StatusPath), 403, Denied);
        using var client = NewClient(connection);
        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Status(), _log, CancellationToken.None));
        Assert.Equal("VaultDrPermissionDenied", error.ErrorId);
        return error.Message;
    }
}
