using System.Globalization;

namespace VaultDr.Orchestration;

/// <summary>
/// The judgments of Test-VaultDrReadiness, one pure function per check, from what was read and the time now (so every
/// threshold is testable with a fake clock). Each returns a <see cref="ReadinessCheck"/> whose Message is one sentence
/// saying what to do, or on a Pass what was found. The checks live in ReadinessChecks.*.cs by subject.
/// </summary>
internal static partial class ReadinessChecks
{
    /// <summary>The names, in the order a report lists them (Tls twice: the primary's, then the secondary's).</summary>
    internal static readonly IReadOnlyList<string> Names = ["Replication", "Version", "Heartbeat", "ClockSkew", "Tls", "DrOperationToken", "RaftQuorum", "Vault2Ceremony"];

    /// <summary>The worst result of the checks: Fail over Warn over Pass; Skipped checks count as neither.</summary>
    internal static ReadinessResult Worst(IEnumerable<ReadinessCheck> checks)
    {
        var results = checks.Select(c => c.Result).ToArray();
        return results.Contains(ReadinessResult.Fail) ? ReadinessResult.Fail
            : results.Contains(ReadinessResult.Warn) ? ReadinessResult.Warn
            : ReadinessResult.Pass;
    }

    /// <summary>A report of one secondary from its checks.</summary>
    internal static ReadinessReport Report(VaultDrConnection primary, VaultDrConnection secondary, IReadOnlyList<ReadinessCheck> checks, DateTimeOffset now) => new()
    {
        Primary = primary.Address,
        Secondary = secondary.Address,
        PrimaryName = primary.Name,
        SecondaryName = secondary.Name,
        CheckedAt = now,
        Result = Worst(checks),
        Ready = checks.All(c => c.Result != ReadinessResult.Fail),
        Checks = [.. checks],
    };

    /// <summary>A time span as a person reads it, two units at most: "4d 3h", "3h 12m", "5m 3s", "42s", "850ms".</summary>
    internal static string Span(TimeSpan span)
    {
        var t = span.Duration();
        return t.TotalDays >= 1 ? Invariant($"{(int)t.TotalDays}d {t.Hours}h")
            : t.TotalHours >= 1 ? Invariant($"{t.Hours}h {t.Minutes}m")
            : t.TotalMinutes >= 1 ? Invariant($"{t.Minutes}m {t.Seconds}s")
            : t.TotalSeconds >= 1 ? Invariant($"{t.Seconds}s")
            : Invariant($"{t.Milliseconds}ms");
    }

    /// <summary>A point in time in UTC, to the minute: "2026-12-04 23:18 UTC".</summary>
    internal static string When(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"1 day", "14 days".</summary>
    internal static string Days(int days) => days == 1 ? "1 day" : Invariant($"{days} days");

    /// <summary>The error's message as the end of a sentence (no final period, so the sentence can go on).</summary>
    internal static string Reason(Exception? error) => (error?.Message ?? "no reason given").Trim().TrimEnd('.');

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static ReadinessCheck Check(string cluster, string name, ReadinessResult result, string message, string? value = null, string? threshold = null) => new()
    {
        Cluster = cluster,
        Name = name,
        Result = result,
        Value = value,
        Threshold = threshold,
        Message = message,
    };
}
