using System.Security.Cryptography.X509Certificates;
using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>
/// The readiness report's own reads against the stub: lookup-self and capabilities-self with the DR operation token as
/// X-Vault-Token (never the connection's), and the listener's certificate from a handshake alone.
/// </summary>
public sealed class ReadinessEndpointsTests : IClassFixture<StubCertificateFixture>, IDisposable
{
    private const string Operation = "hvs.DrOperationTokenForTests1";
    private const string Promote = "sys/replication/dr/secondary/promote";
    private const string UpdatePrimary = "sys/replication/dr/secondary/update-primary";

    private readonly StubCertificateFixture _fixture;
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public ReadinessEndpointsTests(StubCertificateFixture fixture) => _fixture = fixture;

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task LookupSelf_IsAGet_WithTheGivenTokenAsXVaultToken_AndItsIdNeverLogged()
    {
        _server.Respond(
            "GET", V1("auth/token/lookup-self"), 200,
            $$$"""{"data":{"accessor":"","expire_time":"2026-12-06T12:00:00Z","id":"{{{Operation}}}","orphan":true,"policies":["default","dr-secondary-promotion"],"ttl":604800,"type":"batch"}}""");
        var endpoints = new DrEndpoints(Connect(_server.BaseAddress, maxRetries: 0), _log);

        var lookup = await endpoints.LookupTokenAsync(SecretText.Protect(Operation), CancellationToken.None);

        Assert.Equal(("batch", 604800L, new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)), (lookup.Type, lookup.TtlSeconds, lookup.ExpireTime));
        Assert.Equal(["default", "dr-secondary-promotion"], lookup.Policies);
        var sent = Assert.Single(_server.Requests);
        Assert.Equal(("GET", "/v1/auth/token/lookup-self", string.Empty), (sent.Method, sent.Path, sent.Body));
        Assert.Equal(Operation, sent.Header("X-Vault-Token"));
        Assert.DoesNotContain(_log.All, m => m.Contains(Operation, StringComparison.Ordinal) || m.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CapabilitiesSelf_PostsThePaths_WithTheGivenToken_AndReadsAKeyPerPath()
    {
        _server.Respond(
            "POST", V1("sys/capabilities-self"), 200,
            $$$"""{"{{{Promote}}}":["update"],"{{{UpdatePrimary}}}":["deny"],"capabilities":["deny","update"],"data":{"{{{Promote}}}":["update"],"{{{UpdatePrimary}}}":["deny"],"capabilities":["deny","update"]}}""");
        var endpoints = new DrEndpoints(Connect(_server.BaseAddress, maxRetries: 0), _log);

        var capabilities = await endpoints.ReadTokenCapabilitiesAsync(SecretText.Protect(Operation), [Promote, UpdatePrimary], CancellationToken.None);

        Assert.Equal(["update"], capabilities[Promote]);
        Assert.Equal(["deny"], capabilities[UpdatePrimary]);
        var sent = Assert.Single(_server.Requests);
        Assert.Equal(("POST", "/v1/sys/capabilities-self"), (sent.Method, sent.Path));
        Assert.Equal($$"""{"paths":["{{Promote}}","{{UpdatePrimary}}"]}""", sent.Body);
        Assert.Equal(Operation, sent.Header("X-Vault-Token"));
    }

    [Fact]
    public void Capabilities_AnOlderVaultsSingleAnswer_AndAPathLeftOut_AreReadToo()
    {
        var single = ResponseParsers.Capabilities(new VaultResponse(200, System.Text.Json.JsonDocument.Parse("""{"capabilities":["root"]}""").RootElement, new Uri("https://a:8200")), [Promote]);
        var missing = ResponseParsers.Capabilities(new VaultResponse(200, System.Text.Json.JsonDocument.Parse($$$"""{"data":{"{{{Promote}}}":["update"]}}""").RootElement, new Uri("https://a:8200")), [Promote, UpdatePrimary]);

        Assert.Equal(["root"], single[Promote]);
        Assert.Equal(["update"], missing[Promote]);
        Assert.Empty(missing[UpdatePrimary]);
    }

    [Fact]
    public async Task ServerCertificate_IsReadFromTheHandshake_WithoutAnyHttpRequest_AndJudgedByTheConnectionsCa()
    {
        using var tls = StubVaultServer.Start(_fixture.Certificates.ServerCertificate);
        var endpoints = new DrEndpoints(Connect(tls.BaseAddress, configure: r => r.CACertificateFile = _fixture.CaFile), _log);

        var certificate = await endpoints.ReadServerCertificateAsync(CancellationToken.None);

        Assert.Equal(("CN=localhost", "CN=VaultDr Test CA", "127.0.0.1"), (certificate.Subject, certificate.Issuer, certificate.ServerName));
        Assert.Equal(new DateTimeOffset(_fixture.Certificates.ServerCertificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), certificate.NotAfter);
        Assert.True(certificate.NameMatches);
        Assert.Empty(certificate.ChainProblems);
        Assert.Equal($"the CA file {_fixture.CaFile}", certificate.TrustedBy);
        Assert.False(certificate.SkipCertificateCheck);
        Assert.Empty(tls.Requests);
    }

    [Fact]
    public async Task ServerCertificate_AConnectionThatSkipsChecks_IsJudgedByTheSystemStore()
    {
        using var tls = StubVaultServer.Start(_fixture.Certificates.ServerCertificate);
        var endpoints = new DrEndpoints(Connect(tls.BaseAddress, configure: r => r.SkipCertificateCheck = true), _log);

        var certificate = await endpoints.ReadServerCertificateAsync(CancellationToken.None);

        Assert.True(certificate.SkipCertificateCheck);
        Assert.Equal("the system store", certificate.TrustedBy);
        Assert.Contains(certificate.ChainProblems, p => p.StartsWith(nameof(X509ChainStatusFlags.UntrustedRoot), StringComparison.Ordinal) || p.StartsWith(nameof(X509ChainStatusFlags.PartialChain), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerCertificate_AnotherServerName_DoesNotMatch()
    {
        using var tls = StubVaultServer.Start(_fixture.Certificates.ServerCertificate);
        var connection = ConnectionFactory.Create(
            new ConnectionRequest { Address = tls.BaseAddress.ToString(), CACertificateFile = _fixture.CaFile },
            name => name == "VAULT_TLS_SERVER_NAME" ? "vault.example.com" : null,
            null);

        var certificate = await new DrEndpoints(connection, _log).ReadServerCertificateAsync(CancellationToken.None);

        Assert.Equal(("vault.example.com", false), (certificate.ServerName, certificate.NameMatches));
        Assert.Empty(certificate.ChainProblems);
    }

    [Fact]
    public async Task ServerCertificate_NoTlsListener_IsAConnectionError_ThatSaysWhatToCheck()
    {
        var closed = ClosedAddress();
        var endpoints = new DrEndpoints(Connect(new UriBuilder(closed) { Scheme = "https" }.Uri, timeoutSec: 2), _log);
        var plain = new DrEndpoints(Connect(new UriBuilder(_server.BaseAddress) { Scheme = "https" }.Uri, timeoutSec: 2), _log);

        var refused = await Assert.ThrowsAsync<VaultConnectionException>(() => endpoints.ReadServerCertificateAsync(CancellationToken.None));
        var notTls = await Assert.ThrowsAsync<VaultConnectionException>(() => plain.ReadServerCertificateAsync(CancellationToken.None));

        Assert.Equal(("VaultDrTlsHandshakeFailed", System.Management.Automation.ErrorCategory.ConnectionError), (refused.ErrorId, refused.Category));
        Assert.StartsWith($"The TLS handshake with https://{closed.Authority} failed (", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith($"check that the cluster is up and that its listener serves TLS on {closed.Authority}.", refused.Message, StringComparison.Ordinal);
        Assert.Equal("VaultDrTlsHandshakeFailed", notTls.ErrorId);
        Assert.False(notTls.RequestMayHaveBeenProcessed);
    }
}
