using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>Replication that stopped syncing and sys/replication/recover; the status endpoints and their listener switch.</summary>
public sealed class RecoverAndStatusTests : IDisposable
{
    private const string Recover = "/v1/sys/replication/recover";
    private const string SecondaryRecover = "/v1/sys/replication/dr/secondary/recover";
    private const string RecoverWarning = "Replication recovery has been triggered: the replication stream restarts. Check the replication status for its progress.";
    private const string DisabledPath = """{"errors":["disabled path"]}""";

    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task ABrokenStreamOnTheSecondary_StaysIdleAndBehind_UntilTheSecondaryFormOfRecover()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);

        _lab.B.BreakReplication();
        Assert.Equal("idle", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        await Root(_lab.A, "PUT", "/v1/secret/while-broken", new { v = 1 });
        _lab.Transport.Sent.Clear();
        await _lab.Beat(12); // the primary answers, but the secondary does not ask
        Assert.DoesNotContain(_lab.Transport.Sent, s => s.From == "vault-2");
        var broken = await DrStatus(_lab.B);
        Assert.Equal("idle", broken.GetProperty("state").GetString());
        Assert.Equal("disconnected", broken.GetProperty("primaries")[0].GetProperty("connection_status").GetString());
        Assert.True(broken.GetProperty("last_remote_wal").GetInt64() < (await DrStatus(_lab.A)).GetProperty("last_wal").GetInt64());
        Assert.Equal("disconnected", (await DrStatus(_lab.A)).GetProperty("secondaries")[0].GetProperty("connection_status").GetString());
        Assert.Contains(_lab.B.ReadLog(), e => e.Level == "ERROR" && e.Message.StartsWith("replication: replication stopped syncing", StringComparison.Ordinal));

        Assert.Equal(["path disabled in replication DR secondary mode"], (await Root(_lab.B, "POST", Recover, new { })).Errors);
        Assert.Equal(["DR operation token was not provided"], (await Call(_lab.B, "POST", SecondaryRecover, new { })).Errors);
        var recovered = await Call(_lab.B, "POST", SecondaryRecover, new { dr_operation_token = op });
        Assert.Equal(200, recovered.Status);
        Assert.Equal([RecoverWarning], recovered.Warnings);
        Assert.Equal("connecting", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task ABrokenStreamOnThePrimary_FailsItsSecondaries_UntilTheVaultTokenFormOfRecover()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        _lab.A.BreakReplication();
        await Root(_lab.A, "PUT", "/v1/secret/while-broken", new { v = 1 });
        await _lab.Beat(12);
        Assert.Equal("transient_failure", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        Assert.Equal("running", (await DrStatus(_lab.A)).GetProperty("state").GetString());

        Assert.Equal(403, (await Call(_lab.A, "POST", Recover, new { })).Status);
        var recovered = await Root(_lab.A, "POST", Recover, new { });
        Assert.Equal([RecoverWarning], recovered.Warnings);
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task WithReplicationDisabled_ThereIsNoStreamToBreakOrRecover()
    {
        Assert.Throws<InvalidOperationException>(_lab.A.BreakReplication);
        var reply = await Root(_lab.A, "POST", Recover, new { });
        Assert.Equal((400, """{"errors":["replication is not enabled on this cluster"]}"""), (reply.Status, reply.Raw));
        Assert.Equal(["Not a DR secondary."], (await Root(_lab.A, "POST", SecondaryRecover, new { dr_operation_token = "x" })).Errors);
    }

    [Fact]
    public async Task RecoverOnAStreamingSecondary_LeavesItStreaming()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", SecondaryRecover, new { dr_operation_token = op })).Status);
        Assert.Equal("stream-wals", (await DrStatus(_lab.B)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task TheThreeStatusPaths_AnswerTheDrAndPerformanceStatus()
    {
        await EnablePrimary(_lab.A);
        var performance = await Call(_lab.A, "GET", "/v1/sys/replication/performance/status");
        Assert.Equal((200, """{"mode":"disabled"}"""), (performance.Status, performance.Data.GetRawText()));
        var all = (await Call(_lab.A, "GET", "/v1/sys/replication/status")).Data;
        Assert.Equal((await DrStatus(_lab.A)).GetProperty("cluster_id").GetString(), all.GetProperty("dr").GetProperty("cluster_id").GetString());
        Assert.Equal("""{"mode":"disabled"}""", all.GetProperty("performance").GetRawText());
    }

    [Fact]
    public async Task DisabledStatusEndpoints_Answer404DisabledPath_OnEveryRole_UntilEnabledAgain()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        string[] paths = ["/v1/sys/replication/status", "/v1/sys/replication/dr/status", "/v1/sys/replication/performance/status"];
        foreach (var cluster in new[] { _lab.A, _lab.B, _lab.C })
        {
            cluster.SetStatusEndpointsDisabled(true);
            foreach (var path in paths)
            {
                var reply = await Root(cluster, "GET", path);
                Assert.Equal((404, DisabledPath), (reply.Status, reply.Raw));
            }
        }

        Assert.Equal(472, (await Call(_lab.B, "GET", "/v1/sys/health")).Status); // only the status paths are off
        _lab.B.SetStatusEndpointsDisabled(false);
        Assert.Equal("secondary", (await DrStatus(_lab.B)).GetProperty("mode").GetString());
    }
}
