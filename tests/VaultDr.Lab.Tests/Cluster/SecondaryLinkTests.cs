using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>The secondary link: enable, update-primary, promote and disable, and the operation tokens they need.</summary>
public sealed class SecondaryLinkTests : IDisposable
{
    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

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
}
