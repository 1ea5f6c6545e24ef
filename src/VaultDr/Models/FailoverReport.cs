namespace VaultDr;

/// <summary>What Invoke-VaultDrFailover did, step by step, and where the clusters ended up.</summary>
public sealed class FailoverReport
{
    /// <summary>Planned or Unplanned.</summary>
    public string Kind { get; init; } = "Planned";

    public Uri OldPrimary { get; init; } = null!;

    public Uri NewPrimary { get; init; } = null!;

    /// <summary>True only when every step succeeded (with -WhatIf nothing runs, so it stays false).</summary>
    public bool Succeeded { get; internal set; }

    public bool WhatIf { get; init; }

    public FailoverStep[] Steps { get; internal set; } = Array.Empty<FailoverStep>();

    /// <summary>The step that failed, when one did.</summary>
    public string? FailedStep { get; internal set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; internal set; }

    /// <summary>The next command that is safe to run from here, in words an operator can follow.</summary>
    public string? NextSafeCommand { get; internal set; }

    public DrStatus? OldPrimaryStatus { get; internal set; }

    public DrStatus? NewPrimaryStatus { get; internal set; }

    public TimeSpan Duration { get; internal set; }
}

/// <summary>One step of a failover.</summary>
public sealed class FailoverStep
{
    public int Number { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Target { get; init; } = string.Empty;

    /// <summary>Succeeded, Failed, Skipped, Declined, WhatIf or NotRun.</summary>
    public string Status { get; internal set; } = "NotRun";

    public TimeSpan Duration { get; internal set; }

    public string? Detail { get; internal set; }

    public override string ToString() => $"{Number}. {Name} [{Status}]";
}
