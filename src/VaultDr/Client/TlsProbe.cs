using System.Net.Security;
using System.Net.Sockets;

namespace VaultDr.Client;

/// <summary>
/// Tells whether a server answers a TLS handshake: used only after an http:// request failed the way a TLS listener
/// fails a plain HTTP request, to say "this server speaks https" instead of "the connection was lost".
/// </summary>
internal static class TlsProbe
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    internal static async Task<bool> SpeaksTlsAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(url.Host, url.Port, timeout.Token).ConfigureAwait(false);
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = url.Host,
                // Nothing is sent over this handshake and its result is only "TLS or not": the certificate is not
                // trusted for anything, so any certificate will do.
#pragma warning disable CA5359
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
            };
            await tls.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }
}
