namespace VaultDr.Lab;

/// <summary>Symmetric network partitions between pairs of clusters.</summary>
public sealed class LabPartitions
{
    private readonly object gate = new();
    private readonly HashSet<(string, string)> pairs = [];

    public void Add(string a, string b)
    {
        lock (gate)
        {
            pairs.Add(Key(a, b));
        }
    }

    public void HealAll()
    {
        lock (gate)
        {
            pairs.Clear();
        }
    }

    public bool AreSplit(string a, string b)
    {
        lock (gate)
        {
            return pairs.Contains(Key(a, b));
        }
    }

    public IReadOnlyList<string[]> Snapshot()
    {
        lock (gate)
        {
            return pairs.OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).Select(p => new[] { p.Item1, p.Item2 }).ToArray();
        }
    }

    private static (string, string) Key(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
}
