using System.Text.RegularExpressions;

namespace VaultDr.Lab;

/// <summary>
/// The ACL a token's policies make, evaluated as Vault's does for one path: the rules of every policy are merged by
/// pattern (capabilities united, deny overriding the rest); an exact pattern wins over every wildcard one; among the
/// wildcard patterns that match (a trailing <c>*</c> glob, <c>+</c> for one whole path segment) the most specific
/// wins by Vault's priority rules; no match is <c>["deny"]</c>. The root policy is not a text: callers decide what it
/// gives (sys/capabilities answers <c>["root"]</c>).
/// </summary>
internal sealed class Acl
{
    public const string Deny = "deny";

    /// <summary>
    /// The lab's stand-in for Vault's built-in default policy, used when the store holds no "default" policy: the
    /// parts a token uses on itself (Vault's has more, for identity, cubbyhole and the UI).
    /// </summary>
    public const string BuiltInDefaultPolicy = """
        path "auth/token/lookup-self" { capabilities = ["read"] }
        path "auth/token/renew-self" { capabilities = ["update"] }
        path "auth/token/revoke-self" { capabilities = ["update"] }
        path "sys/capabilities-self" { capabilities = ["update"] }
        path "sys/leases/renew" { capabilities = ["update"] }
        path "sys/leases/lookup" { capabilities = ["update"] }
        path "sys/wrapping/wrap" { capabilities = ["update"] }
        path "sys/wrapping/lookup" { capabilities = ["update"] }
        path "sys/wrapping/unwrap" { capabilities = ["update"] }
        path "cubbyhole/*" { capabilities = ["create", "read", "update", "delete", "list"] }
        """;

    private readonly Dictionary<string, SortedSet<string>> _exact = new(StringComparer.Ordinal);
    private readonly List<WildcardRule> _wildcards = [];

    private Acl(IEnumerable<AclRule> rules)
    {
        var merged = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var pattern = rule.Pattern.TrimStart('/');
            if (!merged.TryGetValue(pattern, out var capabilities))
            {
                merged[pattern] = capabilities = new SortedSet<string>(StringComparer.Ordinal);
            }

            capabilities.UnionWith(rule.Capabilities);
        }

        foreach (var (pattern, capabilities) in merged)
        {
            if (IsWildcard(pattern))
            {
                _wildcards.Add(new WildcardRule(pattern, capabilities));
            }
            else
            {
                _exact[pattern] = capabilities;
            }
        }
    }

    /// <summary>The ACL of the given policy texts (any number; unreadable ones grant nothing).</summary>
    public static Acl From(IEnumerable<string> policyTexts) => new(policyTexts.SelectMany(AclPolicyParser.Parse));

    /// <summary>The capability a request of <paramref name="method"/> needs, as Vault maps operations (no existence checks).</summary>
    public static string CapabilityFor(ApiMethods method) => method switch
    {
        ApiMethods.Get or ApiMethods.Head => "read",
        ApiMethods.Delete => "delete",
        _ => "update",
    };

    /// <summary>What the ACL allows on <paramref name="path"/>: sorted capabilities, or just <c>["deny"]</c>.</summary>
    public IReadOnlyList<string> Capabilities(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = path.TrimStart('/');
        var capabilities = _exact.TryGetValue(path, out var exact) ? exact
            : _wildcards.Where(w => w.Matches(path)).OrderByDescending(w => w, WildcardRule.Priority).FirstOrDefault()?.Capabilities;
        return capabilities is null || capabilities.Count == 0 || capabilities.Contains(Deny) ? [Deny] : [.. capabilities];
    }

    public bool Allows(string path, string capability) => Capabilities(path).Contains(capability, StringComparer.Ordinal);

    private static bool IsWildcard(string pattern) => pattern.EndsWith('*') || pattern.Split('/').Contains("+");

    /// <summary>A pattern with a trailing glob and/or + segments.</summary>
    private sealed class WildcardRule
    {
        private readonly Regex _regex;

        public WildcardRule(string pattern, SortedSet<string> capabilities)
        {
            Pattern = pattern;
            Capabilities = capabilities;
            IsGlob = pattern.EndsWith('*');
            var body = IsGlob ? pattern[..^1] : pattern;
            var segments = body.Split('/');
            PlusSegments = segments.Count(s => s == "+");
            var plus = Array.IndexOf(segments, "+");
            FirstWildcard = plus >= 0 ? string.Join('/', segments.Take(plus)).Length + (plus > 0 ? 1 : 0) : body.Length;
            var regex = string.Join('/', segments.Select(s => s == "+" ? "[^/]*" : Regex.Escape(s))) + (IsGlob ? ".*" : "");
            _regex = new Regex("^" + regex + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
        }

        /// <summary>
        /// Vault's priority rules, P1 below P2 when: its first wildcard comes earlier; it ends in a glob and P2 does not;
        /// it has more + segments; it is shorter; it sorts lower.
        /// </summary>
        public static IComparer<WildcardRule> Priority { get; } = Comparer<WildcardRule>.Create((a, b) =>
        {
            var order = a.FirstWildcard.CompareTo(b.FirstWildcard);
            order = order != 0 ? order : b.IsGlob.CompareTo(a.IsGlob);
            order = order != 0 ? order : b.PlusSegments.CompareTo(a.PlusSegments);
            order = order != 0 ? order : a.Pattern.Length.CompareTo(b.Pattern.Length);
            return order != 0 ? order : string.CompareOrdinal(a.Pattern, b.Pattern);
        });

        public string Pattern { get; }

        public SortedSet<string> Capabilities { get; }

        private bool IsGlob { get; }

        private int PlusSegments { get; }

        private int FirstWildcard { get; }

        public bool Matches(string path) => _regex.IsMatch(path);
    }
}
