using System.Security;

namespace VaultDr.Orchestration;

/// <summary>What Invoke-VaultDrFailover was asked to do.</summary>
internal sealed record FailoverPlan
{
    /// <summary>How long the activation token for re-attaching the old primary lives: long enough for the update that follows.</summary>
    internal static readonly VaultDuration ReattachActivationTtl = new(TimeSpan.FromMinutes(30));

    /// <summary>Both clusters are up: demote the primary first. False: the primary is down.</summary>
    internal bool Planned { get; init; } = true;

    /// <summary>Unseal or recovery key shares for the ceremonies; empty when <see cref="DrOperationToken"/> is given.</summary>
    internal IReadOnlyList<SecureString> KeyShares { get; init; } = [];

    /// <summary>A DR operation token made in advance (typically a batch token), used for every step that needs one.</summary>
    internal SecureString? DrOperationToken { get; init; }

    /// <summary>Fail over although the secondary has not caught up; promote with force=true.</summary>
    internal bool Force { get; init; }

    /// <summary>Remove the secondary's dead Raft voters before the promotion, instead of refusing to fail over.</summary>
    internal bool RemoveDeadPeers { get; init; }

    /// <summary>The id the old primary gets as a secondary of the new one.</summary>
    internal string SecondaryId { get; init; } = string.Empty;

    /// <summary>How long to wait for the new primary to run and for the old one to catch up.</summary>
    internal TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>-WhatIf: describe every step, send nothing (not even the preflight's reads).</summary>
    internal bool DryRun { get; init; }

    internal bool UsesKeyShares => DrOperationToken is null;

    /// <summary>The plain-English name of each step, as the report shows it.</summary>
    internal static string NameOf(FailoverStepKind step) => step switch
    {
        FailoverStepKind.Preflight => "Preflight: read both clusters and check the secondary can take over",
        FailoverStepKind.TokenOnSecondary => "Get a DR operation token on the secondary",
        FailoverStepKind.CheckRaftPeers => "Check the secondary's Raft peers",
        FailoverStepKind.RemoveDeadPeers => "Remove the secondary's dead Raft voters",
        FailoverStepKind.Demote => "Demote the old primary",
        FailoverStepKind.Promote => "Promote the secondary",
        FailoverStepKind.Verify => "Verify the new primary is running",
        FailoverStepKind.CheckOldPrimary => "Check the old primary",
        FailoverStepKind.ReattachToken => "Re-attach: get a DR operation token on the old primary",
        FailoverStepKind.ReattachActivation => "Re-attach: create an activation token on the new primary",
        FailoverStepKind.ReattachUpdate => "Re-attach: point the old primary at the new primary",
        FailoverStepKind.ReattachWait => "Re-attach: wait for the old primary to catch up",
        _ => "Delete the DR operation tokens this failover generated",
    };
}
