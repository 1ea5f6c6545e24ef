namespace VaultDr.Orchestration;

/// <summary>
/// What an operator can safely do next after a failover stopped at a given step: pure functions of the step, the
/// error and the clusters' names, so each one is tested on its own.
/// </summary>
internal static class FailoverAdvice
{
    /// <param name="primary">The name of the cluster that was primary when the failover started.</param>
    /// <param name="secondary">The name of the secondary being promoted.</param>
    internal static string AfterFailure(FailoverStepKind step, string errorId, FailoverPlan plan, string primary, string secondary) => step switch
    {
        FailoverStepKind.Preflight when errorId == "VaultDrSecondaryNotCaughtUp" =>
            $"Nothing was changed. Wait with Wait-VaultDrReplication -Primary <{primary}> -Secondary <{secondary}>, or add -Force to accept losing unreplicated writes.",
        FailoverStepKind.Preflight when errorId == "VaultDrVersionSkew" =>
            $"Nothing was changed. Upgrade {primary} to the Vault version of {secondary} or later first (it becomes the secondary of {secondary}, and Vault must not replicate from a newer version to an " +
            "older one), then run the failover again; -Force fails over anyway.",
        FailoverStepKind.Preflight when errorId == "VaultDrVaultTokenRequired" =>
            $"Nothing was changed. Give the connection a Vault token made on the primary (New-VaultDrConnection -Token), or run the failover with " +
            "-DrOperationToken and a batch token from New-VaultDrBatchOperationToken, or (break-glass) enable_unauthenticated_access; then run it again.",
        FailoverStepKind.Preflight => "Nothing was changed. Fix what the preflight reported, then run the failover again.",
        FailoverStepKind.TokenOnSecondary when errorId == KeyShareAdvice.ErrorId =>
            $"{NothingChanged(plan, primary)} Vault refused the key shares on {secondary}: give the DR primary's unseal keys (its recovery keys if the clusters " +
            "use auto-unseal), as the error says, then run the failover again.",
        FailoverStepKind.TokenOnSecondary =>
            $"{NothingChanged(plan, primary)} No DR operation token could be had on {secondary}: check the key shares (or the token given), cancel any attempt " +
            $"left half done (Stop-VaultDrOperationToken -Connection <{secondary}>), then run the failover again.",
        FailoverStepKind.CheckRaftPeers when errorId == "VaultDrDeadRaftPeers" =>
            $"{NothingChanged(plan, primary)} Remove the dead voters first: run the failover again with -RemoveDeadPeers, or remove each with " +
            $"Remove-VaultDrRaftPeer -Connection <{secondary}> -ServerId <id> -DrOperationToken <token> -Confirm:$false.",
        FailoverStepKind.CheckRaftPeers when errorId == "VaultDrOperationTokenRefused" =>
            $"{NothingChanged(plan, primary)} {secondary} refused the DR operation token. Wait until it has replicated: Wait-VaultDrReplication " +
            $"-Primary <{primary}> -Secondary <{secondary}>; then run the failover again.",
        FailoverStepKind.CheckRaftPeers =>
            $"{NothingChanged(plan, primary)} Check that {secondary} answers (Get-VaultDrStatus -Connection <{secondary}>), then run the failover again.",
        FailoverStepKind.RemoveDeadPeers =>
            $"{NothingChanged(plan, primary)} Some dead voters may be removed already: read Get-VaultDrRaftPeer -Connection <{secondary}> -DrOperationToken <token>, " +
            "then run the failover again.",
        FailoverStepKind.Demote =>
            $"Nothing was promoted, and {primary} may or may not be demoted (the call failed). Finish the failover by hand: demote {primary} if it is still " +
            $"a primary: Invoke-VaultDrDemote -Connection <{primary}> -Confirm:$false. {PromoteByHand(secondary)} Then re-attach {primary}: {ReattachCommands(plan, primary, secondary)}",
        FailoverStepKind.Promote =>
            (plan.Planned ? $"No cluster is primary now ({primary} is demoted). " : string.Empty) + $"{PromoteByHand(secondary)} Then: {Reattach(plan, primary, secondary)}",
        FailoverStepKind.Verify =>
            $"The promote was sent. Watch Get-VaultDrStatus -Connection <{secondary}> until it reports mode primary; do not promote any other cluster meanwhile. " +
            $"Then: {Reattach(plan, primary, secondary)}",
        FailoverStepKind.CheckOldPrimary when errorId == "VaultDrTwoPrimaries" =>
            $"TWO PRIMARIES may be active: demote {primary} now with Invoke-VaultDrDemote -Connection <{primary}> -Confirm:$false. Then re-attach it: {ReattachCommands(plan, primary, secondary)}",
        FailoverStepKind.ReattachWait =>
            $"{secondary} is the primary and {primary} follows it; it had not caught up in time. Wait until it has: " +
            $"Wait-VaultDrReplication -Primary <{secondary}> -Secondary <{primary}>.",
        FailoverStepKind.DeleteTokens =>
            $"{secondary} is the primary and {primary} its caught-up secondary: the failover is done but for deleting the DR operation token it generated on " +
            $"{primary}, which failed. Read Get-VaultDrStatus -Connection <{primary}>; nothing else needs to be done.",
        _ => Reattach(plan, primary, secondary),
    };

