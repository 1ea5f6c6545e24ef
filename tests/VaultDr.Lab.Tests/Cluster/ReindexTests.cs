using System.Globalization;
using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>Reindex: sys/replication/reindex (Vault token with sudo) and its DR secondary form (dr_operation_token).</summary>
public sealed class ReindexTests : IDisposable
{
    private const string Reindex = "/v1/sys/replication/reindex";
    private const string SecondaryReindex = "/v1/sys/replication/dr/secondary/reindex";
    private const string Warning = "Reindexing of the replication merkle trees has started. The replication status reports its progress (reindex_stage); Vault may be briefly unavailable during the wal-replay and commit stages.";
    private static readonly string[] ReindexKeys = ["reindex_building_progress", "reindex_building_total", "reindex_in_progress", "reindex_stage"];

    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task APrimarysReindex_WalksItsStagesWithTheLabsDelays_ThenRecordsWhenItCompleted()
    {
        await EnablePrimary(_lab.A);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await Root(_lab.A, "PUT", "/v1/secret/" + name, new { v = name });
        }

        var idle = await DrStatus(_lab.A);
        Assert.Equal("0", idle.GetProperty("last_reindex_epoch").GetString());
        Assert.DoesNotContain(idle.EnumerateObject(), p => p.Name.StartsWith("reindex_", StringComparison.Ordinal));

        var started = _lab.Time.GetUtcNow();
        var reply = await Root(_lab.A, "POST", Reindex, new { });
        Assert.Equal(200, reply.Status);
        Assert.Equal([Warning], reply.Warnings);
        Assert.Equal(JsonValueKind.Null, reply.Json.GetProperty("data").ValueKind);

        // 150 ms scanning, 300 ms building (3 secrets and the root token: 4 keys), 150 ms wal-replay, 150 ms commit.
        Assert.Equal(("scanning", 0, 0), await Progress(_lab.A));
        _lab.Time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(("building", 0, 4), await Progress(_lab.A));
        _lab.Time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(("building", 2, 4), await Progress(_lab.A));
        _lab.Time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(("wal-replay", 4, 4), await Progress(_lab.A));
        _lab.Time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(("commit", 4, 4), await Progress(_lab.A));
        Assert.Equal("0", (await DrStatus(_lab.A)).GetProperty("last_reindex_epoch").GetString());

