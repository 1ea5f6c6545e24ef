using System.Security.Cryptography;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

public sealed class OperationTokenTests
{
    private const string Attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
    private const string Update = "/v1/sys/replication/dr/secondary/generate-operation-token/update";

    private static async Task<LabHarness> SecondaryLab(string version = "1.15", int threshold = 3)
    {
        var lab = new LabHarness(2, version, 5, threshold);
        await EnablePrimary(lab.A);
        await Activate(lab.A, lab.B, "dr-b");
        return lab;
    }

    [Theory]
    [InlineData("1.15", 28, "^hvs\\.[A-Za-z0-9]{24}$")]
    [InlineData("1.9", 26, "^s\\.[A-Za-z0-9]{24}$")]
    [InlineData("1.0", 26, "^s\\.[A-Za-z0-9]{24}$")]
    public async Task Ceremony_ModernOtp_DecodesToToken(string version, int otpLength, string tokenPattern)
    {
        using var lab = await SecondaryLab(version);
        var idle = await Call(lab.B, "GET", Attempt);
        Assert.Equal(
            $$"""{"nonce":"","started":false,"progress":0,"required":3,"complete":false,"encoded_token":"","encoded_root_token":"","pgp_fingerprint":"","otp":"","otp_length":{{otpLength}}}""",
            idle.Raw);

        var start = await Call(lab.B, "PUT", Attempt, new { });
        Assert.Equal(200, start.Status);
        var otp = start.Json.GetProperty("otp").GetString()!;
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        Assert.Matches($"^[A-Za-z0-9]{{{otpLength}}}$", otp);
        Assert.Equal(otpLength, start.Json.GetProperty("otp_length").GetInt32());
        Assert.True(start.Json.GetProperty("started").GetBoolean());
        Assert.True(Guid.TryParse(nonce, out _));

        // The OTP is shown once only.
        var read = await Call(lab.B, "GET", Attempt);
        Assert.Equal("", read.Json.GetProperty("otp").GetString());
        Assert.Equal(nonce, read.Json.GetProperty("nonce").GetString());

        var first = await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysHex[0], nonce });
        Assert.Equal(1, first.Json.GetProperty("progress").GetInt32());
        Assert.False(first.Json.GetProperty("complete").GetBoolean());
        await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysBase64[3], nonce }); // base64 works too
        var last = await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysHex[4], nonce });
        Assert.Equal(200, last.Status);
        Assert.True(last.Json.GetProperty("complete").GetBoolean());
        Assert.Equal(3, last.Json.GetProperty("progress").GetInt32());
        Assert.Equal("", last.Json.GetProperty("encoded_root_token").GetString());
        var encoded = last.Json.GetProperty("encoded_token").GetString()!;
        Assert.DoesNotContain('=', encoded);

        var token = DecodeModern(encoded, otp);
        Assert.Matches(tokenPattern, token);

        // The attempt is over; the token authorises a DR call.
        Assert.False((await Call(lab.B, "GET", Attempt)).Json.GetProperty("started").GetBoolean());
        Assert.Equal(200, (await Call(lab.B, "POST", "/v1/sys/replication/dr/secondary/disable", new { dr_operation_token = token })).Status);
    }

    [Fact]
    public async Task Ceremony_Legacy_UsesCallersOtp_AndUuidToken()
    {
        using var lab = await SecondaryLab("0.11");
        var missing = await Call(lab.B, "PUT", Attempt, new { });
        Assert.Equal(400, missing.Status);

        var otpBytes = RandomNumberGenerator.GetBytes(16);
        var otp = Convert.ToBase64String(otpBytes);
        var start = await Call(lab.B, "PUT", Attempt, new { otp });
        Assert.Equal(200, start.Status);
        Assert.Equal(0, start.Json.GetProperty("otp_length").GetInt32());
        Assert.Equal("", start.Json.GetProperty("otp").GetString());
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        Reply last = start;
        foreach (var key in lab.B.UnsealKeysHex.Take(3))
        {
            last = await Call(lab.B, "PUT", Update, new { key, nonce });
        }

        var encoded = last.Json.GetProperty("encoded_token").GetString()!;
        Assert.EndsWith("==", encoded); // padded base64 of 16 bytes
        var bytes = Convert.FromBase64String(encoded);
        for (var i = 0; i < 16; i++)
        {
            bytes[i] ^= otpBytes[i];
        }

        var token = new Guid(bytes, bigEndian: true).ToString("D");
        Assert.Equal(204, (await Call(lab.B, "POST", "/v1/sys/replication/dr/secondary/operation-token/delete", new { dr_operation_token = token })).Status);
        Assert.Equal(400, (await Call(lab.B, "POST", "/v1/sys/replication/dr/secondary/operation-token/delete", new { dr_operation_token = token })).Status);

        Assert.Equal(400, (await Call(lab.B, "PUT", Attempt, new { otp = Convert.ToBase64String(new byte[8]) })).Status);
    }

    [Fact]
    public async Task Ceremony_Errors_AreVaultsTexts()
    {
        using var lab = await SecondaryLab();
        var noAttempt = await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysHex[0], nonce = "x" });
        Assert.Equal("""{"errors":["no root generation in progress"]}""", noAttempt.Raw);

        var start = await Call(lab.B, "PUT", Attempt, new { });
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        var again = await Call(lab.B, "PUT", Attempt, new { });
        Assert.Equal(400, again.Status);
        Assert.Equal("""{"errors":["root generation already in progress"]}""", again.Raw);

        var badNonce = await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysHex[0], nonce = "wrong" });
        Assert.Equal(400, badNonce.Status);
        Assert.Equal([$"incorrect nonce supplied; nonce for this root generation operation is \"{nonce}\""], badNonce.Errors);
        Assert.Contains("\\\"", badNonce.Raw); // the quotes are escaped as \" like Go, not \u0022

        var badKey = await Call(lab.B, "PUT", Update, new { key = "not hex or base64!", nonce });
        Assert.Equal("""{"errors":["'key' must be a valid hex or base64 string"]}""", badKey.Raw);

        Assert.Equal(200, (await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysHex[0], nonce })).Status);
        var dup = await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysBase64[0], nonce });
        Assert.Equal("""{"errors":["given key has already been provided during this generation operation"]}""", dup.Raw);

        // A well-formed share that is not one of this cluster's: found at the threshold, progress reset.
        await Call(lab.B, "PUT", Update, new { key = lab.B.UnsealKeysHex[1], nonce });
        var wrong = await Call(lab.B, "PUT", Update, new { key = Convert.ToHexString(RandomNumberGenerator.GetBytes(33)), nonce });
        Assert.Equal(400, wrong.Status);
        Assert.Single(wrong.Errors);
        var after = await Call(lab.B, "GET", Attempt);
        Assert.Equal(0, after.Json.GetProperty("progress").GetInt32());
        Assert.True(after.Json.GetProperty("started").GetBoolean());

        // The secondary's own pre-enable keys no longer work: only the primary's do.
        Assert.Equal(lab.A.UnsealKeysHex, lab.B.UnsealKeysHex);

        Assert.Equal(204, (await Call(lab.B, "DELETE", Attempt)).Status);
        Assert.False((await Call(lab.B, "GET", Attempt)).Json.GetProperty("started").GetBoolean());
        Assert.Equal(405, (await Call(lab.B, "GET", Update)).Status);
    }

    [Fact]
    public async Task Ceremony_OnVault2_RequiresToken()
    {
        using var lab = await SecondaryLab("2.0");
        Assert.Equal("""{"errors":["permission denied"]}""", (await Call(lab.B, "GET", Attempt)).Raw);
        Assert.Equal(403, (await Call(lab.B, "PUT", Attempt, new { })).Status);
        Assert.Equal(403, (await Call(lab.B, "PUT", Attempt, new { }, "hvs.bogusbogusbogusbogusbogu")).Status);
        var token = await lab.OperationToken(lab.B); // uses the (replicated) root token
        Assert.Matches("^hvs\\.", token);

        using var old = await SecondaryLab("1.15");
        Assert.Equal(200, (await Call(old.B, "GET", Attempt)).Status);
    }

    [Fact]
    public async Task Ceremony_OnDemotedPrimary_UsesItsOwnKeys()
    {
        using var lab = new LabHarness(1);
        await EnablePrimary(lab.A);
        await Root(lab.A, "POST", "/v1/sys/replication/dr/primary/demote");
        var token = await lab.OperationToken(lab.A);
        Assert.StartsWith("hvs.", token);
    }
}
