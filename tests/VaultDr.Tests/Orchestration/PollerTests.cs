using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

public sealed class PollerTests
{
    [Fact]
    public void Schedule_ReadsAtTheFloorWhileThingsChange()
    {
        var schedule = new PollSchedule();

        Assert.Equal(PollSchedule.Floor, schedule.Next(changed: true, TimeSpan.Zero));
        Assert.Equal(PollSchedule.Floor, schedule.Next(changed: true, TimeSpan.FromSeconds(5)));
        Assert.Equal(PollSchedule.Floor, schedule.Next(changed: true, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Schedule_StaysAtTheFloorForThePatienceAfterAChange_ThenBacksOffToTheCeiling()
    {
        var schedule = new PollSchedule();
        schedule.Next(changed: true, TimeSpan.Zero);

        Assert.Equal(PollSchedule.Floor, schedule.Next(changed: false, PollSchedule.Patience - TimeSpan.FromMilliseconds(1)));
        var first = schedule.Next(changed: false, PollSchedule.Patience);
        var second = schedule.Next(changed: false, PollSchedule.Patience + first);
        Assert.Equal(PollSchedule.Floor * 1.5, first);
        Assert.True(second > first);
        var last = second;
        for (var i = 0; i < 40; i++)
        {
            last = schedule.Next(changed: false, TimeSpan.FromSeconds(10 + i));
        }

        Assert.Equal(PollSchedule.Ceiling, last);
        Assert.Equal(PollSchedule.Floor, schedule.Next(changed: true, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task ReturnsTheFirstStateThatIsDone_AfterReadingAtTheFloor()
    {
        var clock = new SteppingClock();
        var reads = 0;

        var outcome = await new Poller(clock).UntilAsync(_ => Task.FromResult(++reads), n => n == 4, n => n.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(30), null, CancellationToken.None);

        Assert.True(outcome.Done);
        Assert.Equal(4, outcome.State);
        Assert.Equal(Enumerable.Repeat(PollSchedule.Floor, 3), clock.Waits);
        Assert.Equal(PollSchedule.Floor * 3, outcome.Elapsed);
    }

    [Fact]
    public async Task IsGentleWithAClusterThatDoesNotChange()
    {
        var clock = new SteppingClock();
        var reads = 0;

        var outcome = await new Poller(clock).UntilAsync(_ => Task.FromResult(++reads), _ => false, _ => "same", TimeSpan.FromMinutes(1), null, CancellationToken.None);

        Assert.False(outcome.Done);
        // One second of fast reads, then about one a second: far fewer than the 3000 a fixed 20 ms poll would make.
        Assert.InRange(reads, 60, 120);
        Assert.Equal(PollSchedule.Ceiling, clock.Waits[^2]);
    }

    [Fact]
    public async Task SpendsTheWholeTimeout_WithALastReadAtTheDeadline()
    {
        var clock = new SteppingClock();
        var readAt = new List<TimeSpan>();
        var start = clock.Now;

        var outcome = await new Poller(clock).UntilAsync(
            _ =>
            {
                readAt.Add(clock.Now - start);
                return Task.FromResult(0);
            },
            _ => false,
            _ => "same",
            TimeSpan.FromSeconds(3),
            null,
            CancellationToken.None);

        Assert.False(outcome.Done);
        Assert.Equal(TimeSpan.FromSeconds(3), readAt[^1]);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.Elapsed);
    }

    [Fact]
    public async Task ReportsEachStateThatIsNotDone_WithTheTimeSoFar()
    {
        var clock = new SteppingClock();
        var reads = 0;
        var seen = new List<(int State, TimeSpan Elapsed)>();

        await new Poller(clock).UntilAsync(_ => Task.FromResult(++reads), n => n == 3, n => n.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(30), (n, elapsed) => seen.Add((n, elapsed)), CancellationToken.None);

        Assert.Equal([(1, TimeSpan.Zero), (2, PollSchedule.Floor)], seen);
    }

    [Fact]
    public async Task StopsWhenCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var reads = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Poller(TimeProvider.System).UntilAsync(
            _ =>
            {
                if (++reads == 2)
                {
                    cancel.Cancel();
                }

                return Task.FromResult(reads);
            },
            _ => false,
            n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromMinutes(1),
            null,
            cancel.Token));
        Assert.Equal(2, reads);
    }
}
