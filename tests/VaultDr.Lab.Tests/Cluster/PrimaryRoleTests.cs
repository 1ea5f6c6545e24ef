using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>The primary role: enable, secondary-token and the activation token it wraps, revoke, demote, disable.</summary>
public sealed class PrimaryRoleTests : IDisposable
{
    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task NewCluster_IsDisabled_WithRootTokenAndKeys()
    {
        Assert.Matches("^hvs\\.[A-Za-z0-9]{24}$", _lab.A.RootToken);
        Assert.Equal(5, _lab.A.UnsealKeysHex.Count);
        Assert.All(_lab.A.UnsealKeysHex, k => Assert.Equal(66, k.Length));
        Assert.Equal(Convert.FromHexString(_lab.A.UnsealKeysHex[0]), Convert.FromBase64String(_lab.A.UnsealKeysBase64[0]));
        Assert.False(_lab.A.Sealed);

        var dr = await Call(_lab.A, "GET", "/v1/sys/replication/dr/status");
        Assert.Equal(200, dr.Status);
        Assert.Equal("""{"mode":"disabled"}""", dr.Data.GetRawText());
        foreach (var field in new[] { "request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth" })
        {
            Assert.True(dr.Json.TryGetProperty(field, out _), field);
        }

        var all = await Call(_lab.A, "GET", "/v1/sys/replication/status");
        Assert.Equal("""{"dr":{"mode":"disabled"},"performance":{"mode":"disabled"}}""", all.Data.GetRawText());
    }

    [Fact]
    public async Task EnablePrimary_Warns_AssignsClusterId_AndSecondEnableFails()
    {
        var reply = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/enable", new { });
        Assert.Equal(200, reply.Status);
        Assert.Equal(["This cluster is being enabled as a primary for replication. Vault will be unavailable for a brief period and will resume service shortly."], reply.Warnings);
        Assert.Equal(JsonValueKind.Null, reply.Data.ValueKind);

        var status = await DrStatus(_lab.A);
        Assert.Equal("primary", status.GetProperty("mode").GetString());
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.True(Guid.TryParse(status.GetProperty("cluster_id").GetString(), out _));
        Assert.Equal(0, status.GetProperty("known_secondaries").GetArrayLength());
        Assert.Equal(0, status.GetProperty("secondaries").GetArrayLength());
        Assert.Equal(40, status.GetProperty("merkle_root").GetString()!.Length);
        Assert.Equal("https://127.0.0.1:8201", status.GetProperty("primary_cluster_addr").GetString());
        Assert.True(status.GetProperty("last_wal").GetInt64() > 0);
        Assert.Equal(status.GetProperty("last_wal").GetInt64(), status.GetProperty("last_dr_wal").GetInt64());

        var again = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/enable", new { });
        Assert.Equal(400, again.Status);
        Assert.Single(again.Errors);
    }

    [Fact]
    public async Task EnablePrimary_TakesPrimaryClusterAddr()
    {
        await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/enable", new { primary_cluster_addr = "https://lb.example:8201" });
        Assert.Equal("https://lb.example:8201", (await DrStatus(_lab.A)).GetProperty("primary_cluster_addr").GetString());
    }

    [Fact]
    public async Task KvWrite_AdvancesWal_AndMerkleRoot_OnPrimaryAndDisabled()
    {
        Assert.Equal(204, (await Root(_lab.B, "PUT", "/v1/secret/app", new { a = 1 })).Status);
        Assert.Equal(1, _lab.B.Describe().LastWal);
        var read = await Root(_lab.B, "GET", "/v1/secret/app");
        Assert.Equal("""{"a":1}""", read.Data.GetRawText());
        var missing = await Root(_lab.B, "GET", "/v1/secret/none");
        Assert.Equal(404, missing.Status);
        Assert.Equal("""{"errors":[]}""", missing.Raw);

        await EnablePrimary(_lab.A);
        var before = await DrStatus(_lab.A);
        Assert.Equal(204, (await Root(_lab.A, "POST", "/v1/secret/app", new { password = "x" })).Status);
        var after = await DrStatus(_lab.A);
        Assert.Equal(before.GetProperty("last_wal").GetInt64() + 1, after.GetProperty("last_wal").GetInt64());
        Assert.NotEqual(before.GetProperty("merkle_root").GetString(), after.GetProperty("merkle_root").GetString());
        Assert.Matches("^[0-9a-f]{40}$", after.GetProperty("merkle_root").GetString());
    }

