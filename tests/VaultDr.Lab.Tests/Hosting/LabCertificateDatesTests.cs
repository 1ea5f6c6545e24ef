using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace VaultDr.Lab.Tests.Hosting;

/// <summary>
/// API listener certificates with chosen dates, re-issued at run time, and replication that does not care: real
/// emulated clusters over HTTPS, certificates read from real TLS handshakes.
/// </summary>
public sealed class LabCertificateDatesTests : IDisposable
{
    private readonly string _caFile = Path.Combine(Path.GetTempPath(), $"vaultdr-lab-test-ca-{Guid.NewGuid():N}.pem");

    public void Dispose() => File.Delete(_caFile);

    [Fact]
    public async Task ValidDays_SetsTheApiCertificatesNotAfter_WhileTheClusterPortKeepsItsOwn()
    {
        await using var lab = await StartAsync(validDays: 5);
        var node = lab.GetCluster("vault-1");
        using var api = await HandshakeAsync(node.ApiAddress);
        using var clusterPort = await HandshakeAsync(node.ClusterAddress);

        AssertNear(DateTimeOffset.UtcNow.AddDays(5), api.NotAfter);
        Assert.True(api.NotBefore < DateTime.Now);
        Assert.Equal(new DateTimeOffset(api.NotAfter.ToUniversalTime()), lab.GetCertificateNotAfter("vault-1")!.Value, TimeSpan.FromSeconds(1));
        Assert.True(clusterPort.NotAfter > DateTime.Now.AddYears(4));
        Assert.NotEqual(api.Thumbprint, clusterPort.Thumbprint);

        using var described = await lab.ControlAsync(HttpMethod.Get, "lab");
        var notAfter = (await described.JsonAsync()).GetProperty("clusters")[0].GetProperty("certificateNotAfter").GetDateTimeOffset();
        AssertNear(DateTimeOffset.UtcNow.AddDays(5), notAfter);
    }

