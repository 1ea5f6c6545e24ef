using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr.TestServer;

/// <summary>
/// A throwaway CA and a server certificate it signed, for HTTPS tests that trust the CA explicitly
/// (a validation callback, a CA bundle file) rather than the machine's store.
/// </summary>
public sealed class StubCertificates : IDisposable
{
    private StubCertificates(X509Certificate2 certificateAuthority, X509Certificate2 serverCertificate)
    {
        CertificateAuthority = certificateAuthority;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The self-signed CA (it keeps its private key, which the tests never need to share).</summary>
    public X509Certificate2 CertificateAuthority { get; }

    /// <summary>With its private key; valid for the DNS name and for IP 127.0.0.1; pass to <see cref="StubVaultServer.Start"/>.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Creates an RSA 2048 CA and a server certificate for <paramref name="dnsName"/> and 127.0.0.1 signed by it.</summary>
    public static StubCertificates CreateCaAndServer(string dnsName = "localhost")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dnsName);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);

        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=VaultDr Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest($"CN={dnsName}", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddDnsName(dnsName);
        alternativeNames.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(alternativeNames.Build());

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // keep the serial number positive
        using var signed = serverRequest.Create(ca, notBefore, notAfter, serial);
        using var signedWithKey = signed.CopyWithPrivateKey(serverKey);

        // A PFX round trip turns the ephemeral keys into ones SslStream can use on every OS (Windows' SChannel
        // rejects ephemeral keys).
        var server = new X509Certificate2(signedWithKey.Export(X509ContentType.Pfx), (string?)null, X509KeyStorageFlags.Exportable);
        var authority = new X509Certificate2(ca.Export(X509ContentType.Pfx), (string?)null, X509KeyStorageFlags.Exportable);
        return new StubCertificates(authority, server);
    }

    /// <summary>Writes the CA certificate (no key) as PEM, for clients that take a CA bundle file.</summary>
    public void ExportCaPem(string path) => File.WriteAllText(path, CertificateAuthority.ExportCertificatePem() + "\n");

    /// <summary>Lets C# write <c>var (ca, server) = StubCertificates.CreateCaAndServer();</c>.</summary>
    public void Deconstruct(out X509Certificate2 certificateAuthority, out X509Certificate2 serverCertificate)
    {
        certificateAuthority = CertificateAuthority;
        serverCertificate = ServerCertificate;
    }

    public void Dispose()
    {
        CertificateAuthority.Dispose();
        ServerCertificate.Dispose();
    }
}
