using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Lab.Tests.Hosting;

public sealed class LabTlsTests : IDisposable
{
    private readonly string _caFile = Path.Combine(Path.GetTempPath(), $"vaultdr-lab-test-ca-{Guid.NewGuid():N}.pem");

    public void Dispose() => File.Delete(_caFile);

    [Fact]
    public async Task Tls_ServesHttpsOnEveryEndpoint_SignedByTheExportedCa()
    {
        await using var lab = await LabTestSupport.StartAsync(2, tls: true, caOut: _caFile);
        Assert.Equal(Path.GetFullPath(_caFile), lab.CaCertificateFile);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_caFile));
        Assert.Equal("CN=VaultDr Lab CA", ca.Subject);

        X509Certificate2? seen = null;
        using var trusting = LabTestSupport.Client((cert, errors) =>
        {
            seen ??= cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
            if (cert is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false; // name must match 127.0.0.1
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(cert);
        });

        var node = lab.Node("vault-1");
        Assert.Equal("https", node.ApiAddress.Scheme);
        Assert.Equal("https", node.ClusterAddress.Scheme);
        using (var api = await trusting.GetAsync(node.ApiAddress.With("v1/sys/health")))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        using (var cluster = await trusting.GetAsync(node.ClusterAddress.With("x")))
        {
            Assert.Equal("cluster", (await cluster.JsonAsync()).GetProperty("endpoint").GetString());
        }

        using (var localhost = await trusting.GetAsync(new UriBuilder(node.ApiAddress) { Host = "localhost" }.Uri))
        {
            Assert.Equal(HttpStatusCode.OK, localhost.StatusCode);
        }

        Assert.NotNull(seen);
        Assert.Equal(ca.Subject, seen!.Issuer);
        var san = seen.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
        seen.Dispose();

        var standby = (await lab.OpenStandbyAsync("vault-1")).Address;
        Assert.Equal("https", standby.Scheme);
        using (var redirect = await trusting.GetAsync(standby.With("v1/sys/health")))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
            Assert.Equal("https", redirect.Headers.Location!.Scheme);
        }

        // Untrusted by default: the system store does not know the lab CA.
        using var plain = LabTestSupport.Client();
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(node.ApiAddress.With("v1/sys/health")));

        // The peer transport trusts the lab CA.
        var answer = await node.Transport.SendAsync("vault-1", lab.Node("vault-2").ClusterAddress, LabRequest.Create("GET", "/wal"), CancellationToken.None);
        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public void ServerCertificate_HasItsPrivateKeyAndChainsToTheCa()
    {
        using var authority = LabCertificates.CreateAuthority();
        using var leaf = authority.CreateServerCertificate("vault-1");
        Assert.True(leaf.HasPrivateKey);
        Assert.False(authority.Ca.HasPrivateKey);
        Assert.True(LabCertificates.Validate(authority.Ca, leaf, SslPolicyErrors.RemoteCertificateChainErrors));
        using var other = LabCertificates.CreateAuthority();
        Assert.False(LabCertificates.Validate(other.Ca, leaf, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(LabCertificates.Validate(authority.Ca, leaf, SslPolicyErrors.RemoteCertificateNameMismatch));
    }
}
