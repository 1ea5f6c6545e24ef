namespace VaultDr.Lab;

/// <summary>
/// A reindex in progress, walked by the clock: scanning, building (keys counted up to the store's size),
/// wal-replay, commit. Scanning, wal-replay and commit each take StateStepDelay, building takes CatchUpDelay
/// (twice that with <c>diff</c>, Vault's slower key-level check); <c>skip_flush</c> leaves out the commit stage,
/// where the tree is flushed. With both delays 0 the reindex is complete the moment it starts.
/// </summary>
internal sealed class ReindexJob
{
    public const string Scanning = "scanning";
    public const string Building = "building";
    public const string WalReplay = "wal-replay";
    public const string Commit = "commit";

    private readonly List<(string Stage, TimeSpan Length)> _stages;

    public ReindexJob(DateTimeOffset startedAt, LabOptions options, bool diff, bool skipFlush, long keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        StartedAt = startedAt;
        Keys = Math.Max(1, keys);
        var building = diff ? options.CatchUpDelay * 2 : options.CatchUpDelay;
        _stages = [(Scanning, options.StateStepDelay), (Building, building), (WalReplay, options.StateStepDelay)];
        if (!skipFlush)
        {
            _stages.Add((Commit, options.StateStepDelay));
        }

        CompletesAt = startedAt + _stages.Aggregate(TimeSpan.Zero, (total, stage) => total + stage.Length);
    }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset CompletesAt { get; }

    /// <summary>The keys the building stage indexes (reindex_building_total).</summary>
    public long Keys { get; }

    public bool IsCompleteAt(DateTimeOffset now) => now >= CompletesAt;

    /// <summary>
    /// The stage at <paramref name="now"/> and the building counters: 0 of 0 while scanning (the total is not known
    /// yet), counting up while building, all of them after.
    /// </summary>
    public (string Stage, long Progress, long Total) At(DateTimeOffset now)
    {
        var elapsed = now - StartedAt;
        var stageStart = TimeSpan.Zero;
        foreach (var (stage, length) in _stages)
        {
            if (elapsed < stageStart + length)
            {
                return stage switch
                {
                    Scanning => (stage, 0, 0),
                    Building => (stage, (long)(Keys * ((elapsed - stageStart) / length)), Keys),
                    _ => (stage, Keys, Keys),
                };
            }

            stageStart += length;
        }

        return (_stages[^1].Stage, Keys, Keys);
    }
}
