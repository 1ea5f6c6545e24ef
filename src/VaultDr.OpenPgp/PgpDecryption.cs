using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace VaultDr.OpenPgp;

/// <summary>A private key file as read from disk: its name (for messages) and its content, armored or binary.</summary>
internal sealed record PgpPrivateKeyFile(string Name, byte[] Content);

/// <summary>
/// Decrypts an OpenPGP message encrypted for a public key (what Vault returns for pgp_key, what operator init returns
/// for pgp_keys, what gpg --encrypt writes) with the matching private key, in memory only.
/// </summary>
internal static class PgpDecryption
{
    /// <summary>The plaintext of <paramref name="message"/> (armored, binary or base64); the caller clears it after use.</summary>
    /// <param name="passphrase">The private key's passphrase (UTF-8, as gpg takes it); null or empty for an unprotected key.</param>
    /// <exception cref="OpenPgpException">NotAMessage, NotAPrivateKey, NoMatchingKey, PassphraseRequired, WrongPassphrase or Corrupt.</exception>
    internal static byte[] Decrypt(ReadOnlySpan<byte> message, IReadOnlyList<PgpPrivateKeyFile> keyFiles, char[]? passphrase)
    {
        var recipients = Recipients(message);
        var rings = keyFiles.SelectMany(SecretRings).ToList();
        foreach (var recipient in recipients)
        {
            foreach (var secretKey in Candidates(rings, recipient.KeyId))
            {
                var privateKey = Unlock(secretKey, passphrase);
                return ReadLiteral(recipient, privateKey);
            }
        }

        var wanted = string.Join(", ", recipients.Select(r => r.KeyId == 0 ? "(hidden recipient)" : PgpPublicKeys.KeyId(r.KeyId)));
        var held = string.Join(", ", rings.Select(r => PgpPublicKeys.Fingerprint(r.GetPublicKey())));
        throw new OpenPgpException(
            OpenPgpFailure.NoMatchingKey,
            $"None of the private keys given can decrypt it: it is encrypted for key id {wanted}, and the key file(s) hold {(held.Length > 0 ? "the keys " + held : "no usable key")}. " +
            "Use the private key of the public key it was encrypted for (gpg --list-secret-keys --keyid-format long shows the key ids).");
    }

    private static List<PgpPublicKeyEncryptedData> Recipients(ReadOnlySpan<byte> message)
    {
        var binary = PgpEncoding.ToBinary(message)
            ?? throw new OpenPgpException(OpenPgpFailure.NotAMessage, "It is not an OpenPGP message: neither ASCII-armored, binary, nor base64 or hex of a binary message.");
        try
        {
            var factory = new PgpObjectFactory(binary);
            var item = factory.NextPgpObject();
            while (item is PgpMarker)
            {
                item = factory.NextPgpObject();
            }

            if (item is not PgpEncryptedDataList list)
            {
                throw new OpenPgpException(OpenPgpFailure.NotAMessage, $"It is OpenPGP data but not an encrypted message{(item is null ? "" : $" ({item.GetType().Name.Replace("Pgp", "", StringComparison.Ordinal)})")}.");
            }

            var recipients = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().ToList();
            return recipients.Count > 0
                ? recipients
                : throw new OpenPgpException(OpenPgpFailure.NotAMessage, "It is encrypted with a passphrase, not for a public key.");
        }
        catch (Exception e) when (PgpEncoding.IsParseFailure(e))
        {
            throw new OpenPgpException(OpenPgpFailure.NotAMessage, $"It is not a readable OpenPGP message: {e.Message}", e);
        }
    }

