using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

public sealed class ReplicationTests : IDisposable
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
    public async Task EnableSecondary_WipesData_AdoptsClusterIdKeysAndRootToken()
    {
        await EnablePrimary(_lab.A);
        await Root(_lab.A, "PUT", "/v1/secret/shared", new { v = "primary" });
        await Root(_lab.B, "PUT", "/v1/secret/local-only", new { v = "secondary" });
        var oldRoot = _lab.B.RootToken;

        var token = await SecondaryToken(_lab.A, "dr-b");
        var reply = await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token });
        Assert.Equal(200, reply.Status);
        Assert.Equal(["Vault has successfully found secondary information; it may take a while to perform setup tasks. Vault will be unavailable until these tasks and initial sync complete."], reply.Warnings);

        Assert.Equal(_lab.A.UnsealKeysHex, _lab.B.UnsealKeysHex);
        Assert.Equal(_lab.A.RootToken, _lab.B.RootToken);
        Assert.NotEqual(oldRoot, _lab.B.RootToken);

        var status = await DrStatus(_lab.B);
        Assert.Equal("secondary", status.GetProperty("mode").GetString());
        Assert.Equal("connecting", status.GetProperty("state").GetString());
        Assert.Equal((await DrStatus(_lab.A)).GetProperty("cluster_id").GetString(), status.GetProperty("cluster_id").GetString());
        Assert.Equal("dr-b", status.GetProperty("secondary_id").GetString());
        Assert.Equal("https://127.0.0.1:8201", status.GetProperty("primary_cluster_addr").GetString());
        Assert.Equal(["https://127.0.0.1:8201"], status.GetProperty("known_primary_cluster_addrs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, status.GetProperty("last_remote_wal").GetInt64());
        Assert.Equal(0, _lab.B.Describe().LastWal); // wiped

        // The unwrap went to the primary's API address through the transport.
        Assert.Contains(_lab.Transport.Sent, s => s.From == "vault-2" && s.Target.Authority == "127.0.0.1:8200" && s.Path == "/v1/sys/wrapping/unwrap");
    }

    [Fact]
    public async Task Secondary_WalksStates_ThenCatchesUp()
    {
        await EnablePrimary(_lab.A);
        await Root(_lab.A, "PUT", "/v1/secret/one", new { v = 1 });
        await Activate(_lab.A, _lab.B, "dr-b");

        var seen = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await _lab.Beat();
            var state = (await DrStatus(_lab.B)).GetProperty("state").GetString()!;
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }
        }

        Assert.Equal(["connecting", "merkle-diff", "merkle-sync", "stream-wals"], seen);
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");

        // The primary writes; the secondary is behind (merkle-sync) until CatchUpDelay has passed.
        await Root(_lab.A, "PUT", "/v1/secret/two", new { v = 2 });
        await _lab.Beat();
        var behind = await DrStatus(_lab.B);
        Assert.Equal("merkle-sync", behind.GetProperty("state").GetString());
        Assert.True(behind.GetProperty("last_remote_wal").GetInt64() < (await DrStatus(_lab.A)).GetProperty("last_wal").GetInt64());
        await _lab.Beat(2);
        Assert.Equal("merkle-sync", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        await _lab.Beat(2);
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task TokensMadeOnPrimary_Replicate()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "default" } });
        Assert.Equal(200, created.Status);
        var token = created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");

        // After promotion the replicated token works on the new primary.
        var op = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = op })).Status);
        Assert.Equal(200, (await Call(_lab.B, "GET", "/v1/auth/token/lookup-self", token: token)).Status);
        Assert.Equal(204, (await Call(_lab.B, "PUT", "/v1/secret/after", new { a = 1 }, token)).Status);
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
    public async Task EnableSecondary_Errors()
    {
        await EnablePrimary(_lab.A);
        var token = await SecondaryToken(_lab.A, "dr-b");

        // On a primary.
        var onPrimary = await Root(_lab.A, "POST", "/v1/sys/replication/dr/secondary/enable", new { token });
        Assert.Equal(400, onPrimary.Status);

        // Unauthenticated.
        Assert.Equal(403, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token })).Status);

        // Primary unreachable: a clear connection error, nothing changed.
        _lab.Transport.Down.Add("vault-1");
        var down = await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token });
        Assert.Equal(400, down.Status);
        Assert.Equal("error unwrapping secondary token: Put \"https://127.0.0.1:8200/v1/sys/wrapping/unwrap\": dial tcp 127.0.0.1:8200: connect: connection refused", down.Errors[0]);
        Assert.Equal("disabled", (await DrStatus(_lab.B)).GetProperty("mode").GetString());
        _lab.Transport.Down.Clear();

        // primary_api_addr overrides the token's addr claim.
        var wrongAddr = await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token, primary_api_addr = "https://127.0.0.3:8200" });
        Assert.Equal(400, wrongAddr.Status);
        Assert.Equal(["error response unwrapping secondary token; status code is 400, message is wrapping token is not valid or does not exist"], wrongAddr.Errors);
        Assert.Equal(200, (await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token, primary_api_addr = "https://127.0.0.1:8200", ca_file = "", ca_path = "" })).Status);
    }

    [Fact]
    public async Task PublicKeyActivation_Works()
    {
        await EnablePrimary(_lab.A);
        var key = await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/generate-public-key");
        Assert.Equal(200, key.Status);
        var publicKey = key.Data.GetProperty("secondary_public_key").GetString()!;
        Convert.FromBase64String(publicKey);

        var issued = await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/secondary-token", new { id = "dr-b", secondary_public_key = publicKey });
        Assert.Equal(200, issued.Status);
        Assert.Equal(JsonValueKind.Null, issued.Json.GetProperty("wrap_info").ValueKind);
        var blob = issued.Data.GetProperty("token").GetString()!;

        // Another cluster cannot open it.
        await Root(_lab.C, "POST", "/v1/sys/replication/dr/secondary/generate-public-key");
        Assert.Equal(400, (await Root(_lab.C, "POST", "/v1/sys/replication/dr/secondary/enable", new { token = blob })).Status);

        _lab.Transport.Down.Add("vault-1"); // no unwrap call is needed
        Assert.Equal(200, (await Root(_lab.B, "POST", "/v1/sys/replication/dr/secondary/enable", new { token = blob })).Status);
        _lab.Transport.Down.Clear();
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
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
    public async Task Primary_SeesSecondaryConnected_ThenDisconnected()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var entry = (await DrStatus(_lab.A)).GetProperty("secondaries")[0];
        Assert.Equal("connected", entry.GetProperty("connection_status").GetString());

        _lab.Transport.Partitions.Add(("vault-2", "vault-1"));
        await _lab.Beat(11);
        entry = (await DrStatus(_lab.A)).GetProperty("secondaries")[0];
        Assert.Equal("disconnected", entry.GetProperty("connection_status").GetString());
        var b = await DrStatus(_lab.B);
        Assert.Equal("transient_failure", b.GetProperty("state").GetString());
        Assert.Equal("disconnected", b.GetProperty("primaries")[0].GetProperty("connection_status").GetString());

        _lab.Transport.Partitions.Clear();
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task StoppedSecondary_SendsNothing()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        _lab.B.Running = false;
        _lab.Transport.Sent.Clear();
        await _lab.Beat(3);
        Assert.Empty(_lab.Transport.Sent);
        Assert.False(_lab.B.Describe().Running);
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
    public async Task Promote_WhileBehind_Needs_Force_AndTwoPrimariesCanExist()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);

        await Root(_lab.A, "PUT", "/v1/secret/new", new { v = 1 });
        await _lab.Beat(); // behind: merkle-sync
        var refused = await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = op });
        Assert.Equal(503, refused.Status);
        Assert.Single(refused.Errors);

        var forced = await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = op, force = true });
        Assert.Equal(200, forced.Status);
        Assert.Equal(["This cluster is being promoted to a replication primary. Vault will be unavailable for a brief period and will resume service shortly."], forced.Warnings);

        var a = await DrStatus(_lab.A);
        var b = await DrStatus(_lab.B);
        Assert.Equal("primary", a.GetProperty("mode").GetString());
        Assert.Equal("primary", b.GetProperty("mode").GetString());
        Assert.Equal("running", b.GetProperty("state").GetString());
        Assert.Equal(a.GetProperty("cluster_id").GetString(), b.GetProperty("cluster_id").GetString());
        // Forced while behind: the new primary lacks the last write.
        Assert.Equal(404, (await Root(_lab.B, "GET", "/v1/secret/new")).Status);
    }

    [Fact]
    public async Task Promote_CaughtUp_OrPrimaryGone_NeedsNoForce()
    {
        await EnablePrimary(_lab.A);
        await Root(_lab.A, "PUT", "/v1/secret/k", new { v = 1 });
        await Activate(_lab.A, _lab.B, "dr-b");
        await Activate(_lab.A, _lab.C, "dr-c");
        await _lab.Settle();

        var opB = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = opB })).Status);
        Assert.Equal("""{"v":1}""", (await Root(_lab.B, "GET", "/v1/secret/k")).Data.GetRawText());

        // C's primary stops during C's catch-up: promotion without force is allowed (primary unreachable).
        await Root(_lab.A, "PUT", "/v1/secret/k2", new { v = 2 });
        await _lab.Beat();
        _lab.Transport.Down.Add("vault-1");
        await _lab.Beat(11);
        var opC = await _lab.OperationToken(_lab.C);
        Assert.Equal(200, (await Call(_lab.C, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = opC })).Status);
    }

    [Fact]
    public async Task Promote_DuringInitialSync_IsRefused()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Beat(); // connecting
        var op = await _lab.OperationToken(_lab.B);
        Assert.Equal(503, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = op })).Status);
    }

    [Fact]
    public async Task Failback_UpdatePrimary_FollowsNewPrimaryWithoutWipe()
    {
        await EnablePrimary(_lab.A);
        await Root(_lab.A, "PUT", "/v1/secret/k", new { v = 1 });
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var clusterId = (await DrStatus(_lab.A)).GetProperty("cluster_id").GetString();

        // Failover: demote A, promote B, write on B.
        await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/demote");
        var opB = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = opB })).Status);
        await Root(_lab.B, "PUT", "/v1/secret/k", new { v = 2 });

        // Failback: A follows B.
        var token = await SecondaryToken(_lab.B, "old-a");
        var opA = await _lab.OperationToken(_lab.A);
        var update = await Call(_lab.A, "POST", "/v1/sys/replication/dr/secondary/update-primary", new { dr_operation_token = opA, token });
        Assert.Equal(200, update.Status);
        var a = await DrStatus(_lab.A);
        Assert.Equal("connecting", a.GetProperty("state").GetString());
        Assert.Equal(clusterId, a.GetProperty("cluster_id").GetString());
        Assert.Equal(["https://127.0.0.2:8201"], a.GetProperty("known_primary_cluster_addrs").EnumerateArray().Select(e => e.GetString()));
        Assert.True(_lab.A.Describe().LastWal > 0); // not wiped

        await _lab.Settle();
        await AssertCaughtUp(_lab.B, _lab.A, "old-a");

        // Delete the operation token; it is no longer usable.
        Assert.Equal(204, (await Call(_lab.A, "POST", "/v1/sys/replication/dr/secondary/operation-token/delete", new { dr_operation_token = opA })).Status);
        var reuse = await Call(_lab.A, "POST", "/v1/sys/replication/dr/secondary/update-primary", new { dr_operation_token = opA, token = "" });
        Assert.Equal(400, reuse.Status);
    }

    [Fact]
    public async Task UpdatePrimary_WithEmptyToken_ForgetsPrimary()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);
        var reply = await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/update-primary", new { dr_operation_token = op, token = "" });
        Assert.Equal(204, reply.Status);
        var b = await DrStatus(_lab.B);
        Assert.Equal("secondary", b.GetProperty("mode").GetString());
        Assert.Equal("idle", b.GetProperty("state").GetString());
        Assert.Equal(0, b.GetProperty("known_primary_cluster_addrs").GetArrayLength());
        _lab.Transport.Sent.Clear();
        await _lab.Beat(2);
        Assert.DoesNotContain(_lab.Transport.Sent, s => s.From == "vault-2");
    }

    [Fact]
    public async Task UpdatePrimary_ToAnotherReplicationSet_IsRefused()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await EnablePrimary(_lab.C);
        var foreign = await SecondaryToken(_lab.C, "b");
        var op = await _lab.OperationToken(_lab.B);
        var reply = await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/update-primary", new { dr_operation_token = op, token = foreign });
        Assert.Equal(400, reply.Status);
    }

    [Fact]
    public async Task DisableSecondary_NeedsOperationToken()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        var missing = await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/disable", new { });
        Assert.Equal(["DR operation token was not provided"], missing.Errors);
        var op = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/disable", new { dr_operation_token = op })).Status);
        Assert.Equal("""{"mode":"disabled"}""", (await DrStatus(_lab.B)).GetRawText());
    }

    [Fact]
    public async Task OperationTokenPaths_Errors()
    {
        foreach (var sub in new[] { "promote", "update-primary", "disable", "operation-token/delete", "generate-operation-token/attempt" })
        {
            var onDisabled = await Root(_lab.A, "POST", $"/v1/sys/replication/dr/secondary/{sub}", new { dr_operation_token = "x" });
            Assert.Equal(400, onDisabled.Status);
            Assert.Equal("""{"errors":["Not a DR secondary."]}""", onDisabled.Raw);
        }

        await EnablePrimary(_lab.A);
        Assert.Equal(["Not a DR secondary."], (await Root(_lab.A, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = "x" })).Errors);
        Assert.Equal(["Not a DR secondary."], (await Root(_lab.A, "GET", "/v1/sys/replication/dr/secondary/generate-operation-token/attempt")).Errors);

        await Activate(_lab.A, _lab.B, "dr-b");
        foreach (var sub in new[] { "promote", "update-primary", "disable", "operation-token/delete" })
        {
            var missing = await Call(_lab.B, "POST", $"/v1/sys/replication/dr/secondary/{sub}", new { });
            Assert.Equal("""{"errors":["DR operation token was not provided"]}""", missing.Raw);
            var invalid = await Call(_lab.B, "POST", $"/v1/sys/replication/dr/secondary/{sub}", new { dr_operation_token = "hvs.notAToken" });
            Assert.Equal(400, invalid.Status);
        }

        // The root token is not a DR operation token.
        Assert.Equal(400, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = _lab.B.RootToken })).Status);
    }

    [Fact]
    public async Task BatchOperationToken_ReplicatesAndAuthorisesPromote_UntilItsTtl()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await Activate(_lab.A, _lab.C, "dr-c");
        const string Policy = """
            path "sys/replication/dr/secondary/promote" { capabilities = [ "update" ] }
            path "sys/replication/dr/secondary/update-primary" { capabilities = [ "update" ] }
            """;
        Assert.Equal(204, (await Root(_lab.A, "PUT", "/v1/sys/policies/acl/dr-secondary-promotion", new { policy = Policy })).Status);
        Assert.Equal(204, (await Root(_lab.A, "POST", "/v1/auth/token/roles/failover-handler", new { allowed_policies = "dr-secondary-promotion", orphan = true, renewable = false, token_type = "batch" })).Status);
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create/failover-handler", new { ttl = "8h" });
        Assert.Equal(200, created.Status);
        var auth = created.Json.GetProperty("auth");
        var batch = auth.GetProperty("client_token").GetString()!;
        Assert.StartsWith("hvb.", batch);
        Assert.Equal("batch", auth.GetProperty("token_type").GetString());
        Assert.Equal(28800, auth.GetProperty("lease_duration").GetInt64());
        Assert.Contains("dr-secondary-promotion", auth.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        Assert.False(auth.GetProperty("renewable").GetBoolean());

        // Not replicated yet: invalid on the secondary.
        Assert.Equal(400, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = batch })).Status);
        await _lab.Settle();

        // It does not grant secondary/disable (not in its policy).
        Assert.Equal(400, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/disable", new { dr_operation_token = batch })).Status);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = batch })).Status);

        // Past its TTL it is refused.
        _lab.Time.Advance(TimeSpan.FromHours(9));
        Assert.Equal(400, (await Call(_lab.C, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = batch, force = true })).Status);
    }

    [Fact]
    public async Task DrSecondary_RestrictsPaths()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        foreach (var path in new[] { "/v1/secret/x", "/v1/sys/replication/dr/primary/enable", "/v1/sys/replication/dr/primary/secondary-token", "/v1/sys/wrapping/unwrap", "/v1/auth/token/create", "/v1/sys/mounts", "/v1/sys/seal" })
        {
            var reply = await Root(_lab.B, "POST", path, new { id = "x" });
            Assert.Equal(400, reply.Status);
            Assert.Equal("""{"errors":["path disabled in replication DR secondary mode"]}""", reply.Raw);
        }

        foreach (var path in new[] { "/v1/sys/replication/status", "/v1/sys/replication/dr/status", "/v1/sys/seal-status", "/v1/sys/leader", "/v1/sys/init", "/v1/sys/replication/dr/secondary/generate-operation-token/attempt" })
        {
            Assert.Equal(200, (await Call(_lab.B, "GET", path)).Status);
        }

        Assert.Equal(472, (await Call(_lab.B, "GET", "/v1/sys/health")).Status);
    }

    [Fact]
    public async Task Routing_UnknownPath404_WrongMethod405_NoToken403()
    {
        Assert.Equal("""{"errors":[]}""", (await Root(_lab.A, "GET", "/v1/nope/nothing")).Raw);
        Assert.Equal(404, (await Root(_lab.A, "GET", "/v1/nope/nothing")).Status);
        Assert.Equal(404, (await Root(_lab.A, "GET", "/v2/x")).Status);
        var wrong = await Root(_lab.A, "DELETE", "/v1/sys/replication/dr/status");
        Assert.Equal(405, wrong.Status);
        Assert.Equal("""{"errors":["unsupported operation"]}""", wrong.Raw);
        Assert.Equal(405, (await Root(_lab.A, "GET", "/v1/sys/replication/dr/primary/enable")).Status);
        Assert.Equal(403, (await Call(_lab.A, "POST", "/v1/sys/replication/dr/primary/enable", new { })).Status);
        Assert.Equal(403, (await Call(_lab.A, "PUT", "/v1/secret/x", new { a = 1 }, "hvs.wrong")).Status);
        Assert.Equal(200, (await Call(_lab.A, "GET", "/v1/sys/replication/dr/status")).Status); // unauthenticated
    }

    [Fact]
    public async Task Describe_ReportsState()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var a = _lab.A.Describe();
        var b = _lab.B.Describe();
        Assert.Equal(("vault-1", "primary", "running"), (a.Name, a.Mode, a.State));
        Assert.Equal(("secondary", "stream-wals"), (b.Mode, b.State));
        Assert.Equal(a.ClusterId, b.ClusterId);
        Assert.Equal(a.MerkleRoot, b.MerkleRoot);
        Assert.Equal(a.LastWal, b.LastRemoteWal);
        Assert.Equal(new Uri("https://127.0.0.2:8201"), b.ClusterAddress);
    }

    [Fact]
    public async Task BackgroundLoop_ReplicatesWithRealTime()
    {
        var options = new LabOptions { StateStepDelay = TimeSpan.FromMilliseconds(5), CatchUpDelay = TimeSpan.FromMilliseconds(5), HeartbeatInterval = TimeSpan.FromMilliseconds(5) };
        var transport = new InMemoryTransport();
        using var a = new EmulatedCluster("p", options, transport, TimeProvider.System) { ApiAddress = new Uri("https://10.0.0.1:8200"), ClusterAddress = new Uri("https://10.0.0.1:8201") };
        using var b = new EmulatedCluster("s", options, transport, TimeProvider.System) { ApiAddress = new Uri("https://10.0.0.2:8200"), ClusterAddress = new Uri("https://10.0.0.2:8201") };
        transport.Register(a);
        transport.Register(b);
        b.StartBackground();
        await EnablePrimary(a);
        await Root(a, "PUT", "/v1/secret/k", new { v = 1 });
        await Activate(a, b, "s");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && (b.Describe().State != "stream-wals" || b.Describe().MerkleRoot != a.Describe().MerkleRoot))
        {
            await Task.Delay(5);
        }

        Assert.Equal("stream-wals", b.Describe().State);
        Assert.Equal(a.Describe().MerkleRoot, b.Describe().MerkleRoot);
    }

    private static async Task AssertCaughtUp(EmulatedCluster primary, EmulatedCluster secondary, string id)
    {
        var p = await DrStatus(primary);
        var s = await DrStatus(secondary);
        Assert.Equal("stream-wals", s.GetProperty("state").GetString());
        Assert.Equal(p.GetProperty("last_wal").GetInt64(), s.GetProperty("last_remote_wal").GetInt64());
        Assert.True(s.GetProperty("last_remote_wal").GetInt64() > 0);
        Assert.Equal(p.GetProperty("merkle_root").GetString(), s.GetProperty("merkle_root").GetString());
        Assert.Equal(p.GetProperty("cluster_id").GetString(), s.GetProperty("cluster_id").GetString());
        var link = s.GetProperty("primaries")[0];
        Assert.Equal("connected", link.GetProperty("connection_status").GetString());
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)$", link.GetProperty("last_heartbeat").GetString());
        var entry = p.GetProperty("secondaries").EnumerateArray().Single(e => e.GetProperty("node_id").GetString() == id);
        Assert.Equal("connected", entry.GetProperty("connection_status").GetString());
        Assert.Equal(secondary.ApiAddress.ToString().TrimEnd('/'), entry.GetProperty("api_address").GetString());
        Assert.Equal(secondary.ClusterAddress.ToString().TrimEnd('/'), entry.GetProperty("cluster_address").GetString());
        Assert.Contains(id, p.GetProperty("known_secondaries").EnumerateArray().Select(e => e.GetString()));
    }

    private static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
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
}
