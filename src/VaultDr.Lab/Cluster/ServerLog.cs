namespace VaultDr.Lab;

/// <summary>
/// What a cluster would write to Vault's server log about the maintenance it does (reindex, merkle checks,
/// recovery, raft peers), newest last. Bounded: a long-running lab keeps the last <see cref="Capacity"/> lines.
/// Never holds a secret. Read and written under the cluster's lock.
/// </summary>
internal sealed class ServerLog(Func<TimeSpan> clockSkew)
{
    public const int Capacity = 500;

    private readonly Queue<LabLogEntry> _entries = new();

    public void Info(DateTimeOffset time, string message) => Add(time, "INFO", message);

    public void Warn(DateTimeOffset time, string message) => Add(time, "WARN", message);

    public void Error(DateTimeOffset time, string message) => Add(time, "ERROR", message);

    public IReadOnlyList<LabLogEntry> Snapshot() => [.. _entries];

    private void Add(DateTimeOffset time, string level, string message)
    {
        if (_entries.Count == Capacity)
        {
            _entries.Dequeue();
        }

        // Callers pass the machine's time; the line shows the cluster's clock.
        _entries.Enqueue(new LabLogEntry(time + clockSkew(), level, message));
    }
}