    private static List<PgpSecretKeyRing> SecretRings(PgpPrivateKeyFile file)
    {
        var binary = PgpEncoding.ToBinary(file.Content)
            ?? throw new OpenPgpException(OpenPgpFailure.NotAPrivateKey, $"'{file.Name}' is not an OpenPGP private key: neither ASCII-armored (-----BEGIN PGP PRIVATE KEY BLOCK-----) nor binary.");
        var rings = new List<PgpSecretKeyRing>();
        var publicOnly = false;
        try
        {
            var factory = new PgpObjectFactory(binary);
            for (var item = factory.NextPgpObject(); item is not null; item = factory.NextPgpObject())
            {
                switch (item)
                {
                    case PgpSecretKeyRing ring:
                        rings.Add(ring);
                        break;
                    case PgpPublicKeyRing:
                        publicOnly = true;
                        break;
                }
            }
        }
        catch (Exception e) when (PgpEncoding.IsParseFailure(e))
        {
            throw new OpenPgpException(OpenPgpFailure.NotAPrivateKey, $"'{file.Name}' is not a readable OpenPGP private key: {e.Message}", e);
        }

        return rings.Count > 0
            ? rings
            : throw new OpenPgpException(
                OpenPgpFailure.NotAPrivateKey,
                publicOnly
                    ? $"'{file.Name}' holds a public key only. Give the private key (gpg --export-secret-keys --armor <fingerprint>)."
                    : $"'{file.Name}' holds no OpenPGP private key.");
    }

    /// <summary>The secret keys that may open a session key for <paramref name="keyId"/> (0: a hidden recipient, any key).</summary>
    private static IEnumerable<PgpSecretKey> Candidates(List<PgpSecretKeyRing> rings, long keyId) =>
        rings.SelectMany(r => r.GetSecretKeys())
            .Where(k => !k.IsPrivateKeyEmpty && (keyId == 0 ? k.PublicKey.IsEncryptionKey : k.KeyId == keyId));

    private static PgpPrivateKey Unlock(PgpSecretKey secretKey, char[]? passphrase)
    {
        var keyId = PgpPublicKeys.KeyId(secretKey.KeyId);
        var isProtected = secretKey.KeyEncryptionAlgorithm != SymmetricKeyAlgorithmTag.Null;
        if (isProtected && (passphrase is null || passphrase.Length == 0))
        {
            throw new OpenPgpException(OpenPgpFailure.PassphraseRequired, $"The private key {keyId} is protected by a passphrase: give it with -PgpPassphrase (Read-Host -AsSecureString).");
        }

        try
        {
            return secretKey.ExtractPrivateKeyUtf8(isProtected ? passphrase : [])
                ?? throw new OpenPgpException(OpenPgpFailure.NoMatchingKey, $"The private part of key {keyId} is not in the file.");
        }
        catch (PgpException e)
        {
            throw new OpenPgpException(OpenPgpFailure.WrongPassphrase, $"The passphrase does not unlock the private key {keyId}. Check -PgpPassphrase (it is case-sensitive).", e);
        }
    }

    private static byte[] ReadLiteral(PgpPublicKeyEncryptedData recipient, PgpPrivateKey privateKey)
    {
        try
        {
            using var clear = recipient.GetDataStream(privateKey);
            var factory = new PgpObjectFactory(clear);
            var item = factory.NextPgpObject();
            while (item is PgpCompressedData or PgpOnePassSignatureList or PgpMarker)
            {
                factory = item is PgpCompressedData compressed ? new PgpObjectFactory(compressed.GetDataStream()) : factory;
                item = factory.NextPgpObject();
            }

            if (item is not PgpLiteralData literal)
            {
                throw new OpenPgpException(OpenPgpFailure.Corrupt, "The decrypted message holds no data.");
            }

            using var plain = new MemoryStream();
            using (var data = literal.GetInputStream())
            {
                data.CopyTo(plain);
            }

            // Read to the end so the integrity check (MDC) covers everything.
            clear.CopyTo(Stream.Null);
            if (!recipient.IsIntegrityProtected())
            {
                Clear(plain);
                throw new OpenPgpException(OpenPgpFailure.Corrupt, "The message is not integrity-protected, so it may have been altered: refused. Encrypt it again with a current OpenPGP tool.");
            }

            if (!recipient.Verify())
            {
                Clear(plain);
                throw new OpenPgpException(OpenPgpFailure.Corrupt, "The message failed its integrity check: it was altered or damaged.");
            }

            var bytes = plain.ToArray();
            Clear(plain);
            return bytes;
        }
        catch (Exception e) when (PgpEncoding.IsParseFailure(e))
        {
            throw new OpenPgpException(OpenPgpFailure.Corrupt, $"The message could not be decrypted: {e.Message}", e);
        }
    }

    private static void Clear(MemoryStream stream) => Array.Clear(stream.GetBuffer());
}