    private static string NothingChanged(FailoverPlan plan, string primary) =>
        plan.Planned ? $"Nothing was demoted or promoted: {primary} is still the primary." : "Nothing was promoted.";

    private static string PromoteByHand(string secondary) =>
        $"Promote {secondary}: $op = <key shares> | New-VaultDrOperationToken -Connection <{secondary}> -Force; $op | Invoke-VaultDrPromote -Connection <{secondary}> -Confirm:$false. " +
        "Do not promote any other cluster.";

    /// <summary>How to re-attach the old primary as a secondary of the new one, by hand.</summary>
    internal static string Reattach(FailoverPlan plan, string primary, string secondary) =>
        $"{secondary} is the primary. Re-attach {primary} when it is reachable" +
        (plan.Planned ? ": " : $"; it will come back as a primary, so demote it first (Invoke-VaultDrDemote -Connection <{primary}> -Confirm:$false), then: ") +
        ReattachCommands(plan, primary, secondary);

    /// <summary>
    /// The re-attach itself, every command complete, and safe to run again if it stops half way: the secondary id is freed
    /// first (an earlier attempt may have made, even used, its activation token; Vault ignores the revoke of an id it does not
    /// know), a DR operation token is had on the old primary (-Force cancels a ceremony left half done), then the activation
    /// token, update-primary, and the operation token deleted.
    /// </summary>
    private static string ReattachCommands(FailoverPlan plan, string primary, string secondary) =>
        $"Revoke-VaultDrSecondary -Connection <{secondary}> -Id {plan.SecondaryId} -Force -Confirm:$false; " +
        $"$op = <key shares> | New-VaultDrOperationToken -Connection <{primary}> -Force; " +
        $"New-VaultDrSecondaryToken -Connection <{secondary}> -Id {plan.SecondaryId} | Update-VaultDrPrimary -Connection <{primary}> -DrOperationToken $op.DrOperationToken -Confirm:$false; " +
        $"$op | Revoke-VaultDrOperationToken -Connection <{primary}> -Confirm:$false.";

    /// <summary>After a failover -Force ran although the old primary runs an older Vault than the new one.</summary>
    internal static string UpgradeOldPrimary(string primary, string? newPrimaryVersion) =>
        $"Upgrade {primary} to Vault {VaultVersions.Release(newPrimaryVersion)} or later now: it replicates from a newer version, which is not safe.";

    /// <summary>Where each cluster ended up, for the failure message.</summary>
    internal static string Describe(DrStatus? status, string name) =>
        status is null ? $"{name} does not answer" : $"{name} is {status.Mode}{(status.State is { } state ? $" ({state})" : string.Empty)}";
}
