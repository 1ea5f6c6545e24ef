using System.Globalization;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace VaultDr.OpenPgp;

/// <summary>An OpenPGP public key as Vault takes it for pgp_key (and operator init's pgp_keys).</summary>
/// <param name="Binary">The key's binary packets: base64 of these is the pgp_key.</param>
/// <param name="Fingerprint">The primary key's fingerprint, lowercase hex, as Vault reports pgp_fingerprint.</param>
/// <param name="EncryptionKeyId">The (sub)key a message for this key is encrypted to, 16 hex digits.</param>
/// <param name="UserId">The first user id, if any (who the key belongs to).</param>
internal sealed record PgpPublicKeyInfo(byte[] Binary, string Fingerprint, string EncryptionKeyId, string? UserId);

/// <summary>Reads OpenPGP public keys and checks that Vault can encrypt to them.</summary>
internal static class PgpPublicKeys
{
    /// <summary>
    /// Reads one public key from <paramref name="content"/> (armored, binary or base64). Like Vault's own reading of a
    /// key file, more than one key is refused; unlike Vault, a private key is refused too (it must not travel), and so
    /// is a key nothing can be encrypted to now.
    /// </summary>
    /// <exception cref="OpenPgpException">NotAKey, PrivateKeyGiven, MoreThanOneKey or CannotEncrypt.</exception>
    internal static PgpPublicKeyInfo Read(ReadOnlySpan<byte> content, DateTime utcNow)
    {
        var binary = PgpEncoding.ToBinary(content)
            ?? throw new OpenPgpException(OpenPgpFailure.NotAKey, "It is not an OpenPGP key: neither ASCII-armored (-----BEGIN PGP PUBLIC KEY BLOCK-----), binary, nor base64 of a binary key.");
        var rings = ReadRings(binary);
        var ring = rings.Count switch
        {
            0 => throw new OpenPgpException(OpenPgpFailure.NotAKey, "It holds OpenPGP data but no public key."),
            1 => rings[0],
            _ => throw new OpenPgpException(OpenPgpFailure.MoreThanOneKey, $"It holds {rings.Count} public keys; Vault takes exactly one. Export a single key (gpg --export <fingerprint>)."),
        };

        var primary = ring.GetPublicKey();
        var encryptionKey = EncryptionKey(ring, utcNow)
            ?? throw new OpenPgpException(
                OpenPgpFailure.CannotEncrypt,
                $"Nothing can be encrypted to key {Fingerprint(primary)} now: it has no encryption subkey that is valid today (it may be sign-only, expired or revoked).");
        return new PgpPublicKeyInfo(ring.GetEncoded(), Fingerprint(primary), KeyId(encryptionKey.KeyId), primary.GetUserIds().FirstOrDefault());
    }

    /// <summary>The lowercase hex fingerprint, as Vault prints it (fmt "%x").</summary>
    internal static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint()).ToLowerInvariant();

    /// <summary>A key id as gpg shows it (16 hex digits, upper case).</summary>
    internal static string KeyId(long keyId) => keyId.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>
    /// The key a message to <paramref name="ring"/> is encrypted for, chosen as Go's openpgp (which Vault uses) does:
    /// the newest valid subkey that may encrypt, else the primary key if it may.
    /// </summary>
    internal static PgpPublicKey? EncryptionKey(PgpPublicKeyRing ring, DateTime utcNow)
    {
        var primary = ring.GetPublicKey();
        if (primary.HasRevocation() || IsExpired(primary, utcNow))
        {
            return null;
        }

        var subkey = ring.GetPublicKeys()
            .Where(k => !k.IsMasterKey && k.IsEncryptionKey && !k.HasRevocation() && !IsExpired(k, utcNow)
                && MayEncrypt(k.GetSignaturesOfType(PgpSignature.SubkeyBinding)))
            .OrderByDescending(k => k.CreationTime)
            .FirstOrDefault();
        if (subkey is not null)
        {
            return subkey;
        }

        var selfSignatures = primary.GetSignatures().Where(s => s.KeyId == primary.KeyId);
        return primary.IsEncryptionKey && MayEncrypt(selfSignatures) ? primary : null;
    }

    private static List<PgpPublicKeyRing> ReadRings(byte[] binary)
    {
        var rings = new List<PgpPublicKeyRing>();
        try
        {
            var factory = new PgpObjectFactory(binary);
            for (var item = factory.NextPgpObject(); item is not null; item = factory.NextPgpObject())
            {
                switch (item)
                {
                    case PgpPublicKeyRing ring:
                        rings.Add(ring);
                        break;
                    case PgpSecretKeyRing:
                        throw new OpenPgpException(
                            OpenPgpFailure.PrivateKeyGiven,
                            "It is a PRIVATE key. Give the public key instead (gpg --export <fingerprint>); a private key never leaves its holder.");
                    case PgpMarker:
                        break;
                    default:
                        throw new OpenPgpException(OpenPgpFailure.NotAKey, $"It holds an OpenPGP {Describe(item)}, not a public key.");
                }
            }
        }
        catch (Exception e) when (PgpEncoding.IsParseFailure(e))
        {
            throw new OpenPgpException(OpenPgpFailure.NotAKey, $"It is not a readable OpenPGP key: {e.Message}", e);
        }

        return rings;
    }

    private static string Describe(PgpObject item) => item switch
    {
        PgpEncryptedDataList => "encrypted message",
        PgpSignatureList => "signature",
        PgpLiteralData or PgpCompressedData or PgpOnePassSignatureList => "message",
        _ => "packet",
    };

    private static bool IsExpired(PgpPublicKey key, DateTime utcNow)
    {
        var validSeconds = key.GetValidSeconds();
        return validSeconds > 0 && key.CreationTime.AddSeconds(validSeconds) <= utcNow;
    }

    /// <summary>No key-flags subpacket at all allows anything, as in Go's openpgp; otherwise an encrypt flag must be set.</summary>
    private static bool MayEncrypt(IEnumerable<PgpSignature> signatures)
    {
        var flags = signatures.Where(s => s.HasSubpackets).Select(s => s.GetHashedSubPackets())
            .Where(p => p.HasSubpacket(SignatureSubpacketTag.KeyFlags)).Select(p => p.GetKeyFlags()).ToList();
        return flags.Count == 0 || flags.Any(f => (f & (PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage)) != 0);
    }
}
