namespace VaultDr.Commands;

/// <summary>
/// The DR role a cmdlet needs of its cluster, and what to do instead for each role the cluster may have. Used only
/// after Vault refused a call (one status read then), to say which role is needed, which the cluster has, and which
/// cmdlet fits, instead of Vault's bare "Not a DR secondary." or "path disabled in replication DR secondary mode".
/// </summary>
internal sealed class RoleRequirement
{
    private readonly Func<DrMode, bool> _accepts;
    private readonly IReadOnlyDictionary<DrMode, string> _instead;

    private RoleRequirement(string needs, Func<DrMode, bool> accepts, IReadOnlyDictionary<DrMode, string> instead)
    {
        Needs = needs;
        _accepts = accepts;
        _instead = instead;
    }

    /// <summary>In words: "a DR secondary".</summary>
    internal string Needs { get; }

    internal bool Accepts(DrMode mode) => _accepts(mode);

    /// <summary>The cmdlet runs on a DR primary; <paramref name="onSecondary"/> and <paramref name="onDisabled"/> say what to do instead.</summary>
    internal static RoleRequirement Primary(string onSecondary, string onDisabled) =>
        new("a DR primary", mode => mode == DrMode.primary, new Dictionary<DrMode, string> { [DrMode.secondary] = onSecondary, [DrMode.disabled] = onDisabled });

    /// <summary>The cmdlet runs on a DR secondary.</summary>
    internal static RoleRequirement Secondary(string onPrimary, string onDisabled) =>
        new("a DR secondary", mode => mode == DrMode.secondary, new Dictionary<DrMode, string> { [DrMode.primary] = onPrimary, [DrMode.disabled] = onDisabled });

    /// <summary>The cmdlet runs on a cluster that is not in DR replication yet.</summary>
    internal static RoleRequirement NotInReplication(string onPrimary, string onSecondary) =>
        new("a cluster not in DR replication (mode disabled)", mode => mode == DrMode.disabled, new Dictionary<DrMode, string> { [DrMode.primary] = onPrimary, [DrMode.secondary] = onSecondary });

    /// <summary>The cmdlet runs anywhere but on a DR primary (on the cluster that is, or will be, the secondary).</summary>
    internal static RoleRequirement NotPrimary(string onPrimary) =>
        new("a cluster that is not a DR primary", mode => mode != DrMode.primary, new Dictionary<DrMode, string> { [DrMode.primary] = onPrimary });

    /// <summary>The cmdlet runs anywhere but on a DR secondary (which serves nothing of its own).</summary>
    internal static RoleRequirement NotSecondary(string onSecondary) =>
        new("a cluster that is not a DR secondary", mode => mode != DrMode.secondary, new Dictionary<DrMode, string> { [DrMode.secondary] = onSecondary });

    /// <summary>The sentence that replaces Vault's refusal.</summary>
    internal string Explain(string command, VaultDrConnection connection, DrMode mode, VaultApiException refusal)
    {
        var has = mode switch
        {
            DrMode.primary => "a DR primary",
            DrMode.secondary => "a DR secondary",
            DrMode.disabled => "not in DR replication (mode disabled)",
            _ => $"in mode {mode}",
        };
        var instead = _instead.TryGetValue(mode, out var text) ? text : "Read Get-VaultDrStatus on both clusters, then run it where the role fits.";
        var vault = refusal.Errors.Count > 0 ? string.Join("; ", refusal.Errors) : "no error text";
        return $"{command} needs {Needs}, but {connection} is {has}. {instead} (Vault answered {refusal.StatusCode}: {vault})";
    }
}