        _lab.Time.Advance(TimeSpan.FromSeconds(5)); // completed 750 ms after it started, whenever someone looks
        var done = await DrStatus(_lab.A);
        Assert.DoesNotContain(done.EnumerateObject(), p => p.Name.StartsWith("reindex_", StringComparison.Ordinal));
        Assert.Equal(UnixSeconds(started + TimeSpan.FromMilliseconds(750)), done.GetProperty("last_reindex_epoch").GetString());
        Assert.Equal("running", done.GetProperty("state").GetString());
    }

    [Fact]
    public async Task WithNoDelays_AReindexHasCompletedWhenItAnswers()
    {
        using var lab = new LabHarness(stateStepDelay: TimeSpan.Zero, catchUpDelay: TimeSpan.Zero);
        await EnablePrimary(lab.A);
        Assert.Equal(200, (await Root(lab.A, "POST", Reindex, new { })).Status);
        var status = await DrStatus(lab.A);
        Assert.DoesNotContain(status.EnumerateObject(), p => p.Name.StartsWith("reindex_", StringComparison.Ordinal));
        Assert.Equal(UnixSeconds(lab.Time.GetUtcNow()), status.GetProperty("last_reindex_epoch").GetString());
    }

    [Fact]
    public async Task Diff_DoublesTheBuildingStage_AndSkipFlush_LeavesOutTheCommitWithAWarning()
    {
        await EnablePrimary(_lab.A);
        Assert.Equal(200, (await Root(_lab.A, "POST", Reindex, new { diff = true })).Status);
        _lab.Time.Advance(TimeSpan.FromMilliseconds(150 + 450));
        Assert.Equal("building", (await Progress(_lab.A)).Stage);
        _lab.Time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal("wal-replay", (await Progress(_lab.A)).Stage);
        _lab.Time.Advance(TimeSpan.FromMilliseconds(300));

        var skip = await Root(_lab.A, "POST", Reindex, new { skip_flush = true, force = true });
        Assert.Equal([Warning, "skip_flush is set: the tree flushing stage is skipped, so a new reindex may need to be done."], skip.Warnings);
        _lab.Time.Advance(TimeSpan.FromMilliseconds(599));
        Assert.Equal("wal-replay", (await Progress(_lab.A)).Stage);
        _lab.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False((await DrStatus(_lab.A)).TryGetProperty("reindex_stage", out _));
    }

    [Fact]
    public async Task ASecondReindexWhileOneRuns_IsRefused()
    {
        await EnablePrimary(_lab.A);
        Assert.Equal(200, (await Root(_lab.A, "POST", Reindex, new { })).Status);
        var again = await Root(_lab.A, "POST", Reindex, new { });
        Assert.Equal((400, """{"errors":["a reindex is already in progress"]}"""), (again.Status, again.Raw));
    }

    [Fact]
    public async Task TheVaultTokenForm_NeedsSudo_AndIsRefusedOnADrSecondary()
    {
        await EnablePrimary(_lab.A);
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "default" } });
        var plain = created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        Assert.Equal(403, (await Call(_lab.A, "POST", Reindex, new { }, plain)).Status);
        Assert.Equal(403, (await Call(_lab.A, "POST", Reindex, new { })).Status);

        await Activate(_lab.A, _lab.B, "dr-b");
        var refused = await Root(_lab.B, "POST", Reindex, new { });
        Assert.Equal((400, """{"errors":["path disabled in replication DR secondary mode"]}"""), (refused.Status, refused.Raw));
    }

    [Fact]
    public async Task TheDrSecondaryForm_IsAuthorisedByTheBodysOperationToken_AndShowsProgressInTheSecondarysStatus()
    {
        await EnablePrimary(_lab.A);
        Assert.Equal(["Not a DR secondary."], (await Root(_lab.A, "POST", SecondaryReindex, new { dr_operation_token = "x" })).Errors);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();

        Assert.Equal(["DR operation token was not provided"], (await Call(_lab.B, "POST", SecondaryReindex, new { })).Errors);
        Assert.Equal(["invalid DR operation token"], (await Call(_lab.B, "POST", SecondaryReindex, new { dr_operation_token = _lab.B.RootToken })).Errors);
        var op = await _lab.OperationToken(_lab.B);
        var reply = await Call(_lab.B, "POST", SecondaryReindex, new { dr_operation_token = op });
        Assert.Equal(200, reply.Status);
        Assert.Equal([Warning], reply.Warnings);

        var status = await DrStatus(_lab.B);
        Assert.True(status.GetProperty("reindex_in_progress").GetBoolean());
        Assert.Equal("scanning", status.GetProperty("reindex_stage").GetString());
        Assert.Equal(ReindexKeys, status.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("reindex_", StringComparison.Ordinal)));
        _lab.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(UnixSeconds(_lab.Time.GetUtcNow() - TimeSpan.FromMilliseconds(250)), (await DrStatus(_lab.B)).GetProperty("last_reindex_epoch").GetString());
        Assert.Equal("0", (await DrStatus(_lab.A)).GetProperty("last_reindex_epoch").GetString());
    }

    private static async Task<(string Stage, long Progress, long Total)> Progress(EmulatedCluster cluster)
    {
        var status = await DrStatus(cluster);
        Assert.True(status.GetProperty("reindex_in_progress").GetBoolean());
        return (status.GetProperty("reindex_stage").GetString()!, status.GetProperty("reindex_building_progress").GetInt64(), status.GetProperty("reindex_building_total").GetInt64());
    }

    private static string UnixSeconds(DateTimeOffset instant) => instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
