namespace VaultDr.Lab;

/// <summary>
/// The paths one listener serves. An exact path wins over a prefix, a longer prefix over a shorter one; the empty
/// prefix matches every path.
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<string, ApiRoute> _exact = new(StringComparer.Ordinal);
    private readonly List<ApiRoute> _prefixes = [];

    public IReadOnlyList<ApiRoute> Routes => [.. _exact.Values, .. _prefixes];

    public ApiRoute Exact(string path, RouteAccess access, GateExemptions exemptions = GateExemptions.None, bool onlyOnDrSecondary = false)
    {
        var route = new ApiRoute(path, false, access, exemptions, onlyOnDrSecondary);
        if (!_exact.TryAdd(path, route))
        {
            throw new ArgumentException($"The path {path} has a route already.", nameof(path));
        }

        return route;
    }

    /// <summary>A route for every path that starts with <paramref name="prefix"/> (which ends in "/", or is empty).</summary>
    public ApiRoute Prefix(string prefix, RouteAccess access, GateExemptions exemptions = GateExemptions.None)
    {
        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            throw new ArgumentException($"A prefix ends in '/': {prefix}", nameof(prefix));
        }

        if (_prefixes.Any(p => p.Path == prefix))
        {
            throw new ArgumentException($"The prefix {prefix} has a route already.", nameof(prefix));
        }

        var route = new ApiRoute(prefix, true, access, exemptions, onlyOnDrSecondary: false);
        _prefixes.Add(route);
        _prefixes.Sort((a, b) => b.Path.Length.CompareTo(a.Path.Length));
        return route;
    }

    /// <summary>Unknown paths below <paramref name="prefix"/> pass these gates and access, then answer 404.</summary>
    public void Area(string prefix, RouteAccess access, GateExemptions exemptions = GateExemptions.None) => Prefix(prefix, access, exemptions);

    /// <summary>The route for <paramref name="path"/> (no leading or trailing "/") and the path after its prefix.</summary>
    public (ApiRoute? Route, string Remainder) Find(string path)
    {
        if (_exact.TryGetValue(path, out var exact))
        {
            return (exact, "");
        }

        foreach (var route in _prefixes)
        {
            if (path.StartsWith(route.Path, StringComparison.Ordinal))
            {
                return (route, path[route.Path.Length..]);
            }
        }

        return (null, "");
    }
}
