using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>
/// The GnuPG-made keys (VaultDr.Tests/OpenPgp/GnuPg/README.md) and a decryptor written here, not the lab's code, so a
/// test reads what the lab encrypted the way a key holder's tool would.
/// </summary>
internal static class GnuPgKeys
{
    public const string RsaFingerprint = "17773008bbd3b2fae82cf5b9a1244f7fbedaac4a";
    public const string EccFingerprint = "f0f1c7a651d3818ecf4547f2dd1adbafcdf509d8";

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "GnuPg", name);

    /// <summary>pgp_key for a fixture: base64 of the binary key, as gpg --export | base64 writes it.</summary>
    public static string PgpKey(string armoredFile) =>
        Convert.ToBase64String(new PgpPublicKeyRing(PgpUtilities.GetDecoderStream(File.OpenRead(Path(armoredFile)))).GetEncoded());

    /// <summary>Decrypts a binary message with a fixture's private key; fails the test when it is no integrity-protected message for it.</summary>
    public static string Decrypt(byte[] message, string secretFile, string passphrase = "")
    {
        Assert.NotEqual((byte)'-', message[0]); // binary, not armored
        var list = (PgpEncryptedDataList)new PgpObjectFactory(message).NextPgpObject();
        var data = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().Single();
        var secrets = new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(File.OpenRead(Path(secretFile))));
        var privateKey = secrets.GetSecretKey(data.KeyId).ExtractPrivateKeyUtf8(passphrase.ToCharArray());
        using var clear = data.GetDataStream(privateKey);
        var literal = (PgpLiteralData)new PgpObjectFactory(clear).NextPgpObject();
        using var plain = new MemoryStream();
        literal.GetInputStream().CopyTo(plain);
        Assert.True(data.IsIntegrityProtected());
        Assert.True(data.Verify());
        return Encoding.ASCII.GetString(plain.ToArray());
    }
}
