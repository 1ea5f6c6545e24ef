using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace VaultDr.OpenPgp;

/// <summary>A new key pair, both halves ASCII-armored as gpg --armor --export / --export-secret-keys write them.</summary>
internal sealed record PgpKeyPairText(string PublicKey, string PrivateKey, string Fingerprint, string UserId);

/// <summary>Throwaway OpenPGP key pairs for rehearsals: what a key holder would make with gpg --quick-gen-key.</summary>
internal static class PgpKeyPairs
{
    private const int RsaBits = 2048;

    /// <summary>
    /// An RSA 2048 primary key (certify, sign) with an RSA 2048 encryption subkey, the shape gpg makes, so what Vault
    /// and gpg do with it is what they do with a key holder's real key.
    /// </summary>
    /// <param name="passphrase">Protects the private key (AES-256, iterated and salted S2K); null or empty leaves it unprotected.</param>
    internal static PgpKeyPairText Generate(string userId, char[]? passphrase, DateTime utcNow)
    {
        var random = new SecureRandom();
        var generator = GeneratorUtilities.GetKeyPairGenerator("RSA");
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, RsaBits, 80));
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), utcNow);
        var subkey = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), utcNow);

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredSymmetricAlgorithms(false, [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes192, (int)SymmetricKeyAlgorithmTag.Aes128]);
        primaryPackets.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha384, (int)HashAlgorithmTag.Sha256]);
        primaryPackets.SetPreferredCompressionAlgorithms(false, [(int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.Uncompressed]);
        primaryPackets.SetFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        var subkeyPackets = new PgpSignatureSubpacketGenerator();
        subkeyPackets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);

        var protection = passphrase is { Length: > 0 } ? SymmetricKeyAlgorithmTag.Aes256 : SymmetricKeyAlgorithmTag.Null;
        var rings = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification,
            primary,
            userId,
            protection,
            HashAlgorithmTag.Sha256,
            utf8PassPhrase: true,
            passphrase ?? [],
            useSha1: true,
            primaryPackets.Generate(),
            null,
            random);
        rings.AddSubKey(subkey, subkeyPackets.Generate(), null, HashAlgorithmTag.Sha256);
        var publicRing = rings.GeneratePublicKeyRing();
        var secretRing = rings.GenerateSecretKeyRing();
        return new PgpKeyPairText(
            PgpEncoding.Armor(publicRing.GetEncoded()),
            PgpEncoding.Armor(secretRing.GetEncoded()),
            PgpPublicKeys.Fingerprint(publicRing.GetPublicKey()),
            userId);
    }
}
