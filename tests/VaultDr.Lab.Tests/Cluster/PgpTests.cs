using System.Text;
using static VaultDr.Lab.Tests.Cluster.GnuPgKeys;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>pgp_key on generate-operation-token and pgp_keys at init, checked with keys and a decryptor that are not the lab's.</summary>
public sealed class PgpTests
{
    private const string Attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
    private const string Update = "/v1/sys/replication/dr/secondary/generate-operation-token/update";

    private static async Task<LabHarness> SecondaryLab(string version = "1.15")
    {
        var lab = new LabHarness(2, version, 5, 3);
        await EnablePrimary(lab.A);
        await Activate(lab.A, lab.B, "dr-b");
        return lab;
    }

    private static async Task<Reply> Ceremony(LabHarness lab, string pgpKey)
    {
        var start = await Call(lab.B, "PUT", Attempt, new { pgp_key = pgpKey });
        Assert.Equal(200, start.Status);
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        Reply last = start;
        foreach (var key in lab.B.UnsealKeysHex.Take(3))
        {
            last = await Call(lab.B, "PUT", Update, new { key, nonce });
        }

        return last;
    }

    [Fact]
    public async Task Ceremony_EncryptsTheTokenForThePgpKey_AsABinaryMessage_ThatGnuPgKeysOpen()
    {
        using var lab = await SecondaryLab();
        var start = await Call(lab.B, "PUT", Attempt, new { pgp_key = PgpKey("rsa.pub.asc") });
        Assert.Equal("", start.Json.GetProperty("otp").GetString());
        Assert.Equal(RsaFingerprint, start.Json.GetProperty("pgp_fingerprint").GetString());
        Assert.Equal(RsaFingerprint, (await Call(lab.B, "GET", Attempt)).Json.GetProperty("pgp_fingerprint").GetString());
        await Call(lab.B, "DELETE", Attempt);

        var last = await Ceremony(lab, PgpKey("rsa.pub.asc"));

        Assert.True(last.Json.GetProperty("complete").GetBoolean());
        Assert.Equal(RsaFingerprint, last.Json.GetProperty("pgp_fingerprint").GetString());
        var encoded = last.Json.GetProperty("encoded_token").GetString()!;
        Assert.Equal(0, encoded.Length % 4); // padded standard base64, unlike the OTP encoding
        var token = Decrypt(Convert.FromBase64String(encoded), "rsa.sec.asc", "correct horse");
        Assert.Matches("^hvs\\.[A-Za-z0-9]{24}$", token);
        Assert.Equal(200, (await Call(lab.B, "POST", "/v1/sys/replication/dr/secondary/disable", new { dr_operation_token = token })).Status);
    }

    [Fact]
    public async Task Ceremony_Curve25519Key_AndLegacyVaultsUuidToken()
    {
        using var lab = await SecondaryLab("0.11");
        var last = await Ceremony(lab, PgpKey("ecc.pub.asc"));
        Assert.Equal(EccFingerprint, last.Json.GetProperty("pgp_fingerprint").GetString());
        var token = Decrypt(Convert.FromBase64String(last.Json.GetProperty("encoded_token").GetString()!), "ecc.sec.asc");
        Assert.True(Guid.TryParse(token, out _));
        Assert.Equal(204, (await Call(lab.B, "POST", "/v1/sys/replication/dr/secondary/operation-token/delete", new { dr_operation_token = token })).Status);
    }

    [Fact]
    public async Task APrivateKeyAsPgpKey_IsTakenAsGosOpenPgpTakesIt_ItsPublicHalf()
    {
        using var lab = await SecondaryLab();
        var secret = Convert.ToBase64String(new Org.BouncyCastle.Bcpg.OpenPgp.PgpSecretKeyRing(
            Org.BouncyCastle.Bcpg.OpenPgp.PgpUtilities.GetDecoderStream(File.OpenRead(Path("ecc.sec.asc")))).GetEncoded());
        var start = await Call(lab.B, "PUT", Attempt, new { pgp_key = secret });
        Assert.Equal(EccFingerprint, start.Json.GetProperty("pgp_fingerprint").GetString());
    }

    [Theory]
    [InlineData("not base64!", "error parsing PGP key: error decoding given PGP key: illegal base64 data at input byte 3")]
    [InlineData("bXlwZ3BrZXk=", "error parsing PGP key: error parsing given PGP key: openpgp: invalid data: tag byte does not have MSB set")]
    public async Task ABadPgpKey_IsRefusedAtStart_InVaultsWords(string pgpKey, string error)
    {
        using var lab = await SecondaryLab();
        var start = await Call(lab.B, "PUT", Attempt, new { pgp_key = pgpKey });
        Assert.Equal(400, start.Status);
        Assert.Equal([error], start.Errors);
        Assert.False((await Call(lab.B, "GET", Attempt)).Json.GetProperty("started").GetBoolean());
    }

    [Fact]
    public async Task AMessageAsPgpKey_IsNoKey()
    {
        using var lab = await SecondaryLab();
        var start = await Call(lab.B, "PUT", Attempt, new { pgp_key = File.ReadAllText(Path("rsa.msg.b64")).Trim() });
        Assert.Equal(["error parsing PGP key: error parsing given PGP key: openpgp: invalid data: first packet was not a public/private key"], start.Errors);
    }

