using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Lab;

/// <summary>The lab's in-memory CA ("VaultDr Lab CA", ECDSA P-256) and the server certificates it signs.</summary>
public sealed class LabCertificates : IDisposable
{
    /// <summary>The most days a lab certificate may be valid for, or have expired since (Start-VaultDrLab -CertificateValidDays).</summary>
    public const int MaxValidDays = 3650;

    /// <summary>How long a cluster listener's certificate lasts: Vault makes its own for the cluster port, apart from the API's.</summary>
    private const int ClusterCertificateDays = 5 * 365;

    private readonly ECDsa _caKey;

    private LabCertificates(X509Certificate2 ca, ECDsa caKey)
    {
        Ca = ca;
        _caKey = caKey;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Ca { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static LabCertificates CreateAuthority()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=VaultDr Lab CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // The CA outlives every certificate it may sign (MaxValidDays either way), so a leaf never outlasts its issuer.
        var now = DateTimeOffset.UtcNow;
        using var selfSigned = request.CreateSelfSigned(now.AddDays(-MaxValidDays - 2), now.AddDays(MaxValidDays + 2));
        var publicOnly = X509CertificateLoader.LoadCertificate(selfSigned.RawData);
        return new LabCertificates(publicOnly, key);
    }

    /// <summary>
    /// A server certificate for one cluster's API listener: SAN DNS localhost + IP 127.0.0.1, EKU serverAuth, signed by
    /// the CA, with NotAfter = now + <paramref name="validDays"/> (zero or less: already expired). NotBefore stays before
    /// NotAfter: the earlier of a day ago and a day before NotAfter. Exported as PKCS#12 and re-imported so SslStream
    /// gets a key it can use on every platform.
    /// </summary>
    public X509Certificate2 CreateServerCertificate(string commonName, int validDays = 365)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(validDays), MaxValidDays, nameof(validDays));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.AddDays(validDays);
        var notBefore = notAfter.AddDays(-1) < now.AddDays(-1) ? notAfter.AddDays(-1) : now.AddDays(-1);
        return Issue(commonName, notBefore, notAfter);
    }

    /// <summary>The cluster (replication) listener's certificate: long-lived, whatever the API listener's dates.</summary>
    public X509Certificate2 CreateClusterCertificate(string commonName)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(commonName, now.AddDays(-1), now.AddDays(ClusterCertificateDays));
    }

    private X509Certificate2 Issue(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), notBefore, notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to <paramref name="ca"/> (and only to it) and names the host. With
    /// <paramref name="ignoreDates"/> a certificate outside its validity period passes (and nothing else does): the
    /// peer transport's choice, so a lapsed API certificate never stops the lab's replication.
    /// </summary>
    public static bool Validate(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors, bool ignoreDates = false)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (ignoreDates)
        {
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Ca.Dispose();
    }
}
