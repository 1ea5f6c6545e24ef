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

    public bool WhatIf { get; internal set; }

    public FailoverStep[] Steps { get; internal set; } = Array.Empty<FailoverStep>();

    /// <summary>The step that failed, when one did.</summary>
    public string? FailedStep { get; internal set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; internal set; }

    /// <summary>The next command that is safe to run from here, in words an operator can follow.</summary>
    public string? NextSafeCommand { get; internal set; }

    /// <summary>The old primary before the failover, as the preflight read it (null when it did not answer, or under -WhatIf).</summary>
    public DrStatus? OldPrimaryStatusBefore { get; internal set; }

    /// <summary>The secondary before the failover, as the preflight read it.</summary>
    public DrStatus? NewPrimaryStatusBefore { get; internal set; }

    /// <summary>The old primary's Vault version as the preflight read it (sys/health; null when not read).</summary>
    public string? OldPrimaryVersion { get; internal set; }

    /// <summary>The new primary's Vault version as the preflight read it (sys/health; null when not read).</summary>
    public string? NewPrimaryVersion { get; internal set; }

    /// <summary>
    /// The secondary's Raft peers as the peer check read them, before anything changed (null when they were not read:
    /// under -WhatIf, or on a cluster that cannot list them).
    /// </summary>
    public RaftPeer[]? RaftPeersBefore { get; internal set; }

    /// <summary>The secondary's Raft peers after -RemoveDeadPeers removed the dead ones (the same as before when none were).</summary>
    public RaftPeer[]? RaftPeersAfter { get; internal set; }

    /// <summary>The old primary at the end.</summary>
    public DrStatus? OldPrimaryStatus { get; internal set; }

    /// <summary>The new primary at the end.</summary>
    public DrStatus? NewPrimaryStatus { get; internal set; }

    public TimeSpan Duration { get; internal set; }
}

/// <summary>One step of a failover.</summary>
public sealed class FailoverStep
{
    public int Number { get; init; }

    internal FailoverStepKind Kind { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Target { get; init; } = string.Empty;

    public FailoverStepStatus Status { get; internal set; } = FailoverStepStatus.NotRun;

    public TimeSpan Duration { get; internal set; }

    public string? Detail { get; internal set; }

    public override string ToString() => $"{Number}. {Name} [{Status}]";
}

/// <summary>How a failover step ended.</summary>
public enum FailoverStepStatus
{
    /// <summary>Not reached: an earlier step failed or was declined.</summary>
    NotRun,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Tried, and failed; see the report's Error and NextSafeCommand.</summary>
    Failed,

    /// <summary>Not needed in this run (for example, the re-attach while the old primary is unreachable).</summary>
    Skipped,

    /// <summary>The operator answered No at the confirmation prompt.</summary>
    Declined,

    /// <summary>-WhatIf: described, not done.</summary>
    WhatIf,
}

/// <summary>
/// The steps of a DR failover, in the order they run: Vault's documented order, but for the DR operation token, which
/// is obtained (and the secondary's Raft peers checked with it) before the old primary is demoted.
/// </summary>
internal enum FailoverStepKind
{
    Preflight,
    TokenOnSecondary,
    CheckRaftPeers,
    RemoveDeadPeers,
    Demote,
    Promote,
    Verify,
    CheckOldPrimary,
    ReattachToken,
    ReattachActivation,
    ReattachUpdate,
    ReattachWait,
    DeleteTokens,
}
