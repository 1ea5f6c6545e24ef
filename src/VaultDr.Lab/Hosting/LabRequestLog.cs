namespace VaultDr.Lab;

/// <summary>
/// One request seen by a cluster's API endpoint (or its standby front). No bodies, no headers, so no tokens.
/// <see cref="Status"/> is 0 when the connection was dropped without an answer. <see cref="BodyDigest"/> tells two
/// requests with the same method and path apart without revealing what they carried (see <see cref="LabBodyDigest"/>);
/// null when the request had no body or was not read.
/// </summary>
public sealed record LabRequestLogEntry(string Cluster, string Method, string Path, string Query, int Status, DateTimeOffset Time, bool Faulted, string Endpoint, string? BodyDigest = null);

/// <summary>
/// The first 16 hex characters of the SHA-256 of a request body: equal bodies give equal digests, so the log shows a
/// request that reached a cluster twice (a re-sent promote), while a body holding a token or a key share cannot be read
/// back from 64 bits of its hash.
/// </summary>
public static class LabBodyDigest
{
    /// <summary>How many hex characters of the hash are kept.</summary>
    public const int Length = 16;

    public static string? Of(ReadOnlySpan<byte> body) =>
        body.IsEmpty ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))[..Length];
}

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
