namespace VaultDr.Lab;

/// <summary>
/// One request seen by a cluster's API endpoint (or its standby front). No bodies, no headers, so no tokens.
/// <see cref="Status"/> is 0 when the connection was dropped without an answer.
/// </summary>
public sealed record LabRequestLogEntry(string Cluster, string Method, string Path, string Query, int Status, DateTimeOffset Time, bool Faulted, string Endpoint);

/// <summary>The last <see cref="Capacity"/> API requests, oldest first.</summary>
public sealed class LabRequestLog
{
    public const int Capacity = 10_000;

    private readonly object _gate = new();
    private readonly Queue<LabRequestLogEntry> _entries = new();

    public void Add(LabRequestLogEntry entry)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
        }
    }

    public IReadOnlyList<LabRequestLogEntry> Snapshot(string? cluster = null)
    {
        lock (_gate)
        {
            return _entries.Where(e => cluster is null || e.Cluster == cluster).ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