    [Fact]
    public async Task AnExpiredApiCertificate_FailsAStrictClient_ButReplicationStillStreams()
    {
        await using var lab = await StartAsync(validDays: -1);
        var (a, b) = (lab.GetCluster("vault-1"), lab.GetCluster("vault-2"));
        using (var expired = await HandshakeAsync(a.ApiAddress))
        {
            AssertNear(DateTimeOffset.UtcNow.AddDays(-1), expired.NotAfter);
            Assert.True(expired.NotBefore < expired.NotAfter);
        }

        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_caFile));
        using (var strict = LabTestSupport.Client((certificate, errors) => LabCertificates.Validate(ca, certificate, errors)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync(a.ApiAddress.With("v1/sys/health")));
        }

        using var lenient = LabTestSupport.Client((certificate, errors) => LabCertificates.Validate(ca, certificate, errors, ignoreDates: true));
        var primaryToken = a.RootToken;
        await VaultAsync(lenient, a.ApiAddress, "v1/sys/replication/dr/primary/enable", primaryToken, "{}");
        var activation = (await VaultAsync(lenient, a.ApiAddress, "v1/sys/replication/dr/primary/secondary-token", primaryToken, """{"id":"dr-b"}"""))
            .GetProperty("wrap_info").GetProperty("token").GetString();
        await VaultAsync(lenient, b.ApiAddress, "v1/sys/replication/dr/secondary/enable", b.RootToken, JsonSerializer.Serialize(new { token = activation }));
        await VaultAsync(lenient, a.ApiAddress, "v1/secret/after-expiry", primaryToken, """{"v":1}""");

        var lastWal = (await VaultAsync(lenient, a.ApiAddress, "v1/sys/replication/dr/status", null)).GetProperty("data").GetProperty("last_wal").GetInt64();
        JsonElement status = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            status = (await VaultAsync(lenient, b.ApiAddress, "v1/sys/replication/dr/status", null)).GetProperty("data");
            if (status.GetProperty("state").GetString() == "stream-wals" && status.GetProperty("last_remote_wal").GetInt64() >= lastWal)
            {
                break;
            }
        }

        Assert.Equal("stream-wals", status.GetProperty("state").GetString());
        Assert.Equal(lastWal, status.GetProperty("last_remote_wal").GetInt64());
        Assert.Equal("connected", status.GetProperty("primaries")[0].GetProperty("connection_status").GetString());
    }

    [Fact]
    public async Task TheControlReissuesACertificate_ForNewConnections_AndRefusesOnALabWithoutTls()
    {
        await using var lab = await StartAsync(validDays: 365);
        var node = lab.GetCluster("vault-2");
        using var before = await HandshakeAsync(node.ApiAddress);

        using (var lapsed = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/certificate", """{"validDays":-3}"""))
        {
            Assert.Equal(HttpStatusCode.OK, lapsed.StatusCode);
            AssertNear(DateTimeOffset.UtcNow.AddDays(-3), (await lapsed.JsonAsync()).GetProperty("certificateNotAfter").GetDateTimeOffset());
        }

        using var after = await HandshakeAsync(node.ApiAddress);
        AssertNear(DateTimeOffset.UtcNow.AddDays(-3), after.NotAfter);
        Assert.NotEqual(before.Thumbprint, after.Thumbprint);
        using (var other = await HandshakeAsync(lab.GetCluster("vault-1").ApiAddress))
        {
            AssertNear(DateTimeOffset.UtcNow.AddDays(365), other.NotAfter); // one cluster's renewal leaves the others alone
        }

        await AssertRefusedAsync(lab, "lab/clusters/vault-2/certificate", """{"validDays":3651}""", "'validDays' must be an integer from -3650 to 3650.");
        await AssertRefusedAsync(lab, "lab/clusters/vault-2/certificate", "{}", "'validDays' is required: an integer from -3650 to 3650.");

        await using var plain = await LabHost.StartAsync(new LabOptions { ClusterCount = 1 }, ClusterFactory.Create, null);
        await AssertRefusedAsync(plain, "lab/clusters/vault-1/certificate", """{"validDays":5}""",
            "vault-1 serves plain HTTP (the lab was started without TLS): it has no certificate to re-issue. Start a lab with TLS to rehearse certificate expiry.");
        using var described = await plain.ControlAsync(HttpMethod.Get, "lab");
        Assert.Equal(JsonValueKind.Null, (await described.JsonAsync()).GetProperty("clusters")[0].GetProperty("certificateNotAfter").ValueKind);
    }

    [Fact]
    public async Task TheControlSetsAClusterClock_AndShowsItsSkew()
    {
        await using var lab = await LabHost.StartAsync(new LabOptions { ClusterCount = 1 }, ClusterFactory.Create, null);
        using (var skewed = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-1/clock-skew", """{"ms":-90000}"""))
        {
            Assert.Equal(-90000, (await skewed.JsonAsync()).GetProperty("clockSkewMs").GetInt64());
        }

        using var client = LabTestSupport.Client();
        using (var health = await client.GetAsync(lab.GetCluster("vault-1").ApiAddress.With("v1/sys/health")))
        {
            var serverTime = (await health.JsonAsync()).GetProperty("server_time_utc").GetInt64();
            Assert.InRange(serverTime, DateTimeOffset.UtcNow.AddSeconds(-95).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddSeconds(-85).ToUnixTimeSeconds());
        }

        await AssertRefusedAsync(lab, "lab/clusters/vault-1/clock-skew", """{"ms":"soon"}""", "'ms' must be an integer from -31536000000 to 31536000000.");
        await AssertRefusedAsync(lab, "lab/clusters/vault-1/clock-skew", "{}", "'ms' is required: how far the cluster's clock runs ahead of the machine's (negative: behind; 0 resets).");
    }

    private Task<LabHost> StartAsync(int validDays) => LabHost.StartAsync(
        new LabOptions { ClusterCount = 2, Tls = true, CertificateValidDays = validDays, StateStepDelay = TimeSpan.Zero, CatchUpDelay = TimeSpan.Zero, HeartbeatInterval = TimeSpan.FromMilliseconds(20) },
        ClusterFactory.Create,
        _caFile);

    /// <summary>The certificate a TLS handshake with <paramref name="address"/> presents, whatever its dates or issuer.</summary>
    private static async Task<X509Certificate2> HandshakeAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate2? seen = null;

        // Only the certificate is read over this connection (nothing is sent), so any certificate is accepted.
#pragma warning disable CA5359
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = address.Host,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return true;
            },
        });
#pragma warning restore CA5359
        return seen ?? throw new InvalidOperationException("No certificate was presented.");
    }

    private static void AssertNear(DateTimeOffset expected, DateTime actual) => AssertNear(expected, new DateTimeOffset(actual.ToUniversalTime()));

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) => Assert.Equal(expected, actual, TimeSpan.FromMinutes(1));

    private static async Task<JsonElement> VaultAsync(HttpClient client, Uri address, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, address.With(path));
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode == HttpStatusCode.NoContent ? default : await response.JsonAsync();
    }

    private static async Task AssertRefusedAsync(LabHost lab, string path, string body, string message)
    {
        using var response = await lab.ControlAsync(HttpMethod.Post, path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([message], (await response.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }
}
