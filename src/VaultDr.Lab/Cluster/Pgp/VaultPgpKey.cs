using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace VaultDr.Lab;

/// <summary>
/// An OpenPGP public key as Vault's helper/pgpkeys handles one (Go's openpgp): parsed from the base64 of its binary
/// packets (pgp_key, pgp_keys), named by the lowercase hex fingerprint of its primary key, and encrypted to the way
/// pgpkeys.EncryptShares does it: a binary (not armored) message, integrity-protected, of one literal data packet
/// holding the bytes as they are. Error texts are Go's, wrapped as pgpkeys wraps them (see <see cref="VaultMessages"/>).
/// </summary>
internal sealed class VaultPgpKey
{
    private readonly PgpPublicKeyRing _ring;

    private VaultPgpKey(PgpPublicKeyRing ring)
    {
        _ring = ring;
        Fingerprint = Convert.ToHexStringLower(ring.GetPublicKey().GetFingerprint());
        Binary = ring.GetEncoded();
    }

    /// <summary>The primary key's fingerprint, as Vault reports pgp_fingerprint (fmt "%x").</summary>
    public string Fingerprint { get; }

    /// <summary>The key's binary packets (what base64 of is a pgp_key).</summary>
    public byte[] Binary { get; }

    /// <summary>Parses a pgp_key value; on failure returns null and pgpkeys' error text.</summary>
    public static VaultPgpKey? Parse(string base64, out string? error)
    {
        if (!TryDecodeBase64(base64, out var bytes, out var badByte))
        {
            error = VaultMessages.PgpKeyNotBase64(badByte);
            return null;
        }

        return Parse(bytes, out error);
    }

    /// <summary>Parses binary key packets; like Go's openpgp.ReadEntity, only the first key counts, and a private key gives its public half.</summary>
    public static VaultPgpKey? Parse(byte[] binary, out string? error)
    {
        error = null;
        if (binary.Length == 0)
        {
            error = VaultMessages.PgpKeyUnparsable("EOF");
            return null;
        }

        if ((binary[0] & 0x80) == 0)
        {
            error = VaultMessages.PgpKeyUnparsable("openpgp: invalid data: tag byte does not have MSB set");
            return null;
        }

        try
        {
            var first = new PgpObjectFactory(binary).NextPgpObject();
            switch (first)
            {
                case PgpPublicKeyRing ring:
                    return new VaultPgpKey(ring);
                case PgpSecretKeyRing secret:
                    using (var publicPackets = new MemoryStream())
                    {
                        foreach (var key in secret.GetPublicKeys())
                        {
                            key.Encode(publicPackets);
                        }

                        return new VaultPgpKey(new PgpPublicKeyRing(publicPackets.ToArray()));
                    }

                default:
                    error = VaultMessages.PgpKeyUnparsable("openpgp: invalid data: first packet was not a public/private key");
                    return null;
            }
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException or InvalidCastException or IndexOutOfRangeException
            || e.GetType().Namespace?.StartsWith("Org.BouncyCastle", StringComparison.Ordinal) == true)
        {
            error = VaultMessages.PgpKeyUnparsable(e is EndOfStreamException ? "unexpected EOF" : "openpgp: invalid data: " + e.Message);
            return null;
        }
    }

    /// <summary>
    /// A key file as Vault's CLI reads one for -pgp-keys (pgpkeys.ReadPGPFile): an armored key ring holding exactly one
    /// key, base64 of the binary key, or the binary key itself. Returns the base64 pgp_key; on failure null and why.
    /// </summary>
    public static string? ReadFile(string path, out string? error)
    {
        error = null;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"error reading file: {e.Message}";
            return null;
        }

