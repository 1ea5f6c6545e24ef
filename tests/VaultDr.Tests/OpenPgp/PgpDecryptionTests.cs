using System.Text;
using VaultDr.OpenPgp;
using Xunit;
using static VaultDr.Tests.OpenPgp.PgpTestKit;

namespace VaultDr.Tests.OpenPgp;

public class PgpDecryptionTests
{
    private static readonly byte[] Token = Ascii("hvs.RoundTripToken0123456789");

    private static PgpPrivateKeyFile KeyFile(string armored, string name = "key.asc") => new(name, Ascii(armored));

    private static PgpPrivateKeyFile FixtureKey(string name) => new(name, Fixture(name));

    [Fact]
    public void DecryptsWhatGnuPgEncrypted_RsaKeyWithAPassphrase()
    {
        var plain = PgpDecryption.Decrypt(Ascii(FixtureText("rsa.msg.b64")), [FixtureKey("rsa.sec.asc")], FixturePassphrase.ToCharArray());
        Assert.Equal("hvs.FixtureTokenFromGnuPG12", Encoding.ASCII.GetString(plain));
    }

    [Fact]
    public void DecryptsWhatGnuPgEncrypted_Curve25519KeyWithoutAPassphrase()
    {
        var plain = PgpDecryption.Decrypt(Convert.FromBase64String(FixtureText("ecc.msg.b64")), [FixtureKey("ecc.sec.asc")], null);
        Assert.Equal("0a1b2c3d", Encoding.ASCII.GetString(plain));
    }

    [Fact]
    public void RoundTrip_GeneratedKeyWithAPassphrase_BinaryMessage()
    {
        var message = Encrypt(Token, Protected.PublicKey);
        Assert.Equal(Token, PgpDecryption.Decrypt(message, [KeyFile(Protected.PrivateKey)], "s3cret passphrase".ToCharArray()));
    }

    [Fact]
    public void RoundTrip_GeneratedKeyWithoutAPassphrase_BinaryPrivateKey_Base64Message()
    {
        var message = Ascii(Convert.ToBase64String(Encrypt(Token, Open.PublicKey)));
        var binaryKey = new PgpPrivateKeyFile("key.gpg", Dearmor(Open.PrivateKey));
        Assert.Equal(Token, PgpDecryption.Decrypt(message, [binaryKey], null));
        Assert.Equal(Token, PgpDecryption.Decrypt(message, [binaryKey], []));
    }

    [Fact]
    public void FindsTheMatchingKeyAmongSeveralFiles()
    {
        var message = Encrypt(Token, Open.PublicKey);
        Assert.Equal(Token, PgpDecryption.Decrypt(message, [FixtureKey("ecc.sec.asc"), KeyFile(Open.PrivateKey, "two.asc")], null));
    }

    [Fact]
    public void WrongKey_SaysWhichKeyIdTheMessageIsFor()
    {
        var message = Encrypt(Token, Open.PublicKey);
        var failure = Failure(() => PgpDecryption.Decrypt(message, [FixtureKey("ecc.sec.asc")], null));
        Assert.Equal(OpenPgpFailure.NoMatchingKey, failure.Failure);
        Assert.Contains(EccFingerprint, failure.Message, StringComparison.Ordinal);
        Assert.Contains("gpg --list-secret-keys", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongPassphrase_IsItsOwnFailure()
    {
        var failure = Failure(() => PgpDecryption.Decrypt(Ascii(FixtureText("rsa.msg.b64")), [FixtureKey("rsa.sec.asc")], "wrong horse".ToCharArray()));
        Assert.Equal(OpenPgpFailure.WrongPassphrase, failure.Failure);
        Assert.Contains(RsaEncryptionKeyId, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong horse", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProtectedKeyWithoutAPassphrase_AsksForOne()
    {
        var message = Encrypt(Token, Protected.PublicKey);
        var failure = Failure(() => PgpDecryption.Decrypt(message, [KeyFile(Protected.PrivateKey)], null));
        Assert.Equal(OpenPgpFailure.PassphraseRequired, failure.Failure);
        Assert.Contains("-PgpPassphrase", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APublicKeyGivenAsThePrivateKey_IsRefused()
    {
        var failure = Failure(() => PgpDecryption.Decrypt(Encrypt(Token, Open.PublicKey), [KeyFile(Open.PublicKey, "two.pub.asc")], null));
        Assert.Equal(OpenPgpFailure.NotAPrivateKey, failure.Failure);
        Assert.Contains("'two.pub.asc' holds a public key only", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SomethingThatIsNoKeyFile_IsRefused()
    {
        var failure = Failure(() => PgpDecryption.Decrypt(Encrypt(Token, Open.PublicKey), [new PgpPrivateKeyFile("notes.txt", Ascii("my passwords"))], null));
        Assert.Equal(OpenPgpFailure.NotAPrivateKey, failure.Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("bXlwZ3BrZXk=")]
    public void SomethingThatIsNoMessage_IsRefused(string text)
    {
        Assert.Equal(OpenPgpFailure.NotAMessage, Failure(() => PgpDecryption.Decrypt(Ascii(text), [KeyFile(Open.PrivateKey)], null)).Failure);
    }

    [Fact]
    public void AKeyGivenAsTheMessage_IsRefused()
    {
        var failure = Failure(() => PgpDecryption.Decrypt(Ascii(Open.PublicKey), [KeyFile(Open.PrivateKey)], null));
        Assert.Equal(OpenPgpFailure.NotAMessage, failure.Failure);
    }

    [Fact]
    public void AnAlteredMessage_FailsItsIntegrityCheck()
    {
        var message = Encrypt(Token, Open.PublicKey);
        message[^5] ^= 0x01;
        Assert.Equal(OpenPgpFailure.Corrupt, Failure(() => PgpDecryption.Decrypt(message, [KeyFile(Open.PrivateKey)], null)).Failure);
    }

    [Fact]
    public void AMessageWithoutIntegrityProtection_IsRefused()
    {
        var message = Encrypt(Token, Open.PublicKey, integrityProtected: false);
        var failure = Failure(() => PgpDecryption.Decrypt(message, [KeyFile(Open.PrivateKey)], null));
        Assert.Equal(OpenPgpFailure.Corrupt, failure.Failure);
        Assert.Contains("not integrity-protected", failure.Message, StringComparison.Ordinal);
    }
}
