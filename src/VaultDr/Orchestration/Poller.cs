namespace VaultDr.Orchestration;

/// <summary>
/// The one way VaultDr waits for a cluster to reach a state: read, judge, wait, read again, until done or out of
/// time. Every wait (Wait-VaultDrReplication, the failover's verify and catch-up steps) goes through it.
/// </summary>
/// <remarks>
/// While what it reads keeps changing, or changed less than <see cref="PollSchedule.Patience"/> ago, it reads every
/// <see cref="PollSchedule.Floor"/>: replication moves through its states in bursts (connecting, merkle-diff,
/// merkle-sync, stream-wals a few hundred milliseconds apart), and the end is near. Once nothing has changed for
/// that long it backs off, 1.5 times longer each time, to <see cref="PollSchedule.Ceiling"/>, so a cluster that is
/// not moving is read about once a second. It always spends the whole timeout: the last read is at the deadline.
/// </remarks>
internal sealed class Poller
{
    private readonly TimeProvider _time;

    internal Poller(TimeProvider time) => _time = time;

    /// <param name="observe">One read of the state (it should not throw for a cluster that does not answer).</param>
    /// <param name="isDone">Whether the state is the one waited for.</param>
    /// <param name="fingerprint">What counts as a change: two reads with the same fingerprint are "nothing moved".</param>
    /// <param name="timeout">How long to keep reading.</param>
    /// <param name="onEach">Called after each read that is not done, with the time waited so far.</param>
    internal async Task<PollOutcome<T>> UntilAsync<T>(
        Func<CancellationToken, Task<T>> observe,
        Func<T, bool> isDone,
        Func<T, string> fingerprint,
        TimeSpan timeout,
        Action<T, TimeSpan>? onEach,
        CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var schedule = new PollSchedule();
        string? last = null;
        while (true)
        {
            var state = await observe(cancellationToken).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            if (isDone(state))
            {
                return new PollOutcome<T>(state, true, elapsed);
            }

            var key = fingerprint(state);
            var wait = schedule.Next(changed: key != last, elapsed);
            last = key;
            onEach?.Invoke(state, elapsed);
            var left = timeout - elapsed;
            if (left <= TimeSpan.Zero)
            {
                return new PollOutcome<T>(state, false, elapsed);
            }

            await Task.Delay(wait < left ? wait : left, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>How a poll ended: the last state read, whether it was the one waited for, and how long it took.</summary>
internal sealed record PollOutcome<T>(T State, bool Done, TimeSpan Elapsed);

/// <summary>The intervals of <see cref="Poller"/>, as a pure function of what changed and when.</summary>
internal sealed class PollSchedule
{
    internal static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(20);
    internal static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    private TimeSpan _interval = Floor;
    private TimeSpan _lastChange;

    /// <summary>The wait before the next read.</summary>
    /// <param name="changed">The read just made differs from the one before (the first read always does).</param>
    /// <param name="now">Time since the poll started.</param>
    internal TimeSpan Next(bool changed, TimeSpan now)
    {
        if (changed || now - _lastChange < Patience)
        {
            if (changed)
            {
                _lastChange = now;
            }

            _interval = Floor;
        }
        else
        {
            _interval = TimeSpan.FromTicks(Math.Min(Ceiling.Ticks, (long)(_interval.Ticks * 1.5)));
        }

        return _interval;
    }
}
