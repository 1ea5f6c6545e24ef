namespace VaultDr.Replication;

/// <summary>
/// Poll interval for waiting on replication: back to the floor whenever the secondaries made progress
/// (they are converging, so the end is near), otherwise 1.5x longer each time up to the ceiling.
/// </summary>
internal sealed class AdaptivePoll
{
    internal static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(1);

    private TimeSpan _current = Floor;
    private long? _lastDistance;

    /// <param name="distance">How far from healthy: WAL lag plus failed checks, summed over the secondaries.</param>
    internal TimeSpan Next(long distance)
    {
        var progressed = _lastDistance is { } last && distance < last;
        _current = progressed || _lastDistance is null ? Floor : TimeSpan.FromTicks(Math.Min(Ceiling.Ticks, (long)(_current.Ticks * 1.5)));
        _lastDistance = distance;
        return _current;
    }
}
