using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

public sealed class HealthAndSealTests : IDisposable
{
    private readonly LabHarness _lab = new(2);

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task Health_Active_HasVaultsFields()
    {
        var reply = await Call(_lab.A, "GET", "/v1/sys/health");
        Assert.Equal(200, reply.Status);
        var body = reply.Json;
        Assert.True(body.GetProperty("initialized").GetBoolean());
        Assert.False(body.GetProperty("sealed").GetBoolean());
        Assert.False(body.GetProperty("standby").GetBoolean());
        Assert.False(body.GetProperty("performance_standby").GetBoolean());
        Assert.Equal("disabled", body.GetProperty("replication_performance_mode").GetString());
        Assert.Equal("disabled", body.GetProperty("replication_dr_mode").GetString());
        Assert.Equal(_lab.Time.GetUtcNow().ToUnixTimeSeconds(), body.GetProperty("server_time_utc").GetInt64());
        Assert.Equal("1.15.0+ent", body.GetProperty("version").GetString());
        Assert.Contains("\"1.15.0+ent\"", reply.Raw); // '+' not escaped
        Assert.Equal("vault-1", body.GetProperty("cluster_name").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("cluster_id").GetString(), out _));

        await EnablePrimary(_lab.A);
        var primary = await Call(_lab.A, "GET", "/v1/sys/health");
        Assert.Equal(200, primary.Status);
        Assert.Equal("primary", primary.Json.GetProperty("replication_dr_mode").GetString());
        Assert.Equal((await DrStatus(_lab.A)).GetProperty("cluster_id").GetString(), primary.Json.GetProperty("cluster_id").GetString());
    }

    [Fact]
    public async Task Health_Codes_AndQueryOverrides()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        Assert.Equal(472, (await Call(_lab.B, "GET", "/v1/sys/health")).Status);
        Assert.Equal("secondary", (await Call(_lab.B, "GET", "/v1/sys/health")).Json.GetProperty("replication_dr_mode").GetString());
        Assert.Equal(200, (await Call(_lab.B, "GET", "/v1/sys/health", query: new() { ["drsecondarycode"] = "200" })).Status);
        Assert.Equal(299, (await Call(_lab.A, "GET", "/v1/sys/health", query: new() { ["activecode"] = "299", ["standbyok"] = "true", ["perfstandbyok"] = "true" })).Status);

        _lab.A.Seal();
        var sealedReply = await Call(_lab.A, "GET", "/v1/sys/health");
        Assert.Equal(503, sealedReply.Status);
        Assert.True(sealedReply.Json.GetProperty("sealed").GetBoolean());
        Assert.False(sealedReply.Json.TryGetProperty("cluster_id", out _));
        Assert.Equal(200, (await Call(_lab.A, "GET", "/v1/sys/health", query: new() { ["sealedcode"] = "200" })).Status);
        Assert.Equal(503, (await Call(_lab.A, "GET", "/v1/sys/health", query: new() { ["uninitcode"] = "200", ["standbycode"] = "200", ["performancestandbycode"] = "200" })).Status);

        var head = await _lab.A.HandleApiAsync(LabRequest.Create("HEAD", "/v1/sys/health"), CancellationToken.None);
        Assert.Equal(503, head.Status);
        Assert.Null(head.Json);
    }

    [Fact]
    public async Task Sealed_RefusesEverythingButSealPaths_AndUnsealsWithThresholdKeys()
    {
        Assert.Equal(204, (await Root(_lab.A, "PUT", "/v1/sys/seal")).Status);
        Assert.True(_lab.A.Sealed);
        foreach (var path in new[] { "/v1/sys/replication/dr/status", "/v1/secret/x", "/v1/sys/leader", "/v1/sys/replication/dr/secondary/generate-operation-token/attempt" })
        {
            var reply = await Root(_lab.A, "GET", path);
            Assert.Equal(503, reply.Status);
            Assert.Equal("""{"errors":["Vault is sealed"]}""", reply.Raw);
        }

        var status = await Call(_lab.A, "GET", "/v1/sys/seal-status");
        Assert.Equal(200, status.Status);
        Assert.True(status.Json.GetProperty("sealed").GetBoolean());
        Assert.Equal(3, status.Json.GetProperty("t").GetInt32());
        Assert.Equal(5, status.Json.GetProperty("n").GetInt32());
        Assert.Equal(0, status.Json.GetProperty("progress").GetInt32());

        Assert.Equal(["'key' must be specified in request body as JSON, or 'reset' set to true"], (await Call(_lab.A, "PUT", "/v1/sys/unseal", new { })).Errors);
        Assert.Equal(["'key' must be a valid hex or base64 string"], (await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key = "%%%" })).Errors);

        var one = await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key = _lab.A.UnsealKeysHex[0] });
        Assert.Equal(1, one.Json.GetProperty("progress").GetInt32());
        var same = await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key = _lab.A.UnsealKeysBase64[0] });
        Assert.Equal(1, same.Json.GetProperty("progress").GetInt32());
        var reset = await Call(_lab.A, "PUT", "/v1/sys/unseal", new { reset = true });
        Assert.Equal(0, reset.Json.GetProperty("progress").GetInt32());

        // A foreign share fails at the threshold.
        await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key = _lab.A.UnsealKeysHex[0] });
        await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key = _lab.A.UnsealKeysHex[1] });
        Assert.Equal(400, (await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key = _lab.B.UnsealKeysHex[0] })).Status);
        Assert.True(_lab.A.Sealed);

        foreach (var key in _lab.A.UnsealKeysBase64.Skip(2))
        {
            await Call(_lab.A, "PUT", "/v1/sys/unseal", new { key });
        }

        Assert.False(_lab.A.Sealed);
        var open = await Call(_lab.A, "GET", "/v1/sys/seal-status");
        Assert.False(open.Json.GetProperty("sealed").GetBoolean());
        Assert.Equal("vault-1", open.Json.GetProperty("cluster_name").GetString());
        Assert.Equal(200, (await Root(_lab.A, "GET", "/v1/sys/replication/dr/status")).Status);
    }

    [Fact]
    public async Task Seal_NeedsToken_AndSealedPrimaryStopsServingSecondaries()
    {
        Assert.Equal(403, (await Call(_lab.A, "PUT", "/v1/sys/seal")).Status);
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        _lab.A.Seal();
        await _lab.Beat();
        Assert.Equal("transient_failure", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        _lab.A.Unseal();
        await _lab.Settle();
        Assert.Equal("stream-wals", (await DrStatus(_lab.B)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task SecondaryUnsealsWithPrimarysKeys()
    {
        await EnablePrimary(_lab.A);
        var ownKeys = _lab.B.UnsealKeysHex;
        await Activate(_lab.A, _lab.B, "dr-b");
        _lab.B.Seal();
        foreach (var key in ownKeys.Take(3))
        {
            await Call(_lab.B, "PUT", "/v1/sys/unseal", new { key });
        }

        Assert.True(_lab.B.Sealed);
        foreach (var key in _lab.A.UnsealKeysHex.Take(3))
        {
            await Call(_lab.B, "PUT", "/v1/sys/unseal", new { key });
        }

        Assert.False(_lab.B.Sealed);
    }

    [Fact]
    public async Task Leader_AndInit()
    {
        var leader = await Call(_lab.A, "GET", "/v1/sys/leader");
        Assert.True(leader.Json.GetProperty("is_self").GetBoolean());
        Assert.Equal("https://127.0.0.1:8200", leader.Json.GetProperty("leader_address").GetString());
        Assert.Equal("""{"initialized":true}""", (await Call(_lab.A, "GET", "/v1/sys/init")).Raw);
    }
}