        var text = Encoding.ASCII.GetString(content).Trim();
        if (text.StartsWith("-----BEGIN PGP", StringComparison.Ordinal))
        {
            try
            {
                var rings = new PgpPublicKeyRingBundle(PgpUtilities.GetDecoderStream(new MemoryStream(content))).GetKeyRings().ToList();
                if (rings.Count != 1)
                {
                    error = $"more than one key found in file \"{path}\"";
                    return null;
                }

                return Convert.ToBase64String(rings[0].GetEncoded());
            }
            catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException
                || e.GetType().Namespace?.StartsWith("Org.BouncyCastle", StringComparison.Ordinal) == true)
            {
                error = $"error parsing armored key in file \"{path}\": {e.Message}";
                return null;
            }
        }

        return TryDecodeBase64(text, out _, out _) ? text : Convert.ToBase64String(content);
    }

    /// <summary>
    /// <paramref name="plaintext"/> encrypted to the key's encryption key, as pgpkeys.EncryptShares makes it; null (and
    /// Go's text) when the key has none, which Vault finds out only when it encrypts.
    /// </summary>
    public byte[]? Encrypt(byte[] plaintext, DateTime utcNow, out string? error)
    {
        error = null;
        if (EncryptionKey(utcNow) is not { } recipient)
        {
            error = $"openpgp: invalid argument: cannot encrypt a message to key id {_ring.GetPublicKey().KeyId:x16} because it has no encryption keys";
            return null;
        }

        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, true, new SecureRandom());
        generator.AddMethod(recipient);
        using var output = new MemoryStream();
        using (var encrypted = generator.Open(output, new byte[4096]))
        using (var literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Text, "", plaintext.Length, DateTime.UnixEpoch))
        {
            // Go's openpgp.Encrypt with no file hints: a text ('t') literal packet, no file name, time 0, no compression.
            literal.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>False when nothing can be encrypted to the key now (sign-only, expired, revoked).</summary>
    public bool CanEncrypt(DateTime utcNow) => EncryptionKey(utcNow) is not null;

    /// <summary>Go's choice: the newest valid subkey flagged for encryption, else the primary key if it may encrypt.</summary>
    private PgpPublicKey? EncryptionKey(DateTime utcNow)
    {
        var primary = _ring.GetPublicKey();
        if (primary.HasRevocation() || Expired(primary, utcNow))
        {
            return null;
        }

        var subkey = _ring.GetPublicKeys()
            .Where(k => !k.IsMasterKey && k.IsEncryptionKey && !k.HasRevocation() && !Expired(k, utcNow) && MayEncrypt(k.GetSignaturesOfType(PgpSignature.SubkeyBinding)))
            .OrderByDescending(k => k.CreationTime)
            .FirstOrDefault();
        return subkey ?? (primary.IsEncryptionKey && MayEncrypt(primary.GetSignatures().Where(s => s.KeyId == primary.KeyId)) ? primary : null);
    }

    private static bool Expired(PgpPublicKey key, DateTime utcNow) =>
        key.GetValidSeconds() is var seconds and > 0 && key.CreationTime.AddSeconds(seconds) <= utcNow;

    private static bool MayEncrypt(IEnumerable<PgpSignature> signatures)
    {
        var flags = signatures.Where(s => s.HasSubpackets).Select(s => s.GetHashedSubPackets())
            .Where(p => p.HasSubpacket(SignatureSubpacketTag.KeyFlags)).Select(p => p.GetKeyFlags()).ToList();
        return flags.Count == 0 || flags.Any(f => (f & (PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage)) != 0);
    }

    /// <summary>Go's base64.StdEncoding (padding required, CR and LF skipped); on failure the byte offset Go reports.</summary>
    private static bool TryDecodeBase64(string text, out byte[] bytes, out int badByte)
    {
        bytes = [];
        var compact = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        for (var i = 0; i < compact.Length; i++)
        {
            var c = compact[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' || (c == '=' && i >= compact.Length - 2)))
            {
                badByte = i;
                return false;
            }
        }

        badByte = compact.Length - (compact.Length % 4);
        try
        {
            bytes = compact.Length % 4 == 0 ? Convert.FromBase64String(compact) : throw new FormatException();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
