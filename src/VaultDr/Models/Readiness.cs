namespace VaultDr;

/// <summary>How a readiness check came out. The order is the severity a report takes its Result from: Fail is the worst.</summary>
public enum ReadinessResult
{
    /// <summary>Ready on this point.</summary>
    Pass,

    /// <summary>Works today, but needs attention before it does not (a certificate or token running out, a failback that would downgrade).</summary>
    Warn,

    /// <summary>A failover would fail, or go wrong, on this point today.</summary>
    Fail,

    /// <summary>Not checked; the Message says why (no token given, Vault does not report it, plain HTTP).</summary>
    Skipped,
}

/// <summary>One point of a DR readiness report (Test-VaultDrReadiness).</summary>
public sealed class ReadinessCheck
{
    /// <summary>The cluster the check is about: its connection's name (host:port unless named).</summary>
    public string Cluster { get; init; } = string.Empty;

    /// <summary>Replication, Version, Heartbeat, ClockSkew, Tls, DrOperationToken, RaftQuorum or Vault2Ceremony.</summary>
    public string Name { get; init; } = string.Empty;

    public ReadinessResult Result { get; init; }

    /// <summary>What was measured, short: "4d 3h left", "1250 ms", "3 voters, failure tolerance 1".</summary>
    public string? Value { get; init; }

    /// <summary>What it was measured against, short: "14 days", "&lt; 1000 ms".</summary>
    public string? Threshold { get; init; }

    /// <summary>One sentence: what to do, or on a Pass what was found; on a Skipped check why it was not checked.</summary>
    public string Message { get; init; } = string.Empty;

    public override string ToString() => $"{Name} ({Cluster}): {Result}";
}

/// <summary>Whether one DR secondary and its primary are ready for a failover, point by point (Test-VaultDrReadiness).</summary>
public sealed class ReadinessReport
{
    public Uri Primary { get; init; } = null!;

    public Uri Secondary { get; init; } = null!;

    /// <summary>The primary's connection name (host:port unless named), as the checks' Cluster shows it.</summary>
    public string PrimaryName { get; init; } = string.Empty;

    /// <summary>The secondary's connection name (host:port unless named), as the checks' Cluster shows it.</summary>
    public string SecondaryName { get; init; } = string.Empty;

    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>The worst result of the checks: Fail over Warn over Pass (a Skipped check counts as neither).</summary>
    public ReadinessResult Result { get; init; }

    /// <summary>No check failed.</summary>
    public bool Ready { get; init; }

    /// <summary>The checks, in a fixed order: Replication, Version, Heartbeat, ClockSkew, Tls (primary), Tls (secondary), DrOperationToken, RaftQuorum, Vault2Ceremony.</summary>
    public ReadinessCheck[] Checks { get; init; } = Array.Empty<ReadinessCheck>();

    public override string ToString() => $"{SecondaryName}: {Result}";
}
