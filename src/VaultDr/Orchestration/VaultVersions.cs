using System.Text.RegularExpressions;

namespace VaultDr.Orchestration;

/// <summary>
/// Vault versions as sys/health reports them ("1.17.0+ent", "1.17.0-beta1+ent", "1.16.3+ent.hsm.fips1402") and the
/// rules that depend on them: "It is not safe to replicate from a newer version of Vault to an older version"
/// (upgrade the secondaries first, then the primary), and from 2.0 the operation-token ceremony needs a Vault token.
/// Only major.minor.patch count: the edition after "+" says nothing about age, and a pre-release ("-beta1", "-rc1") is
/// taken as the release it leads to, because replication between a release candidate and its release is no
/// downgrade anyone would act on.
/// </summary>
internal static partial class VaultVersions
{
    /// <summary>major.minor[.patch], or null for text that is not a Vault version (then no rule applies).</summary>
    internal static Version? Parse(string? text)
    {
        var match = text is null ? null : VersionPattern().Match(text.Trim());
        if (match is not { Success: true })
        {
            return null;
        }

        var patch = match.Groups["patch"].Success ? match.Groups["patch"].Value : "0";
        return Version.TryParse($"{match.Groups["major"].Value}.{match.Groups["minor"].Value}.{patch}", out var version) ? version : null;
    }

    /// <summary>True when both versions are known and <paramref name="version"/> is older than <paramref name="than"/>.</summary>
    internal static bool IsOlder(string? version, string? than) => Parse(version) is { } a && Parse(than) is { } b && a < b;

    /// <summary>Vault 2.0 or later: the operation-token ceremony needs a Vault token.</summary>
    internal static bool Is2OrLater(string? version) => Parse(version)?.Major >= 2;

    /// <summary>The release a version text stands for: "1.17.0" for "1.17.0-beta1+ent".</summary>
    internal static string? Release(string? text) =>
        Parse(text) is { } version ? version.ToString(3) : null;

    /// <summary>The sentence for a secondary that runs an older Vault than its primary; null when it does not (or a version is unknown).</summary>
    internal static string? SkewSentence(string primaryName, string? primaryVersion, string secondaryName, string? secondaryVersion) =>
        IsOlder(secondaryVersion, primaryVersion)
            ? $"{secondaryName} runs Vault {secondaryVersion}, older than {primaryName}'s {primaryVersion}: it is not safe to replicate from a newer " +
              $"version of Vault to an older one. Upgrade {secondaryName} to {Release(primaryVersion)} or later (the secondaries first, then the primary)."
            : null;

    [GeneratedRegex(@"^v?(?<major>\d{1,6})\.(?<minor>\d{1,6})(\.(?<patch>\d{1,6}))?([-+].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
