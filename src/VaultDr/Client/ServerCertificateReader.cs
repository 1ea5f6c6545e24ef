using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Client;

/// <summary>
/// Reads the certificate a cluster's API listener presents, from a TLS handshake alone (nothing is sent over it, as
/// <see cref="TlsProbe"/>), and checks it with the connection's own trust: its CA file or folder, else the system store.
/// A connection that skips certificate checks is checked against the system store, so the report still says whether
/// the certificate would be trusted. The handshake itself accepts any certificate: the point is to read it, not to
/// trust it, and nothing is sent.
/// </summary>
internal static class ServerCertificateReader
{
    internal static async Task<ServerCertificate> ReadAsync(VaultDrConnection connection, CancellationToken cancellationToken)
    {
        var address = connection.Address;
        var serverName = connection.TlsServerName ?? address.IdnHost;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connection.Timeout);
        X509Certificate2? presented = null;
        X509Certificate2Collection sentChain = [];
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(address.Host, address.Port, timeout.Token).ConfigureAwait(false);
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning disable CA5359 // Only read here; judged below against the connection's trust. Nothing is sent.
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    if (certificate is not null)
                    {
                        presented = new X509Certificate2(certificate);
                        foreach (var element in chain?.ChainElements ?? (IEnumerable<X509ChainElement>)[])
                        {
                            sentChain.Add(new X509Certificate2(element.Certificate));
                        }
                    }

                    return true;
                },
#pragma warning restore CA5359
            };
            if (connection.ClientCertificate is { } clientCertificate)
            {
                options.ClientCertificates = [clientCertificate];
            }

            await tls.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reason = e is OperationCanceledException ? $"no answer within {connection.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s" : e.Message;
            throw new VaultConnectionException(
                "VaultDrTlsHandshakeFailed",
                $"The TLS handshake with {connection} failed ({reason}): check that the cluster is up and that its listener serves TLS on {address.Authority}.",
                requestMayHaveBeenProcessed: false,
                e);
        }

        if (presented is null)
        {
            throw new VaultConnectionException(
                "VaultDrTlsHandshakeFailed",
                $"{connection} completed a TLS handshake without presenting a certificate: check its listener's tls_cert_file.",
                requestMayHaveBeenProcessed: false);
        }

        try
        {
            return Inspect(presented, sentChain, connection, serverName);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new VaultConnectionException(
                "VaultDrTlsCertificateUnreadable",
                $"The certificate {connection} presented could not be checked ({e.Message}): look at it with openssl s_client -connect {address.Authority}.",
                requestMayHaveBeenProcessed: false,
                e);
        }
        finally
        {
            presented.Dispose();
            foreach (var element in sentChain)
            {
                element.Dispose();
            }
        }
    }

    /// <summary>The certificate judged against the connection's trust (its roots, or the system store) and its server name.</summary>
    internal static ServerCertificate Inspect(X509Certificate2 certificate, X509Certificate2Collection sentChain, VaultDrConnection connection, string serverName)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(sentChain);
        var roots = Roots(connection);
        if (roots.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        }

        var problems = chain.Build(certificate)
            ? []
            : chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(Describe).Distinct(StringComparer.Ordinal).ToArray();
        return new ServerCertificate(
            certificate.Subject,
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            serverName,
            certificate.MatchesHostname(serverName),
            problems,
            TrustSource(connection),
            connection.SkipCertificateCheck);
    }

    // A connection that skips certificate checks is judged by the system store, whatever CA it names.
    private static X509Certificate2Collection Roots(VaultDrConnection connection) => connection.SkipCertificateCheck ? [] : connection.TrustedRoots;

    private static string TrustSource(VaultDrConnection connection) =>
        Roots(connection).Count == 0 ? "the system store"
        : connection.CACertificateFile is { } file ? $"the CA file {file}"
        : connection.CACertificatePath is { } folder ? $"the CA folder {folder}"
        : "the connection's CA certificates";

    private static string Describe(X509ChainStatus status)
    {
        var information = status.StatusInformation.Trim().TrimEnd('.');
        return information.Length > 0 ? $"{status.Status} ({information})" : status.Status.ToString();
    }
}

/// <summary>A listener's certificate as read from a handshake, and how it fares with the connection's trust.</summary>
/// <param name="ServerName">The host name it must match (VAULT_TLS_SERVER_NAME, else the address's host).</param>
/// <param name="ChainProblems">Why the chain does not validate (X509ChainStatus: status and text); empty when it does.</param>
/// <param name="TrustedBy">What it was checked against: "the CA file ...", "the system store", ...</param>
/// <param name="SkipCertificateCheck">The connection skips certificate checks (it was checked against the system store all the same).</param>
internal sealed record ServerCertificate(
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string ServerName,
    bool NameMatches,
    IReadOnlyList<string> ChainProblems,
    string TrustedBy,
    bool SkipCertificateCheck);
