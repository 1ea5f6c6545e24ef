using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Client;

/// <summary>
/// Server certificate checks: on by default; a private CA (VAULT_CACERT / VAULT_CAPATH) replaces the
/// system roots; VAULT_TLS_SERVER_NAME replaces the host name that must match.
/// </summary>
internal static class CertificateTrust
{
    internal static RemoteCertificateValidationCallback For(VaultDrConnection connection)
    {
        if (connection.SkipCertificateCheck)
        {
            // The user asked for it (-SkipCertificateCheck or VAULT_SKIP_VERIFY), and every cmdlet warns once per connection.
#pragma warning disable CA5359
            return static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        var roots = connection.TrustedRoots;
        var serverName = connection.TlsServerName;
        return (_, certificate, _, errors) => IsTrusted(certificate, errors, roots, serverName);
    }

    internal static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots, string? serverName)
    {
        if (certificate is null)
        {
            return false;
        }

        var presented = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        var nameMatches = serverName is not null
            ? presented.MatchesHostname(serverName)
            : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        if (!nameMatches)
        {
            return false;
        }

        if (roots.Count == 0)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }
}
