namespace VaultDr.Tests.Orchestration;

/// <summary>
/// A clock for workflow tests: time stands still until something waits, and a wait moves the clock forward by
/// exactly its length and ends at once. A workflow that polls for minutes runs in microseconds, and every wait it
/// asked for is recorded.
/// </summary>
internal sealed class SteppingClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _waits = [];
    private DateTimeOffset _now;

    internal SteppingClock(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Every wait a workflow asked for, in order.</summary>
    internal IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    internal DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => Now;

    public override long GetTimestamp() => Now.UtcTicks;

    /// <summary>Moves the clock, as time passing outside any wait (a slow request, say).</summary>
    internal void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _waits.Add(dueTime);
                _now += dueTime;
            }

            callback(state);
        }

        return new NeverAgain();
    }

    private sealed class NeverAgain : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
