using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

public sealed class VaultClientRedirectTests : IDisposable
{
    private readonly StubVaultServer _standby = StubVaultServer.Start();
    private readonly StubVaultServer _active = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public void Dispose()
    {
        _standby.Dispose();
        _active.Dispose();
    }

    [Fact]
    public async Task TemporaryRedirectIsFollowedOnceWithTheSameMethodBodyAndToken()
    {
        _standby.Redirect("POST", V1(EnablePath), new Uri(_active.BaseAddress, V1(EnablePath)).ToString());
        _active.Respond("POST", V1(EnablePath), 200, """{"warnings":["from the active node"]}""");
        using var client = NewClient(Connect(_standby.BaseAddress));

        var response = await client.SendAsync(Enable(), _log, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("from the active node", response.Root!.Value.GetProperty("warnings")[0].GetString());
        Assert.Single(_standby.Requests);
        var followed = Assert.Single(_active.Requests);
        Assert.Equal("POST", followed.Method);
        Assert.Equal("/v1/sys/replication/dr/primary/enable", followed.Path);
        Assert.Equal("""{"primary_cluster_addr":"https://x:8201"}""", followed.Body);
        Assert.StartsWith("application/json", followed.Header("Content-Type"));
        Assert.Equal(Token, followed.Header("X-Vault-Token"));
        Assert.Equal("true", followed.Header("X-Vault-Request"));
        Assert.Contains(_log.VerboseMessages, m => m.Contains($"following redirect to {_active.BaseAddress}v1/{EnablePath}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RelativeLocationIsResolvedAgainstTheRequest()
    {
        _standby.Redirect("GET", V1(StatusPath), "/v1/sys/replication/dr/status-moved", status: 302);
        _standby.Respond("GET", "/v1/sys/replication/dr/status-moved", 200, """{"data":{"mode":"primary"}}""");
        using var client = NewClient(Connect(_standby.BaseAddress));

        var response = await client.SendAsync(Status(), _log, CancellationToken.None);

        Assert.Equal("primary", response.RequireData().GetProperty("mode").GetString());
        Assert.Equal(["/v1/sys/replication/dr/status", "/v1/sys/replication/dr/status-moved"], _standby.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task SecondRedirectIsRefused()
    {
        _standby.Redirect("POST", V1(EnablePath), new Uri(_active.BaseAddress, V1(EnablePath)).ToString());
        _active.Redirect("POST", V1(EnablePath), new Uri(_standby.BaseAddress, V1(EnablePath)).ToString());
        _standby.Respond("POST", V1(EnablePath), 204);
        using var client = NewClient(Connect(_standby.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultRedirectException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrRedirectRefused", error.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, error.Category);
        Assert.Contains("at most one redirect", error.Message);
        Assert.Single(_standby.Requests);
        Assert.Single(_active.Requests);
    }

    [Fact]
    public async Task RedirectWithoutLocationIsAnInvalidResponse()
    {
        _standby.Respond("GET", V1(StatusPath), 307);
        using var client = NewClient(Connect(_standby.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultResponseException>(() => client.SendAsync(Status(), _log, CancellationToken.None));

        Assert.Equal("VaultDrInvalidResponse", error.ErrorId);
        Assert.Contains("Location", error.Message);
        Assert.Single(_standby.Requests);
    }

    [Fact]
    public async Task HttpsToHttpDowngradeIsRefusedAndNothingIsSentToTheHttpTarget()
    {
        using var certificates = StubCertificates.CreateCaAndServer();
        using var secure = StubVaultServer.Start(certificates.ServerCertificate);
        var caFile = Path.Combine(Path.GetTempPath(), $"vaultdr-ca-{Guid.NewGuid():N}.pem");
        certificates.ExportCaPem(caFile);
        try
        {
            secure.Redirect("POST", V1(EnablePath), new Uri(_active.BaseAddress, V1(EnablePath)).ToString());
            _active.Respond("POST", V1(EnablePath), 204);
            using var client = NewClient(Connect(secure.BaseAddress, configure: r => r.CACertificateFile = caFile));

            var error = await Assert.ThrowsAsync<VaultRedirectException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

            Assert.Equal("VaultDrRedirectRefused", error.ErrorId);
            Assert.Contains("without TLS", error.Message);
            Assert.Single(secure.Requests);
            Assert.Empty(_active.Requests);
            Assert.DoesNotContain(Token, error.Message);
        }
        finally
        {
            File.Delete(caFile);
        }
    }
}
