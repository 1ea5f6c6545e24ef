using System.Security.Cryptography.X509Certificates;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>Tls: each API listener's certificate, from the handshake, against the connection's trust and the clock.</summary>
internal static partial class ReadinessChecks
{
    /// <summary>The certificate of one cluster's API listener; <paramref name="certificate"/> is null for an http:// address (not read).</summary>
    internal static ReadinessCheck Tls(VaultDrConnection connection, Reading<ServerCertificate>? certificate, DateTimeOffset now, int warnDays)
    {
        var name = connection.Name;
        var threshold = Days(warnDays);
        if (certificate is null)
        {
            return Check(name, "Tls", ReadinessResult.Skipped, $"{name} is reached over plain HTTP: no certificate to check.", threshold: threshold);
        }

        if (certificate.Value is not { } read)
        {
            return Check(name, "Tls", ReadinessResult.Fail, $"{Reason(certificate.Error)}.", threshold: threshold);
        }

        var value = $"{read.Subject}, issued by {read.Issuer}, until {When(read.NotAfter)}";
        var skipped = read.SkipCertificateCheck ? " (the connection skips certificate checks, so it was checked against the system store)" : string.Empty;
        var left = read.NotAfter - now;
        if (left <= TimeSpan.Zero)
        {
            return Check(
                name,
                "Tls",
                ReadinessResult.Fail,
                $"The certificate of {name} expired on {When(read.NotAfter)} ({Span(left)} ago): renew it, and reload Vault (SIGHUP) so the listener serves the new one.",
                value,
                threshold);
        }

        // Expiry is judged by the clock above; the chain's own time check would say the same thing again.
        var problems = read.ChainProblems.Where(p => !p.StartsWith(nameof(X509ChainStatusFlags.NotTimeValid), StringComparison.Ordinal) || read.NotBefore > now).ToArray();
        if (problems.Length > 0)
        {
            return Check(
                name,
                "Tls",
                ReadinessResult.Fail,
                $"The certificate of {name} does not validate against {read.TrustedBy}{skipped}: {string.Join("; ", problems)}; {ChainAdvice(problems)}.",
                value,
                threshold);
        }

        if (!read.NameMatches)
        {
            return Check(
                name,
                "Tls",
                ReadinessResult.Fail,
                $"The certificate of {name} is not valid for {read.ServerName}: reissue it with {read.ServerName} among its subject alternative names, or set the name it has with VAULT_TLS_SERVER_NAME.",
                value,
                threshold);
        }

        return left <= TimeSpan.FromDays(warnDays)
            ? Check(
                name,
                "Tls",
                ReadinessResult.Warn,
                $"The certificate of {name} expires in {Span(left)}, on {When(read.NotAfter)}{skipped}: renew it before then, and reload Vault (SIGHUP) so the listener serves the new one.",
                value,
                threshold)
            : Check(
                name,
                "Tls",
                ReadinessResult.Pass,
                $"The certificate of {name} is valid for {read.ServerName} for {Span(left)} more and validates against {read.TrustedBy}{skipped}.",
                value,
                threshold);
    }

    private static string ChainAdvice(IEnumerable<string> problems) =>
        problems.Any(p => p.StartsWith(nameof(X509ChainStatusFlags.UntrustedRoot), StringComparison.Ordinal) || p.StartsWith(nameof(X509ChainStatusFlags.PartialChain), StringComparison.Ordinal))
            ? "trust its CA (New-VaultDrConnection -CACertificateFile, or the system store), or have the listener send its whole chain"
            : "reissue the certificate, or fix the chain its listener sends";
}
