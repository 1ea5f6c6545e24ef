using System.Management.Automation;
using System.Text;
using VaultDr.Client;
using VaultDr.OpenPgp;
using VaultDr.Pgp;
using Xunit;
using static VaultDr.Tests.OpenPgp.PgpTestKit;

namespace VaultDr.Tests.OpenPgp;

/// <summary>The module's side: key files and text as the cmdlets give them, secrets in and out as SecureString, VaultDr error ids.</summary>
public class PgpSecretsTests
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private static IReadOnlyList<PgpPrivateKeyFile> OpenKey => [new PgpPrivateKeyFile("two.asc", Ascii(Open.PrivateKey))];

    [Fact]
    public void ATokenEncryptedForTheKey_ComesOutAsASecureString()
    {
        var encoded = SecretText.Protect(Convert.ToBase64String(Encrypt(Ascii("hvs.TokenForTheKeyHolder000"), Open.PublicKey)));
        var token = PgpSecrets.DecryptOperationToken(encoded, OpenKey, null);
        Assert.Equal("hvs.TokenForTheKeyHolder000", SecretText.Reveal(token));
        Assert.True(token.IsReadOnly());
    }

    [Fact]
    public void ATokenThatIsNoText_IsRefused()
    {
        var encoded = SecretText.Protect(Convert.ToBase64String(Encrypt([0x00, 0x01, 0xff], Open.PublicKey)));
        var error = Assert.Throws<VaultDrArgumentException>(() => PgpSecrets.DecryptOperationToken(encoded, OpenKey, null));
        Assert.Equal("VaultDrInvalidEncodedToken", error.ErrorId);
    }

    [Theory]
    [InlineData("base64")]
    [InlineData("hex")]
    [InlineData("HEX")]
    [InlineData("armored")]
    public void AnEncryptedShare_HexBase64OrArmored_ComesOutAsItsHexText(string form)
    {
        const string ShareHex = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9001";
        var message = Encrypt(Ascii(ShareHex), Open.PublicKey);
        var text = form switch
        {
            "base64" => Convert.ToBase64String(message),
            "hex" => Convert.ToHexStringLower(message),
            "HEX" => Convert.ToHexString(message),
            _ => Armored(message),
        };

        Assert.Equal(ShareHex, SecretText.Reveal(PgpSecrets.DecryptKeyShare(text, OpenKey, null)));
    }

    [Fact]
    public void ADecryptedTokenIsNoShare_AndGarbageIsNoMessage()
    {
        var token = Convert.ToBase64String(Encrypt(Ascii("hvs.NotAShare!"), Open.PublicKey));
        Assert.Equal("VaultDrInvalidEncryptedKeyShare", Assert.Throws<VaultDrArgumentException>(() => PgpSecrets.DecryptKeyShare(token, OpenKey, null)).ErrorId);
        Assert.Equal("VaultDrInvalidEncryptedKeyShare", Assert.Throws<VaultDrArgumentException>(() => PgpSecrets.DecryptKeyShare("zz", OpenKey, null)).ErrorId);
    }

    [Theory]
    [InlineData("s3cret passphrase", null, null)]
    [InlineData("wrong", "VaultDrPgpWrongPassphrase", ErrorCategory.AuthenticationError)]
    [InlineData(null, "VaultDrPgpPassphraseRequired", ErrorCategory.InvalidArgument)]
    public void ThePassphrase_UnlocksOrHasItsOwnError(string? passphrase, string? errorId, ErrorCategory? category)
    {
        var share = Convert.ToBase64String(Encrypt(Ascii("0a1b"), Protected.PublicKey));
        IReadOnlyList<PgpPrivateKeyFile> keys = [new PgpPrivateKeyFile("one.asc", Ascii(Protected.PrivateKey))];
        var secret = passphrase is null ? null : SecretText.Protect(passphrase);
        if (errorId is null)
        {
            Assert.Equal("0a1b", SecretText.Reveal(PgpSecrets.DecryptKeyShare(share, keys, secret)));
            return;
        }

        var error = Assert.Throws<VaultDrArgumentException>(() => PgpSecrets.DecryptKeyShare(share, keys, secret));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(category, error.Category);
    }

    [Fact]
    public void KeyFiles_AMissingFileIsObjectNotFound_AndAPublicKeyReadsAsVaultTakesIt()
    {
        var missing = Assert.Throws<VaultDrArgumentException>(() => PgpKeyFiles.ReadPublicKeyFile("/no/such/key.asc", "PgpKeyPath", Now));
        Assert.Equal("VaultDrPgpKeyFileNotFound", missing.ErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.Category);
        Assert.Contains("-PgpKeyPath '/no/such/key.asc'", missing.Message, StringComparison.Ordinal);

        var path = Path.Combine(AppContext.BaseDirectory, "OpenPgp", "GnuPg", "rsa.pub.asc");
        var recipient = PgpKeyFiles.ReadPublicKeyFile(path, "PgpKeyPath", Now);
        Assert.Equal(RsaFingerprint, recipient.Fingerprint);
        Assert.Equal(recipient, PgpKeyFiles.ReadPublicKeyText(recipient.KeyBase64, "PgpKey", Now));
        Assert.Equal("VaultDr Fixture <fixture@vaultdr.invalid>", recipient.UserId);
    }

    [Theory]
    [InlineData("NotAKey", "VaultDrInvalidPgpKey")]
    [InlineData("MoreThanOneKey", "VaultDrInvalidPgpKey")]
    [InlineData("PrivateKeyGiven", "VaultDrPgpKeyIsPrivate")]
    [InlineData("CannotEncrypt", "VaultDrPgpKeyCannotEncrypt")]
    [InlineData("NotAPrivateKey", "VaultDrInvalidPgpPrivateKey")]
    [InlineData("NoMatchingKey", "VaultDrPgpNoMatchingKey")]
    [InlineData("PassphraseRequired", "VaultDrPgpPassphraseRequired")]
    [InlineData("WrongPassphrase", "VaultDrPgpWrongPassphrase")]
    [InlineData("NotAMessage", "VaultDrInvalidEncodedToken")]
    [InlineData("Corrupt", "VaultDrPgpDecryptionFailed")]
    public void EveryFailureHasItsErrorId(string failure, string errorId)
    {
        var kind = Enum.Parse<OpenPgpFailure>(failure);
        var error = PgpKeyFiles.ToVaultDrError(new OpenPgpException(kind, "why."), "-X", "VaultDrInvalidEncodedToken");
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains("why.", error.Message, StringComparison.Ordinal);
    }

    private static string Armored(byte[] message)
    {
        using var output = new MemoryStream();
        using (var armor = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(output))
        {
            armor.Write(message);
        }

        return Encoding.ASCII.GetString(output.ToArray());
    }
}
