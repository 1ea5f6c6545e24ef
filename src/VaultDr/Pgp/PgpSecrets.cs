using System.Security;
using VaultDr.Client;
using VaultDr.OpenPgp;
using VaultDr.Tokens;

namespace VaultDr.Pgp;

/// <summary>
/// Decrypts a PGP-encrypted DR operation token or key share into a SecureString. The passphrase and the plaintext live
/// in arrays that are cleared at once; neither becomes a string.
/// </summary>
internal static class PgpSecrets
{
    private const int MaxTokenLength = 4096;

    /// <summary>encoded_token of a PGP ceremony: standard base64 of a binary OpenPGP message of the token's bytes.</summary>
    /// <exception cref="VaultDrArgumentException">The message, a key or the passphrase is wrong (ids from <see cref="PgpKeyFiles.ToVaultDrError"/>).</exception>
    internal static SecureString DecryptOperationToken(SecureString encodedToken, IReadOnlyList<PgpPrivateKeyFile> keys, SecureString? passphrase)
    {
        var message = MessageBytes(SecretText.Reveal(encodedToken).Trim())
            ?? throw new VaultDrArgumentException("VaultDrInvalidEncodedToken", "-EncodedToken is not base64 of an OpenPGP message: give the EncodedToken that New-VaultDrOperationToken -PgpKeyPath (or the final Submit-VaultDrKeyShare) returned.");
        var plain = Decrypt(message, keys, passphrase, "-EncodedToken", "VaultDrInvalidEncodedToken");
        try
        {
            if (plain.Length == 0 || plain.Length > MaxTokenLength || plain.AsSpan().ContainsAnyExceptInRange((byte)' ', (byte)'~'))
            {
                throw new VaultDrArgumentException("VaultDrInvalidEncodedToken", "-EncodedToken decrypted, but what it holds is not a DR operation token (printable text). Was it an encrypted key share? Use Unprotect-VaultDrKeyShare for those.");
            }

            return SecretText.Protect(plain);
        }
        finally
        {
            Array.Clear(plain);
        }
    }

    /// <summary>
    /// A key share from operator init with pgp_keys: hex (keys) or base64 (keys_base64) of a binary OpenPGP message, or
    /// an armored one. Vault encrypts the share's hex text; that text is the share.
    /// </summary>
    /// <exception cref="VaultDrArgumentException">As for <see cref="DecryptOperationToken"/>, or the plaintext is not a key share.</exception>
    internal static SecureString DecryptKeyShare(string encryptedShare, IReadOnlyList<PgpPrivateKeyFile> keys, SecureString? passphrase)
    {
        var message = MessageBytes(encryptedShare.Trim())
            ?? throw new VaultDrArgumentException("VaultDrInvalidEncryptedKeyShare", "The encrypted key share is neither hex nor base64 of an OpenPGP message (nor an armored one): give a value of keys or keys_base64 from vault operator init -pgp-keys, or of a lab cluster's EncryptedUnsealKeys.");
        var plain = Decrypt(message, keys, passphrase, "The encrypted key share", "VaultDrInvalidEncryptedKeyShare");
        try
        {
            var text = plain.AsSpan().Trim("\r\n "u8);
            if (text.IsEmpty || text.Length > MaxTokenLength || text.ContainsAnyExceptInRange((byte)' ', (byte)'~') || !IsKeyShare(text))
            {
                throw new VaultDrArgumentException("VaultDrInvalidEncryptedKeyShare", "The encrypted key share decrypted, but what it holds is not a key share (hex or base64). Was it an encrypted DR operation token? Use Unprotect-VaultDrOperationToken for those.");
            }

            return SecretText.Protect(text);
        }
        finally
        {
            Array.Clear(plain);
        }
    }

    /// <summary>Hex first (Vault's keys, and base64 of an OpenPGP packet never starts with a hex digit), then base64, then armor.</summary>
    private static byte[]? MessageBytes(string text)
    {
        if (text.Length > 0 && text.Length % 2 == 0 && text.All(Uri.IsHexDigit))
        {
            var bytes = Convert.FromHexString(text);
            if ((bytes[0] & 0x80) != 0)
            {
                return bytes;
            }
        }

        if (Base64Text.TryDecodeStandard(text, out var decoded))
        {
            return decoded;
        }

        return text.StartsWith("-----BEGIN PGP MESSAGE-----", StringComparison.Ordinal) ? System.Text.Encoding.ASCII.GetBytes(text) : null;
    }

    private static byte[] Decrypt(byte[] message, IReadOnlyList<PgpPrivateKeyFile> keys, SecureString? passphrase, string subject, string messageErrorId)
    {
        var chars = passphrase is null ? null : SecretText.RevealChars(passphrase);
        try
        {
            return PgpDecryption.Decrypt(message, keys, chars);
        }
        catch (OpenPgpException e)
        {
            throw PgpKeyFiles.ToVaultDrError(e, subject, messageErrorId);
        }
        finally
        {
            if (chars is not null)
            {
                Array.Clear(chars);
            }
        }
    }

    private static bool IsKeyShare(ReadOnlySpan<byte> text)
    {
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        var valid = KeyShareFormat.IsValid(chars);
        chars.Clear();
        return valid;
    }
}
