using System.Management.Automation;
using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// Start-VaultDrReindex -Wait's watch, on scripted statuses and a stepping clock: it follows the stages with a progress
/// bar that is always completed, rides out a status that cannot be read, and knows a fast reindex by its epoch.
/// </summary>
public sealed class ReindexWatchTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SteppingClock _clock = new();
    private readonly WorkflowTestHost _host;
    private readonly FakeDrCluster _cluster;

    public ReindexWatchTests()
    {
        _host = new WorkflowTestHost(_clock);
        (_cluster, _) = FakeDrCluster.Pair(_clock);
    }

    [Fact]
    public async Task FollowsEveryStage_ThroughAnUnreadableStatus_UntilTheReindexIsOver()
    {
        Script(
            Status(),
            Status(running: true, stage: "scanning"),
            Status(running: true, stage: "building", building: 100, total: 1000),
            Status(running: true, stage: "building", building: 500, total: 1000),
            Status(running: true, stage: "wal-replay"),
            null,
            Status(running: false));

        var status = await Watch(TimeSpan.FromMinutes(5));

        // Over because it was seen running and runs no more, though this Vault did not move last_reindex_epoch.
        Assert.Equal(Earlier, status.LastReindex);
        Assert.False(status.ReindexInProgress);
        var bar = _host.Progress.Where(p => p.Id == ReindexWatch.ProgressId).ToList();
        Assert.All(bar, p => Assert.Equal("Reindexing a", p.Activity));
        Assert.Equal(
            [
                "waiting for the reindex to start", "stage scanning", "stage building: 100 of 1000 keys", "stage building: 500 of 1000 keys", "stage wal-replay",
                "status not readable just now (Vault may hold a write lock while it replays WALs and commits)", "Done",
            ],
            bar.Select(p => p.Status));
        Assert.Equal([null, null, 10, 50, null, null, null], bar.Select(p => p.PercentComplete));
        Assert.True(bar[^1].Completed);
        Assert.Equal(6, _clock.Waits.Count);
    }

    [Fact]
    public async Task AReindexOverBeforeTheFirstRead_IsKnownByItsNewerEpoch()
    {
        Script(Status(last: Earlier.AddMinutes(1)));

        var status = await Watch(TimeSpan.FromMinutes(5));

        Assert.Equal(Earlier.AddMinutes(1), status.LastReindex);
        Assert.Empty(_clock.Waits);
        Assert.True(Assert.Single(_host.Progress).Completed);
    }

    [Fact]
    public async Task GivesUpAfterTheTimeout_SayingTheReindexGoesOn_AndClosesTheBar()
    {
        for (var i = 0; i < 1000; i++)
        {
            Script(Status(running: true, stage: "building", building: 10, total: 1000));
        }

        var e = await Assert.ThrowsAsync<VaultDrOperationException>(() => Watch(TimeSpan.FromSeconds(3)));

        Assert.Equal("VaultDrReindexTimeout", e.ErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, e.Category);
        Assert.StartsWith("The reindex of a (https://a.test:8200) was not over after 3 s (stage building: 10 of 1000 keys). It goes on in Vault", e.Message, StringComparison.Ordinal);
        Assert.True(_host.Progress[^1].Completed);
    }

    [Theory]
    [InlineData(null, null, false, false)]
    [InlineData(false, null, false, false)]
    [InlineData(false, null, true, true)]
    [InlineData(true, "2026-11-02T00:00:00Z", true, false)]
    [InlineData(null, "2026-11-02T00:00:00Z", false, true)]
    [InlineData(false, "2026-11-01T00:00:00Z", false, false)]
    public void IsDone_WhenNoReindexRuns_AfterOneWasSeenOrTheEpochMoved(bool? running, string? last, bool seenRunning, bool done)
    {
        var before = new DrStatus { LastReindex = Earlier };
        var status = new DrStatus { ReindexInProgress = running, LastReindex = last is null ? null : DateTimeOffset.Parse(last, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Equal(done, ReindexWatch.IsDone(before, status, seenRunning));
    }

    private static DrStatus Status(bool? running = null, string? stage = null, long? building = null, long? total = null, DateTimeOffset? last = null) => new()
    {
        Mode = DrMode.primary,
        State = "running",
        ReindexInProgress = running,
        ReindexStage = stage,
        ReindexProgress = building is null ? null : new ReindexProgress { Building = building.Value, Total = total ?? 0 },
        LastReindex = last ?? Earlier,
        LastReindexEpoch = (last ?? Earlier).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private void Script(params DrStatus?[] statuses)
    {
        foreach (var status in statuses)
        {
            _cluster.ScriptedStatuses.Enqueue(status);
        }
    }

    private Task<DrStatus> Watch(TimeSpan timeout) => new ReindexWatch(_cluster, _host.Host).WaitAsync(new DrStatus { LastReindex = Earlier }, timeout, CancellationToken.None);
}
