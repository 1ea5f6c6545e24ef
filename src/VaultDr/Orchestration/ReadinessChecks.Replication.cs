namespace VaultDr.Orchestration;

/// <summary>Replication, Version, Heartbeat and ClockSkew: what the two clusters' statuses and versions say.</summary>
internal static partial class ReadinessChecks
{
    internal static readonly TimeSpan HeartbeatWarnAge = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan HeartbeatFailAge = TimeSpan.FromSeconds(300);
    internal const long ClockSkewWarnMs = 1000;
    internal const long ClockSkewFailMs = 60000;

    private const string ReplicationThreshold = "stream-wals, caught up";
    private const string HeartbeatThreshold = "<= 30s (fail > 5m)";
    private const string ClockSkewThreshold = "< 1000 ms (fail >= 60s)";

    /// <summary>Healthy and caught up as Test-VaultDrReplication judges it (Merkle corruption, two primaries and version skew included).</summary>
    internal static ReadinessCheck Replication(string secondaryName, ReplicationHealth health)
    {
        var value = health.SecondaryState is { } state
            ? Invariant($"{state}, {health.WalLag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} WALs behind")
            : "status not read";
        if (health.Healthy)
        {
            return Check(
                secondaryName,
                "Replication",
                ReadinessResult.Pass,
                $"{secondaryName} streams WALs from {health.Primary.Authority}, is caught up (WAL {health.SecondaryStatus?.LastRemoteWal}) and has the same Merkle root.",
                value,
                ReplicationThreshold);
        }

        var first = health.FailedChecks.FirstOrDefault() ?? $"{secondaryName} is not healthy.";
        var more = health.FailedChecks.Length > 1 ? Invariant($" ({health.FailedChecks.Length - 1} more: Test-VaultDrReplication lists every failed check.)") : string.Empty;
        return Check(secondaryName, "Replication", ReadinessResult.Fail, $"{first}{ReplicationAdvice(health, first)}{more}", value, ReplicationThreshold);
    }

    /// <summary>Versions from sys/health: an older secondary fails (unsafe now), a newer one warns (unsafe on failback).</summary>
    internal static ReadinessCheck Version(string primaryName, VersionRead primary, string secondaryName, VersionRead secondary)
    {
        const string threshold = "primary <= secondary";
        if ((Unknown(primaryName, primary) ?? Unknown(secondaryName, secondary)) is { } reason)
        {
            return Check(secondaryName, "Version", ReadinessResult.Skipped, $"{reason}, so the versions were not compared: compare them with vault status on both clusters.", threshold: threshold);
        }

        var p = VaultVersions.Parse(primary.Version)!;
        var s = VaultVersions.Parse(secondary.Version)!;
        var value = $"{VaultVersions.Release(primary.Version)} -> {VaultVersions.Release(secondary.Version)}";
        if (s < p)
        {
            return Check(
                secondaryName,
                "Version",
                ReadinessResult.Fail,
                $"{secondaryName} runs Vault {secondary.Version}, older than {primaryName}'s {primary.Version}, and it is unsafe to replicate from a newer Vault to an older one: upgrade {secondaryName} to {VaultVersions.Release(primary.Version)} or later first (the secondaries first, then the primary).",
                value,
                threshold);
        }

        return s > p
            ? Check(
                secondaryName,
                "Version",
                ReadinessResult.Warn,
                $"{secondaryName} runs Vault {secondary.Version}, newer than {primaryName}'s {primary.Version}, so a failback would replicate from the newer to the older: upgrade {primaryName} to {VaultVersions.Release(secondary.Version)} before failing back.",
                value,
                threshold)
            : Check(secondaryName, "Version", ReadinessResult.Pass, $"Both clusters run Vault {VaultVersions.Release(primary.Version)}.", value, threshold);
    }