    [Fact]
    public async Task SecondaryToken_IsWrappedEs512Jwt()
    {
        await EnablePrimary(_lab.A);
        var reply = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "dr1" });
        Assert.Equal(200, reply.Status);
        Assert.Equal(JsonValueKind.Null, reply.Data.ValueKind);
        var wrap = reply.Json.GetProperty("wrap_info");
        Assert.Equal(1800, wrap.GetProperty("ttl").GetInt64());
        Assert.Equal("sys/replication/dr/primary/secondary-token", wrap.GetProperty("creation_path").GetString());
        Assert.Equal("2025-03-01T12:00:00Z", wrap.GetProperty("creation_time").GetString());
        Assert.True(wrap.TryGetProperty("accessor", out _));
        Assert.True(wrap.TryGetProperty("wrapped_accessor", out _));

        var parts = wrap.GetProperty("token").GetString()!.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("""{"alg":"ES512","typ":"JWT"}""", Encoding.UTF8.GetString(FromB64Url(parts[0])));
        using var claims = JsonDocument.Parse(FromB64Url(parts[1]));
        Assert.Equal("https://127.0.0.1:8200", claims.RootElement.GetProperty("addr").GetString());
        Assert.Equal("wrapping", claims.RootElement.GetProperty("type").GetString());
        Assert.True(Guid.TryParse(claims.RootElement.GetProperty("jti").GetString(), out _));
        Assert.Equal(1800, claims.RootElement.GetProperty("exp").GetInt64() - claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(132, FromB64Url(parts[2]).Length); // P-521 r|s
        Assert.DoesNotContain('=', parts[2]);

        var known = (await DrStatus(_lab.A)).GetProperty("known_secondaries");
        Assert.Equal("dr1", known[0].GetString());

        var ttl = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "dr2", ttl = "5m" });
        Assert.Equal(300, ttl.Json.GetProperty("wrap_info").GetProperty("ttl").GetInt64());
    }

    [Fact]
    public async Task SecondaryToken_Errors()
    {
        var notPrimary = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "x" });
        Assert.Equal(400, notPrimary.Status);

        await EnablePrimary(_lab.A);
        var missing = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { });
        Assert.Equal(400, missing.Status);
        Assert.Equal(["missing secondary id"], missing.Errors);

        await SecondaryToken(_lab.A, "dup");
        var dup = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "dup" });
        Assert.Equal(400, dup.Status);

        var noToken = await Call(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "y" });
        Assert.Equal(403, noToken.Status);
        Assert.Equal("""{"errors":["permission denied"]}""", noToken.Raw);

        var badTtl = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "z", ttl = "soon" });
        Assert.Equal(400, badTtl.Status);
    }

    [Fact]
    public async Task ActivationToken_IsSingleUse()
    {
        await EnablePrimary(_lab.A);
        var token = await SecondaryToken(_lab.A, "dr-b");
        Assert.Equal(200, (await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token })).Status);

        var second = await Root(_lab.C, "POST", "/v1/sys/replication/dr/secondary/enable", new { token });
        Assert.Equal(400, second.Status);
        Assert.Equal(["error response unwrapping secondary token; status code is 400, message is wrapping token is not valid or does not exist"], second.Errors);

        var direct = await Call(_lab.A, "PUT", "/v1/sys/wrapping/unwrap", token: token);
        Assert.Equal(400, direct.Status);
        Assert.Equal("""{"errors":["wrapping token is not valid or does not exist"]}""", direct.Raw);
        Assert.Equal("disabled", (await DrStatus(_lab.C)).GetProperty("mode").GetString());
    }

    [Fact]
    public async Task ActivationToken_Expires()
    {
        await EnablePrimary(_lab.A);
        var token = await SecondaryToken(_lab.A, "dr-b", ttl: "60s");
        _lab.Time.Advance(TimeSpan.FromSeconds(61));
        var reply = await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token });
        Assert.Equal(400, reply.Status);
        Assert.Equal(["error response unwrapping secondary token; status code is 400, message is wrapping token is not valid or does not exist"], reply.Errors);

        // An expired, unused activation frees its id.
        await SecondaryToken(_lab.A, "dr-b");
    }

    [Fact]
    public async Task Unwrap_ReturnsSecondaryCredentials_AndRejectsForgedTokens()
    {
        await EnablePrimary(_lab.A);
        var token = await SecondaryToken(_lab.A, "dr-b");
        var unwrap = await Call(_lab.A, "PUT", "/v1/sys/wrapping/unwrap", token: token);
        Assert.Equal(200, unwrap.Status);
        Assert.Equal("dr-b", unwrap.Data.GetProperty("secondary_id").GetString());
        Assert.Equal(_lab.A.RootToken, unwrap.Data.GetProperty("root_token").GetString());
        Assert.Equal(5, unwrap.Data.GetProperty("unseal_keys_hex").GetArrayLength());
        Assert.True(unwrap.Data.GetProperty("token_store").TryGetProperty(_lab.A.RootToken, out _));

        // Same claims, signature from another key: refused.
        var other = await SecondaryTokenFromOtherCluster();
        var parts = token.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + other.Split('.')[2];
        Assert.Equal(400, (await Call(_lab.A, "PUT", "/v1/sys/wrapping/unwrap", token: forged)).Status);
        Assert.Equal(400, (await Call(_lab.A, "PUT", "/v1/sys/wrapping/unwrap", token: "garbage")).Status);
    }

    private async Task<string> SecondaryTokenFromOtherCluster()
    {
        await EnablePrimary(_lab.C);
        return await SecondaryToken(_lab.C, "x");
    }

    [Fact]
    public async Task RevokeSecondary_CutsItOff()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();

        Assert.Equal(400, (await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/revoke-secondary", new { })).Status);
        Assert.Equal(204, (await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/revoke-secondary", new { id = "dr-b" })).Status);
        Assert.Equal(0, (await DrStatus(_lab.A)).GetProperty("known_secondaries").GetArrayLength());

        await _lab.Beat();
        var status = await DrStatus(_lab.B);
        Assert.Equal("idle", status.GetProperty("state").GetString());
        Assert.Equal("disconnected", status.GetProperty("primaries")[0].GetProperty("connection_status").GetString());
    }

    [Fact]
    public async Task Demote_KeepsClusterIdDataAndWal_AndCutsOffSecondaries()
    {
        await EnablePrimary(_lab.A);
        await Root(_lab.A, "PUT", "/v1/secret/k", new { v = 1 });
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var before = await DrStatus(_lab.A);

        var demote = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/demote");
        Assert.Equal(200, demote.Status);
        var after = await DrStatus(_lab.A);
        Assert.Equal("secondary", after.GetProperty("mode").GetString());
        Assert.Equal("idle", after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("cluster_id").GetString(), after.GetProperty("cluster_id").GetString());
        Assert.Equal(before.GetProperty("merkle_root").GetString(), after.GetProperty("merkle_root").GetString());
        Assert.Equal(before.GetProperty("last_wal").GetInt64(), after.GetProperty("last_remote_wal").GetInt64());
        Assert.Equal(0, after.GetProperty("known_primary_cluster_addrs").GetArrayLength());
        Assert.Equal(0, after.GetProperty("primaries").GetArrayLength());
        Assert.Equal("", after.GetProperty("secondary_id").GetString());

        await _lab.Beat();
        Assert.Equal("disconnected", (await DrStatus(_lab.B)).GetProperty("primaries")[0].GetProperty("connection_status").GetString());
    }

    [Fact]
    public async Task DisablePrimary_ForgetsClusterId_AndSecondariesSeeDisconnected()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var disable = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/disable");
        Assert.Equal(200, disable.Status);
        Assert.Equal("""{"mode":"disabled"}""", (await DrStatus(_lab.A)).GetRawText());
        Assert.Null(_lab.A.Describe().ClusterId);

        await _lab.Beat();
        var b = await DrStatus(_lab.B);
        Assert.Equal("disconnected", b.GetProperty("primaries")[0].GetProperty("connection_status").GetString());
        Assert.Equal("transient_failure", b.GetProperty("state").GetString());

        Assert.Equal(400, (await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/disable")).Status);
        Assert.Equal(400, (await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/demote")).Status);
    }

    [Fact]
    public void Jwt_SignatureVerifies_WithP521()
    {
        // Sanity check of the signing helper against .NET's own verifier.
        using var signer = new WrappingTokenSigner();
        var jwt = signer.Sign("https://x:8200", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(30), "jti-1");
        Assert.Equal("jti-1", signer.Verify(jwt));
        Assert.Null(signer.Verify(jwt[..^4] + "AAAA"));
        _ = SHA512.HashData([]); // ES512 = ECDSA P-521 with SHA-512
    }

    private static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
