namespace VaultDr.Lab;

/// <summary>Symmetric network partitions between pairs of clusters.</summary>
public sealed class LabPartitions
{
    private readonly object _gate = new();
    private readonly HashSet<(string, string)> _pairs = [];

    public void Add(string a, string b)
    {
        lock (_gate)
        {
            _pairs.Add(Key(a, b));
        }
    }

    public void HealAll()
    {
        lock (_gate)
        {
            _pairs.Clear();
        }
    }

    public bool AreSplit(string a, string b)
    {
        lock (_gate)
        {
            return _pairs.Contains(Key(a, b));
        }
    }

    public IReadOnlyList<string[]> Snapshot()
    {
        lock (_gate)
        {
            return _pairs.OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).Select(p => new[] { p.Item1, p.Item2 }).ToArray();
        }
    }

    private static (string, string) Key(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
}
