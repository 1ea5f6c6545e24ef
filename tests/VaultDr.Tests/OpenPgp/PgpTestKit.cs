using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using VaultDr.OpenPgp;

namespace VaultDr.Tests.OpenPgp;

/// <summary>
/// Test-side OpenPGP: an encryptor written here with BouncyCastle (not VaultDr's code, so a round trip checks two
/// implementations against each other), the GnuPG fixtures (GnuPg/README.md) and key pairs made once per test run.
/// </summary>
internal static class PgpTestKit
{
    public const string FixturePassphrase = "correct horse";
    public const string RsaFingerprint = "17773008bbd3b2fae82cf5b9a1244f7fbedaac4a";
    public const string RsaEncryptionKeyId = "F714661AF093F7A4";
    public const string EccFingerprint = "f0f1c7a651d3818ecf4547f2dd1adbafcdf509d8";

    private static readonly Lazy<PgpKeyPairText> LazyProtected = new(() => PgpKeyPairs.Generate("Key Holder One <one@vaultdr.invalid>", "s3cret passphrase".ToCharArray(), DateTime.UtcNow));
    private static readonly Lazy<PgpKeyPairText> LazyOpen = new(() => PgpKeyPairs.Generate("Key Holder Two <two@vaultdr.invalid>", null, DateTime.UtcNow));

    /// <summary>A key pair protected with "s3cret passphrase".</summary>
    public static PgpKeyPairText Protected => LazyProtected.Value;

    /// <summary>A key pair without a passphrase.</summary>
    public static PgpKeyPairText Open => LazyOpen.Value;

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "OpenPgp", "GnuPg", name));

    public static string FixtureText(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "OpenPgp", "GnuPg", name)).Trim();

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    /// <summary>The binary packets of an armored key.</summary>
    public static byte[] Dearmor(string armored)
    {
        using var input = new ArmoredInputStream(new MemoryStream(Ascii(armored)));
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A binary message of <paramref name="plaintext"/> for the encryption subkey of <paramref name="publicKey"/>, as Vault writes one.</summary>
    public static byte[] Encrypt(byte[] plaintext, string publicKey, bool integrityProtected = true)
    {
        var ring = new PgpPublicKeyRing(PgpUtilities.GetDecoderStream(new MemoryStream(Ascii(publicKey))));
        var recipient = ring.GetPublicKeys().Last(k => k.IsEncryptionKey);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes128, integrityProtected, new SecureRandom());
        generator.AddMethod(recipient);
        using var output = new MemoryStream();
        using (var encrypted = generator.Open(output, new byte[4096]))
        using (var literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Text, "", plaintext.Length, DateTime.UnixEpoch))
        {
            literal.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>The failure an action raises, asserting it raised one.</summary>
    public static OpenPgpException Failure(Action action) => Xunit.Assert.Throws<OpenPgpException>(action);
}