    [Fact]
    public async Task OtpAndPgpKeyTogether_AreRefused()
    {
        using var lab = await SecondaryLab();
        var start = await Call(lab.B, "PUT", Attempt, new { otp = "Zx7Qp2Lm9Rt4Vw6Yb8Nc1Kd3Hf5J", pgp_key = PgpKey("rsa.pub.asc") });
        Assert.Equal(400, start.Status);
        Assert.Equal(["only one of \"otp\" and \"pgp_key\" must be specified"], start.Errors);
    }

    [Fact]
    public async Task ASignOnlyKey_IsTakenAtStart_ButNoTokenComesOut()
    {
        using var lab = await SecondaryLab();
        var last = await Ceremony(lab, PgpKey("signonly.pub.asc"));
        Assert.Equal(400, last.Status);
        Assert.StartsWith("error encrypting new root token: error setting up encryption for PGP message: openpgp: invalid argument: cannot encrypt a message to key id ", last.Errors.Single(), StringComparison.Ordinal);
        Assert.False((await Call(lab.B, "GET", Attempt)).Json.GetProperty("started").GetBoolean());
    }

    [Fact]
    public void InitWithPgpKeys_EachShareIsItsHexTextEncryptedForTheKeyOfItsPosition()
    {
        using var lab = new LabHarness(1, shares: 2, threshold: 2, pgpKeys: [PgpKey("rsa.pub.asc"), PgpKey("ecc.pub.asc")]);
        var encrypted = lab.A.EncryptedUnsealKeysBase64;
        Assert.Equal(2, encrypted.Count);
        Assert.Equal(lab.A.UnsealKeysHex[0], Decrypt(Convert.FromBase64String(encrypted[0]), "rsa.sec.asc", "correct horse"));
        Assert.Equal(lab.A.UnsealKeysHex[1], Decrypt(Convert.FromBase64String(encrypted[1]), "ecc.sec.asc"));
        Assert.Matches("^[0-9a-f]{66}$", lab.A.UnsealKeysHex[1]);
    }

    [Fact]
    public void InitWithoutPgpKeys_HasNoEncryptedShares()
    {
        using var lab = new LabHarness(1);
        Assert.Empty(lab.A.EncryptedUnsealKeysBase64);
    }

    [Fact]
    public void Arguments_PgpKeyFiles_ArmoredBase64OrBinary_OnePerShare()
    {
        var folder = Directory.CreateTempSubdirectory("vaultdr-lab-pgp-");
        try
        {
            var binary = System.IO.Path.Combine(folder.FullName, "ecc.gpg");
            File.WriteAllBytes(binary, Convert.FromBase64String(PgpKey("ecc.pub.asc")));
            var base64 = System.IO.Path.Combine(folder.FullName, "rsa.b64");
            File.WriteAllText(base64, PgpKey("rsa.pub.asc"));

            var parsed = LabArguments.Parse(["--key-shares", "3", "--key-threshold", "2", "--pgp-key", Path("rsa.pub.asc"), "--pgp-key", binary, "--pgp-key", base64], out var error);

            Assert.Null(error);
            Assert.Equal([PgpKey("rsa.pub.asc"), PgpKey("ecc.pub.asc"), PgpKey("rsa.pub.asc")], parsed!.Options.PgpKeys);

            var twoKeys = System.IO.Path.Combine(folder.FullName, "two.asc");
            File.WriteAllText(twoKeys, Encoding.ASCII.GetString(ArmoredRing(PgpKey("rsa.pub.asc"), PgpKey("ecc.pub.asc"))));
            Assert.Null(LabArguments.Parse(["--key-shares", "1", "--key-threshold", "1", "--pgp-key", twoKeys], out error));
            Assert.Equal($"--pgp-key {twoKeys}: more than one key found in file \"{twoKeys}\"", error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--pgp-key", "rsa.pub.asc" }, "incorrect number of PGP keys: 1 --pgp-key for 5 --key-shares (one key per share).")]
    [InlineData(new[] { "--key-shares", "1", "--key-threshold", "1", "--pgp-key", "signonly.pub.asc" }, "nothing can be encrypted to key")]
    [InlineData(new[] { "--key-shares", "1", "--key-threshold", "1", "--pgp-key", "missing.asc" }, "error reading file:")]
    [InlineData(new[] { "--key-shares", "1", "--key-threshold", "1", "--auto-unseal", "--pgp-key", "rsa.pub.asc" }, "--pgp-key encrypts unseal keys; an --auto-unseal cluster has recovery keys instead")]
    public void Arguments_BadPgpKeys_AreRefused(string[] args, string error)
    {
        var resolved = args.Select(a => a.EndsWith(".asc", StringComparison.Ordinal) ? Path(a) : a).ToArray();
        Assert.Null(LabArguments.Parse(resolved, out var message));
        Assert.Contains(error, message, StringComparison.Ordinal);
    }

    private static byte[] ArmoredRing(params string[] keys)
    {
        using var output = new MemoryStream();
        using (var armored = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(output))
        {
            foreach (var key in keys)
            {
                armored.Write(Convert.FromBase64String(key));
            }
        }

        return output.ToArray();
    }
}
