using System.Management.Automation;
using System.Text;
using VaultDr.OpenPgp;

namespace VaultDr.Pgp;

/// <summary>
/// A public key a token or key share is to be encrypted for, as Vault takes it: <paramref name="KeyBase64"/> is the
/// pgp_key (standard base64 of the binary key), <paramref name="Fingerprint"/> what Vault will report as pgp_fingerprint.
/// </summary>
internal sealed record PgpRecipient(string KeyBase64, string Fingerprint, string? UserId);

/// <summary>
/// Reads -PgpKeyPath, -PgpKey and -PgpPrivateKeyPath, checked before any request: every failure is a VaultDr error with
/// its own id that says what to do. Private key files are read into memory only, never copied anywhere.
/// </summary>
internal static class PgpKeyFiles
{
    /// <summary>A public key file: ASCII-armored (gpg --armor --export), binary (gpg --export), or base64 of the binary.</summary>
    internal static PgpRecipient ReadPublicKeyFile(string path, string parameter, DateTime utcNow) =>
        Recipient(ReadFile(path, parameter), $"-{parameter} '{path}'", parameter, utcNow);

    /// <summary>A public key given as text: base64 of the binary key, as Vault's pgp_key takes it.</summary>
    internal static PgpRecipient ReadPublicKeyText(string text, string parameter, DateTime utcNow) =>
        Recipient(Encoding.ASCII.GetBytes(text.Trim()), $"-{parameter}", parameter, utcNow);

    /// <summary>Private key files (armored or binary, one key or a whole keyring each), read for one decryption.</summary>
    internal static IReadOnlyList<PgpPrivateKeyFile> ReadPrivateKeyFiles(IEnumerable<string> paths, string parameter) =>
        paths.Select(path => new PgpPrivateKeyFile(path, ReadFile(path, parameter))).ToArray();

    /// <summary>The VaultDr error for an OpenPGP failure; <paramref name="messageErrorId"/> names a ciphertext that is not one.</summary>
    internal static VaultDrArgumentException ToVaultDrError(OpenPgpException e, string subject, string messageErrorId) => e.Failure switch
    {
        OpenPgpFailure.NotAKey or OpenPgpFailure.MoreThanOneKey => new("VaultDrInvalidPgpKey", $"{subject} is not a usable OpenPGP public key. {e.Message}", e),
        OpenPgpFailure.PrivateKeyGiven => new("VaultDrPgpKeyIsPrivate", $"{subject}: {e.Message}", ErrorCategory.SecurityError, e),
        OpenPgpFailure.CannotEncrypt => new("VaultDrPgpKeyCannotEncrypt", $"{subject}: {e.Message} Give a key with a valid encryption subkey (gpg --quick-add-key <fingerprint> rsa2048 encr).", e),
        OpenPgpFailure.NotAPrivateKey => new("VaultDrInvalidPgpPrivateKey", e.Message, e),
        OpenPgpFailure.NoMatchingKey => new("VaultDrPgpNoMatchingKey", $"{subject}: {e.Message}", e),
        OpenPgpFailure.PassphraseRequired => new("VaultDrPgpPassphraseRequired", e.Message, e),
        OpenPgpFailure.WrongPassphrase => new("VaultDrPgpWrongPassphrase", e.Message, ErrorCategory.AuthenticationError, e),
        OpenPgpFailure.NotAMessage => new(messageErrorId, $"{subject} is not an OpenPGP message encrypted for a key. {e.Message}", e),
        _ => new("VaultDrPgpDecryptionFailed", $"{subject}: {e.Message}", ErrorCategory.InvalidData, e),
    };

    private static PgpRecipient Recipient(byte[] content, string subject, string parameter, DateTime utcNow)
    {
        try
        {
            var key = PgpPublicKeys.Read(content, utcNow);
            return new PgpRecipient(Convert.ToBase64String(key.Binary), key.Fingerprint, key.UserId);
        }
        catch (OpenPgpException e)
        {
            throw ToVaultDrError(e, subject, $"VaultDrInvalid{parameter}");
        }
    }

    private static byte[] ReadFile(string path, string parameter)
    {
        if (!File.Exists(path))
        {
            throw new VaultDrArgumentException(
                "VaultDrPgpKeyFileNotFound",
                $"-{parameter} '{path}' does not exist. Give the path of a key file, such as one written by gpg --export (public) or gpg --export-secret-keys (private).",
                ErrorCategory.ObjectNotFound);
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VaultDrArgumentException("VaultDrPgpKeyFileUnreadable", $"-{parameter} '{path}' could not be read: {e.Message}", ErrorCategory.ReadError, e);
        }
    }
}
