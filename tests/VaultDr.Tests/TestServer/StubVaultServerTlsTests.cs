using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.TestServer.StubVaultServerTestKit;

namespace VaultDr.Tests.TestServer;

/// <summary>HTTPS with the generated CA and server certificate (<see cref="StubCertificates"/>).</summary>
public sealed class StubVaultServerTlsTests
{
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
}
