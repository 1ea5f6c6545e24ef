using VaultDr.OpenPgp;
using Xunit;
using static VaultDr.Tests.OpenPgp.PgpTestKit;

namespace VaultDr.Tests.OpenPgp;

public class PgpPublicKeysTests
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public void ReadsAGnuPgArmoredKey_FingerprintAsVaultPrintsIt_AndTheEncryptionSubkey()
    {
        var key = PgpPublicKeys.Read(Fixture("rsa.pub.asc"), Now);

        Assert.Equal(RsaFingerprint, key.Fingerprint);
        Assert.Matches("^[0-9a-f]{40}$", key.Fingerprint);
        Assert.Equal(RsaEncryptionKeyId, key.EncryptionKeyId);
        Assert.Equal("VaultDr Fixture <fixture@vaultdr.invalid>", key.UserId);
        Assert.Equal(0x99, key.Binary[0]); // an old-format public key packet, binary as gpg --export writes it
    }

    [Fact]
    public void TheBinaryAndItsBase64ReadAsTheSameKey()
    {
        var armored = PgpPublicKeys.Read(Fixture("rsa.pub.asc"), Now);

        var binary = PgpPublicKeys.Read(armored.Binary, Now);
        var base64 = PgpPublicKeys.Read(Ascii(Convert.ToBase64String(armored.Binary)), Now);
        var wrapped = PgpPublicKeys.Read(Ascii(" \n" + Convert.ToBase64String(armored.Binary).Insert(64, "\n") + "\n"), Now);

        Assert.All(new[] { binary, base64, wrapped }, k => Assert.Equal(armored.Fingerprint, k.Fingerprint));
        Assert.Equal(armored.Binary, binary.Binary);
    }

    [Fact]
    public void ReadsAnEd25519KeyWithACurve25519Subkey()
    {
        var key = PgpPublicKeys.Read(Fixture("ecc.pub.asc"), Now);
        Assert.Equal(EccFingerprint, key.Fingerprint);
        Assert.Equal("4D10526C437A807B", key.EncryptionKeyId);
    }

    [Fact]
    public void AGeneratedKeyPairHasTheFingerprintItsPublicHalfReads()
    {
        var pair = Open;
        var key = PgpPublicKeys.Read(Ascii(pair.PublicKey), Now);
        Assert.Equal(pair.Fingerprint, key.Fingerprint);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", pair.PublicKey, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----", pair.PrivateKey, StringComparison.Ordinal);
        Assert.Equal("Key Holder Two <two@vaultdr.invalid>", key.UserId);
        Assert.NotEqual(key.EncryptionKeyId, key.Fingerprint[^16..].ToUpperInvariant()); // a subkey, not the primary
    }

    [Fact]
    public void RefusesASignOnlyKey()
    {
        var failure = Failure(() => PgpPublicKeys.Read(Fixture("signonly.pub.asc"), Now));
        Assert.Equal(OpenPgpFailure.CannotEncrypt, failure.Failure);
        Assert.Contains("no encryption subkey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAPrivateKey_ArmoredOrBinary()
    {
        Assert.Equal(OpenPgpFailure.PrivateKeyGiven, Failure(() => PgpPublicKeys.Read(Fixture("rsa.sec.asc"), Now)).Failure);
        var failure = Failure(() => PgpPublicKeys.Read(Dearmor(Open.PrivateKey), Now));
        Assert.Equal(OpenPgpFailure.PrivateKeyGiven, failure.Failure);
        Assert.Contains("gpg --export", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesTwoKeysInOneFile_AsVaultDoes()
    {
        var both = Dearmor(Open.PublicKey).Concat(Dearmor(Protected.PublicKey)).ToArray();
        var failure = Failure(() => PgpPublicKeys.Read(both, Now));
        Assert.Equal(OpenPgpFailure.MoreThanOneKey, failure.Failure);
        Assert.Contains("2 public keys", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("not a key at all")]
    [InlineData("bXlwZ3BrZXk=")] // base64 of "mypgpkey": decodes, but to no packet
    [InlineData("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n")]
    public void RefusesWhatIsNoKey(string text)
    {
        Assert.Equal(OpenPgpFailure.NotAKey, Failure(() => PgpPublicKeys.Read(Ascii(text), Now)).Failure);
    }

    [Fact]
    public void RefusesAMessageGivenAsAKey()
    {
        var failure = Failure(() => PgpPublicKeys.Read(Convert.FromBase64String(FixtureText("rsa.msg.b64")), Now));
        Assert.Equal(OpenPgpFailure.NotAKey, failure.Failure);
        Assert.Contains("encrypted message", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesGarbageThatLooksBinary()
    {
        var failure = Failure(() => PgpPublicKeys.Read([0x99, 0x01, 0x0d, 0x04, 0x00, 0x01], Now));
        Assert.Equal(OpenPgpFailure.NotAKey, failure.Failure);
    }
}
