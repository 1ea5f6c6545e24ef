using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>One CA and server certificate for the whole class: RSA key generation is slow.</summary>
public sealed class StubCertificateFixture : IDisposable
{
    public StubCertificateFixture()
    {
        Certificates = StubCertificates.CreateCaAndServer();
        CaFile = Path.Combine(Path.GetTempPath(), $"vaultdr-ca-{Guid.NewGuid():N}.pem");
        Certificates.ExportCaPem(CaFile);
    }

    public StubCertificates Certificates { get; }

    public string CaFile { get; }

    public void Dispose()
    {
        File.Delete(CaFile);
        Certificates.Dispose();
    }
}

public sealed class VaultClientTlsTests : IClassFixture<StubCertificateFixture>, IDisposable
{
    private const string Disabled = """{"data":{"mode":"disabled"}}""";
    private readonly StubCertificateFixture _fixture;
    private readonly StubVaultServer _server;
    private readonly RecordingCallLog _log = new();

    public VaultClientTlsTests(StubCertificateFixture fixture)
    {
        _fixture = fixture;
        _server = StubVaultServer.Start(fixture.Certificates.ServerCertificate);
        _server.Respond("GET", V1(StatusPath), 200, Disabled);
        _server.Respond("POST", V1(EnablePath), 204);
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task TrustedCaFileWorks()
    {
        using var client = NewClient(Connect(_server.BaseAddress, configure: r => r.CACertificateFile = _fixture.CaFile));

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.Equal("disabled", response.RequireData().GetProperty("mode").GetString());
        var request = Assert.Single(_server.Requests);
        Assert.Equal(Token, request.Header("X-Vault-Token"));
    }

    [Fact]
    public async Task TrustedCaFolderWorks()
    {
        var folder = Directory.CreateTempSubdirectory("vaultdr-ca-");
        try
        {
            File.Copy(_fixture.CaFile, Path.Combine(folder.FullName, "ca.pem"));
            using var client = NewClient(Connect(_server.BaseAddress, configure: r => r.CACertificatePath = folder.FullName));

            await client.SendAsync(Enable(), _log, CancellationToken.None);

            Assert.Single(_server.Requests);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task UntrustedCertificateIsRejectedWithoutRetrying(string method)
    {
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 2));
        var request = method == "GET" ? Status() : Enable();

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => client.SendAsync(request, _log, CancellationToken.None));

        Assert.Equal("VaultDrCertificateRejected", error.ErrorId);
        Assert.False(error.RequestMayHaveBeenProcessed);
        Assert.Contains("-CACertificateFile", error.Message);
        Assert.Empty(_server.Requests);
        Assert.Equal(1, _log.Attempts);
        Assert.DoesNotContain(_log.VerboseMessages, m => m.Contains("; retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongServerNameIsRejected()
    {
        using var named = NewClient(WithServerName(_server.BaseAddress, _fixture.CaFile, "vault.example.com"));

        var error = await Assert.ThrowsAsync<VaultConnectionException>(() => named.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrCertificateRejected", error.ErrorId);
        Assert.Empty(_server.Requests);
        // The same CA with the right name (the certificate's localhost SAN) is accepted.
        using var localhost = NewClient(WithServerName(_server.BaseAddress, _fixture.CaFile, "localhost"));
        await localhost.SendAsync(Status(), _log, CancellationToken.None);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SkipCertificateCheckWorks()
    {
        using var client = NewClient(Connect(_server.BaseAddress, configure: r => r.SkipCertificateCheck = true));

        await client.SendAsync(Enable(), _log, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("""{"primary_cluster_addr":"https://x:8201"}""", request.Body);
    }

    private static VaultDrConnection WithServerName(Uri address, string caFile, string serverName) =>
        ConnectionFactory.Create(
            new ConnectionRequest
            {
                Address = address.ToString(),
                Token = SecretText.Protect(Token),
                CACertificateFile = caFile,
                TimeoutSec = 5,
                MaxRetries = 2,
            },
            name => name == "VAULT_TLS_SERVER_NAME" ? serverName : null,
            null);
}