    /// <summary>The age of the last heartbeat the secondary reports for its primary, against this machine's clock.</summary>
    internal static ReadinessCheck Heartbeat(string secondaryName, StatusRead secondary, DateTimeOffset now)
    {
        if (secondary.Status is not { } status)
        {
            return Check(secondaryName, "Heartbeat", ReadinessResult.Fail, $"The status of {secondaryName} could not be read: {Reason(secondary.Error)}.", threshold: HeartbeatThreshold);
        }

        if (!status.IsSecondary)
        {
            return Check(secondaryName, "Heartbeat", ReadinessResult.Skipped, $"{secondaryName} is in DR mode '{status.Mode}', not a DR secondary, so it has no primary's heartbeat to report (the Replication check says what to do).", threshold: HeartbeatThreshold);
        }

        if (status.Primaries.FirstOrDefault() is not { } peer)
        {
            return Check(secondaryName, "Heartbeat", ReadinessResult.Fail, $"{secondaryName} lists no primary it follows: point it at its primary with Update-VaultDrPrimary.", "no primary", HeartbeatThreshold);
        }

        var age = peer.LastHeartbeat is { } heartbeat ? now - heartbeat : (TimeSpan?)null;
        var value = age is not { } a ? "never" : a < TimeSpan.Zero ? $"{Span(a)} in the future" : $"{Span(a)} ago";
        if (!peer.IsConnected)
        {
            return Check(
                secondaryName,
                "Heartbeat",
                ReadinessResult.Fail,
                $"{secondaryName} is {peer.ConnectionStatus ?? "not connected"} from its primary ({peer.ApiAddress ?? peer.ClusterAddress ?? "unknown"}; last heartbeat {value}): check that it reaches the primary's cluster address ({peer.ClusterAddress ?? "port 8201"}) through the network and firewalls.",
                value,
                HeartbeatThreshold);
        }

        if (age is not { } known)
        {
            return Check(secondaryName, "Heartbeat", ReadinessResult.Fail, $"{secondaryName} reports no heartbeat from its primary although it is connected: check the replication logs of both clusters.", value, HeartbeatThreshold);
        }

        if (known > HeartbeatFailAge)
        {
            return Check(
                secondaryName,
                "Heartbeat",
                ReadinessResult.Fail,
                $"The last heartbeat {secondaryName} reports from its primary is {Span(known)} old: replication has stalled (or the clocks differ by that much); check the link between the clusters and their clocks.",
                value,
                HeartbeatThreshold);
        }

        if (known > HeartbeatWarnAge)
        {
            return Check(
                secondaryName,
                "Heartbeat",
                ReadinessResult.Warn,
                $"The last heartbeat {secondaryName} reports from its primary is {Span(known)} old: check the link between the clusters, and this machine's clock against theirs.",
                value,
                HeartbeatThreshold);
        }

        return known < -HeartbeatWarnAge
            ? Check(
                secondaryName,
                "Heartbeat",
                ReadinessResult.Warn,
                $"The last heartbeat {secondaryName} reports is {Span(known)} in the future: the clocks of this machine and the clusters differ, so fix NTP before the heartbeat age can be trusted.",
                value,
                HeartbeatThreshold)
            : Check(secondaryName, "Heartbeat", ReadinessResult.Pass, $"{secondaryName} heard from its primary {value}.", value, HeartbeatThreshold);
    }

    /// <summary>clock_skew_ms as the primary reports it for the secondary and the secondary for its primary: the larger, by size.</summary>
    internal static ReadinessCheck ClockSkew(string primaryName, StatusRead primary, string secondaryName, StatusRead secondary)
    {
        if (primary.Status is null && secondary.Status is null)
        {
            return Check(secondaryName, "ClockSkew", ReadinessResult.Fail, $"Neither cluster's status could be read: {Reason(secondary.Error ?? primary.Error)}.", threshold: ClockSkewThreshold);
        }

        var fromPrimary = primary.Status is { } p && secondary.Status is { } s ? ReplicationHealthRules.FindPeer(p, s)?.ClockSkewMs : null;
        var fromSecondary = secondary.Status?.Primaries.FirstOrDefault()?.ClockSkewMs;
        var reported = new[] { fromPrimary, fromSecondary }.Where(v => v is not null).Select(v => Math.Abs(v!.Value)).ToArray();
        if (reported.Length == 0 && (secondary.Status is null ? (secondaryName, secondary.Error) : primary.Status is null ? (primaryName, primary.Error) : default) is ({ } unread, var error))
        {
            return Check(secondaryName, "ClockSkew", ReadinessResult.Fail, $"The status of {unread} could not be read, so its clock skew is unknown: {Reason(error)}.", threshold: ClockSkewThreshold);
        }

        if (reported.Length == 0)
        {
            return Check(
                secondaryName,
                "ClockSkew",
                ReadinessResult.Skipped,
                $"Vault reports no clock_skew_ms for {primaryName} and {secondaryName} (older Vault versions do not, nor does a pair that is not connected): compare the clusters' clocks by hand.",
                threshold: ClockSkewThreshold);
        }

        var skew = reported.Max();
        var value = Invariant($"{skew} ms");
        var between = $"The clocks of {primaryName} and {secondaryName} differ by {Span(TimeSpan.FromMilliseconds(skew))}";
        return skew >= ClockSkewFailMs
            ? Check(secondaryName, "ClockSkew", ReadinessResult.Fail, $"{between}: fix time synchronisation (NTP) on both clusters' nodes now, as heartbeats and token expiry depend on agreeing clocks.", value, ClockSkewThreshold)
            : skew >= ClockSkewWarnMs
                ? Check(secondaryName, "ClockSkew", ReadinessResult.Warn, $"{between}: check time synchronisation (NTP) on both clusters' nodes before the clocks drift further.", value, ClockSkewThreshold)
                : Check(secondaryName, "ClockSkew", ReadinessResult.Pass, $"{between}, within a second.", value, ClockSkewThreshold);
    }

    /// <summary>What to do after the first failed replication check, unless it says so itself.</summary>
    private static string ReplicationAdvice(ReplicationHealth health, string first)
    {
        var saysWhatToDo = health.TwoPrimaries || first.Contains("-VaultDr", StringComparison.Ordinal) || (health.VersionSkew && health.FailedChecks.Length == 1);
        if (saysWhatToDo)
        {
            return string.Empty;
        }

        return health.PrimaryStatus is null || health.SecondaryStatus is null
            ? " Check that both clusters are up and answer from here, then run the report again."
            : " Wait for it to catch up with Wait-VaultDrReplication; if it does not, compare Get-VaultDrStatus of both clusters.";
    }

    /// <summary>Why a cluster's version is not known; null when it is.</summary>
    private static string? Unknown(string name, VersionRead read) =>
        read.Error is { } error ? $"The version of {name} could not be read ({Reason(error)})"
        : read.Version is null ? $"{name} reports no version in sys/health"
        : VaultVersions.Parse(read.Version) is null ? $"{name} reports the version '{read.Version}', which is not a Vault version"
        : null;
}
