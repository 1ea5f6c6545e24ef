namespace VaultDr.Lab;

public static class LabFaultKinds
{
    /// <summary>Answer with <see cref="LabFaultRule.Status"/>, the body (default Vault error shape) and optional Retry-After.</summary>
    public const string Status = "status";

    /// <summary>Read the request, then abort the connection without answering.</summary>
    public const string Drop = "drop";

    /// <summary>Send 200 headers with a Content-Length larger than the body sent, then abort.</summary>
    public const string DropAfterHeaders = "drop-after-headers";

    /// <summary>
    /// Handle the request (the cluster acts on it), then abort the connection before any answer: the worst case for a
    /// client, which cannot tell whether a state-changing call took effect.
    /// </summary>
    public const string DropAfterHandling = "drop-after-handling";

    /// <summary>Wait <see cref="LabFaultRule.DelayMs"/>, then handle normally.</summary>
    public const string Delay = "delay";

    /// <summary>Answer 307 with <see cref="LabFaultRule.Location"/> as the Location header and no body (a redirect Vault would not send).</summary>
    public const string Redirect = "redirect";

    public static readonly IReadOnlyList<string> All = [Status, Drop, DropAfterHeaders, DropAfterHandling, Delay, Redirect];
}

/// <summary>
/// An injected fault. <see cref="Cluster"/> and <see cref="Method"/> may be "*"; <see cref="Path"/> is exact or a prefix
/// ending in "*". <see cref="Count"/> null applies to every matching request.
/// </summary>
public sealed record LabFaultRule(
    string Cluster,
    string Method,
    string Path,
    string Kind,
    int Status = 0,
    string? Body = null,
    int? RetryAfterSec = null,
    int DelayMs = 0,
    int? Count = null,
    string? Location = null)
{
    public bool Matches(string cluster, string method, string path) =>
        (Cluster == "*" || Cluster == cluster)
        && (Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (Path.EndsWith('*') ? path.StartsWith(Path[..^1], StringComparison.Ordinal) : path == Path);

    /// <summary>The body a status fault answers with: the given one, or Vault's <c>{"errors":["lab fault: 503"]}</c>.</summary>
    public string EffectiveBody => Body ?? LabResponse.Error(Status, $"lab fault: {Status}").Json!;
}

/// <summary>A fault rule in the table, with its id and how many more requests it applies to (null: unlimited).</summary>
public sealed record LabFaultEntry(int Id, LabFaultRule Rule, int? Remaining);

/// <summary>The injected faults of a lab. The first matching rule with uses left applies.</summary>
public sealed class LabFaults
{
    private readonly object _gate = new();
    private readonly List<LabFaultEntry> _rules = [];
    private int _nextId;

    public int Add(LabFaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            var id = ++_nextId;
            _rules.Add(new LabFaultEntry(id, rule, rule.Count));
            return id;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    public bool Remove(int id)
    {
        lock (_gate)
        {
            return _rules.RemoveAll(r => r.Id == id) > 0;
        }
    }

    public IReadOnlyList<LabFaultEntry> Snapshot()
    {
        lock (_gate)
        {
            return _rules.ToArray();
        }
    }

    /// <summary>Finds the rule for this request and uses it up once; null when none applies.</summary>
    public LabFaultRule? Take(string cluster, string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var entry = _rules[i];
                if (entry.Remaining is not 0 && entry.Rule.Matches(cluster, method, path))
                {
                    if (entry.Remaining is int remaining)
                    {
                        _rules[i] = entry with { Remaining = remaining - 1 };
                    }

                    return entry.Rule;
                }
            }

            return null;
        }
    }
}
