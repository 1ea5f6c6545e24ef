using System.Globalization;
using System.Security;
using System.Text.RegularExpressions;
using VaultDr.Client;
using VaultDr.Tokens;

namespace VaultDr.Commands;

/// <summary>Input checks that can be made before any request is sent.</summary>
internal static partial class ArgumentChecks
{
    private const int MaxTextLength = 4096;

    // An encrypted activation token carries the primary's address, credentials and key material: hundreds of characters.
    private const int MinEncryptedTokenLength = 64;

    /// <summary>Non-blank text without control characters, trimmed.</summary>
    internal static string Text(string? value, string parameter)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new VaultDrArgumentException($"VaultDrInvalid{parameter}", $"-{parameter} must not be empty or blank.");
        }

        if (trimmed.Length > MaxTextLength)
        {
            throw new VaultDrArgumentException($"VaultDrInvalid{parameter}", $"-{parameter} is {trimmed.Length} characters long; at most {MaxTextLength} are accepted.");
        }

        if (trimmed.Any(char.IsControl))
        {
            throw new VaultDrArgumentException($"VaultDrInvalid{parameter}", $"-{parameter} must not contain control characters.");
        }

        return trimmed;
    }

    /// <summary>An absolute http(s) URL, returned as the user wrote it (trimmed).</summary>
    internal static string? Url(string? value, string parameter)
    {
        if (value is null)
        {
            return null;
        }

        var text = Text(value, parameter);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw new VaultDrArgumentException(
                $"VaultDrInvalid{parameter}",
                $"-{parameter} must be an absolute https:// (or http://) URL such as https://vault-a.example.com:8201.");
        }

        return text;
    }

    /// <summary>
    /// A primary cluster address as Vault's update_primary_addrs takes it: host:port (10.0.0.2:8201) or an https:// URL
    /// (https://vault-a.example.com:8201), returned as written (trimmed).
    /// </summary>
    internal static string ClusterAddress(string? value, string parameter)
    {
        var text = Text(value, parameter);
        var valid = text.Contains("://", StringComparison.Ordinal)
            ? Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) &&
              !string.IsNullOrEmpty(uri.Host) && uri.AbsolutePath == "/" && uri.Query.Length == 0 && !text.Any(char.IsWhiteSpace)
            : HostAndPort().Match(text) is { Success: true } match && int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;
        if (!valid)
        {
            throw new VaultDrArgumentException(
                $"VaultDrInvalid{parameter}",
                $"-{parameter} '{text}' is not a cluster address: give host:port (such as 10.0.0.2:8201) or a URL such as https://vault-a.example.com:8201.");
        }

        return text;
    }

    internal static SecureString Secret(SecureString? value, string parameter)
    {
        if (SecretText.IsEmpty(value))
        {
            throw new VaultDrArgumentException($"VaultDrInvalid{parameter}", $"-{parameter} must not be empty.");
        }

        return value!;
    }

    /// <summary>
    /// A response-wrapped activation token is a JWT: refuse one that is malformed or already expired
    /// (Vault would refuse it too, after the cluster had been asked to change). An encrypted token
    /// (made for a secondary public key) is not a JWT and is passed through.
    /// </summary>
    internal static void ActivationToken(SecureString token, DateTimeOffset now)
    {
        var plain = SecretText.Reveal(Secret(token, "ActivationToken")).Trim();
        if (!plain.StartsWith("eyJ", StringComparison.Ordinal))
        {
            // Not a wrapped token: then it must look like one encrypted for a secondary public key (long base64).
            if (plain.Length < MinEncryptedTokenLength || !(Base64Text.TryDecodeStandard(plain, out _) || Base64Text.TryDecodeUrl(plain, out _)))
            {
                throw new VaultDrArgumentException(
                    "VaultDrInvalidActivationToken",
                    "-ActivationToken is not an activation token: expected the wrapped token New-VaultDrSecondaryToken returns (it starts with eyJ), " +
                    "or one encrypted for this cluster's public key. Pipe New-VaultDrSecondaryToken into this cmdlet, or ask the primary for a new token.");
            }

            return;
        }

        ActivationTokenClaims claims;
        try
        {
            claims = ActivationTokenReader.Read(plain);
        }
        catch (TokenFormatException e)
        {
            throw new VaultDrArgumentException("VaultDrInvalidActivationToken", $"-ActivationToken looks like a wrapped activation token but cannot be read: {e.Message}");
        }

        if (claims.ExpiresAt is { } expires && expires <= now)
        {
            throw new VaultDrArgumentException(
                "VaultDrActivationTokenExpired",
                $"-ActivationToken expired at {expires:u}. Ask the primary for a new one with New-VaultDrSecondaryToken.");
        }
    }

    /// <summary>A key share must be hex or base64, as Vault requires.</summary>
    internal static void KeyShare(SecureString share)
    {
        var plain = SecretText.Reveal(Secret(share, "Key"));
        if (!KeyShareFormat.IsValid(plain))
        {
            throw new VaultDrArgumentException("VaultDrInvalidKeyShare", "A key share is not valid hex or base64. Check that it was copied whole.");
        }
    }

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]@]+):(?<port>\d{1,5})$")]
    private static partial Regex HostAndPort();
}
