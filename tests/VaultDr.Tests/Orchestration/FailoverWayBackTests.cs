using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// What a failover report leaves an operator with after a fault: a NextSafeCommand that can be run as written from
/// wherever the clusters are (the chaos runner, build/Chaos.ps1, runs them), and a report that says when writes were lost.
/// </summary>
public sealed class FailoverWayBackTests : FailoverTestBase
{
    [Fact]
    public async Task ASecondaryThatRefusesTheToken_StopsTheFailoverBeforeTheDemote()
    {
        // A batch token that has not replicated yet: the promote would be refused the same way, after the demote.
        B.FailNext("ReadRaftConfigurationDrSecondary", FakeDrCluster.VaultError(400, "sys/storage/raft/configuration", "invalid DR operation token"));

        var outcome = await Run(Plan());

        var report = outcome.Report;
        Assert.Equal("3. Check the secondary's Raft peers [Failed]", report.FailedStep);
        Assert.StartsWith("b (https://b.test:8200) refused the DR operation token (invalid DR operation token), so it would refuse the promote too.", report.Error, StringComparison.Ordinal);
        Assert.Equal(
            "Nothing was demoted or promoted: a is still the primary. b refused the DR operation token. Wait until it has replicated: " +
            "Wait-VaultDrReplication -Primary <a> -Secondary <b>; then run the failover again.",
            report.NextSafeCommand);
        Assert.DoesNotContain("Demote", A.Changes);
        Assert.DoesNotContain(B.Changes, c => c.StartsWith("Promote", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APeerListThatCannotBeRead_ForAnotherReason_IsStillOnlyWarnedAbout()
    {
        B.FailNext("ReadRaftConfigurationDrSecondary", FakeDrCluster.VaultError(403, "sys/storage/raft/configuration", "permission denied"));

        var outcome = await Run(Plan());

        Assert.True(outcome.Report.Succeeded);
        Assert.Equal("not checked: the peers could not be read (see the warning)", outcome.Report.Steps[2].Detail);
    }

    [Fact]
    public async Task Unplanned_TheReportSaysWhichWritesAreLost()
    {
        A.Reachable = false;

        var report = (await Run(Plan() with { Planned = false })).Report;

        Assert.Equal("the old primary is down; the secondary is ready; writes a took after WAL 100 (the last b replicated) are lost", report.Steps[0].Detail);
    }

    [Fact]
    public async Task ACatchUpThatTimesOut_LeavesAWait_NotASecondReattach()
    {
        A.CatchUpTime = TimeSpan.FromMinutes(10);

        var report = (await Run(Plan() with { Timeout = TimeSpan.FromSeconds(4) })).Report;

        Assert.Equal("11. Re-attach: wait for the old primary to catch up [Failed]", report.FailedStep);
        Assert.Equal(
            "b is the primary and a follows it; it had not caught up in time. Wait until it has: Wait-VaultDrReplication -Primary <b> -Secondary <a>.",
            report.NextSafeCommand);
    }

    [Fact]
    public async Task AFailedPromote_IsFinishedByHand_AndTheOldPrimaryReattached_WithEveryCommandComplete()
    {
        B.FailNext("Promote", FakeDrCluster.VaultError(500, "sys/replication/dr/secondary/promote", "internal error"));

        var report = (await Run(Plan())).Report;

        Assert.Equal(
            "No cluster is primary now (a is demoted). Promote b: $op = <key shares> | New-VaultDrOperationToken -Connection <b> -Force; " +
            "$op | Invoke-VaultDrPromote -Connection <b> -Confirm:$false. Do not promote any other cluster. Then: b is the primary. Re-attach a when it is reachable: " +
            "Revoke-VaultDrSecondary -Connection <b> -Id a-1 -Force -Confirm:$false; $op = <key shares> | New-VaultDrOperationToken -Connection <a> -Force; New-VaultDrSecondaryToken -Connection <b> -Id a-1 | " +
            "Update-VaultDrPrimary -Connection <a> -DrOperationToken $op.DrOperationToken -Confirm:$false; $op | Revoke-VaultDrOperationToken -Connection <a> -Confirm:$false.",
            report.NextSafeCommand);
    }

    [Fact]
    public async Task AFailedVerify_AndTwoPrimaries_EndWithTheOldPrimaryReattached()
    {
        B.PromotionTakesEffect = false;

        var verify = (await Run(Plan() with { Timeout = TimeSpan.FromSeconds(5) })).Report.NextSafeCommand;

        Assert.StartsWith("The promote was sent. Watch Get-VaultDrStatus -Connection <b> until it reports mode primary; do not promote any other cluster meanwhile. Then: b is the primary.", verify, StringComparison.Ordinal);
        Assert.EndsWith("$op | Revoke-VaultDrOperationToken -Connection <a> -Confirm:$false.", verify, StringComparison.Ordinal);
        Assert.Contains(
            "TWO PRIMARIES may be active: demote a now with Invoke-VaultDrDemote -Connection <a> -Confirm:$false. Then re-attach it: Revoke-VaultDrSecondary -Connection <b> -Id a-1",
            FailoverAdvice.AfterFailure(FailoverStepKind.CheckOldPrimary, "VaultDrTwoPrimaries", Plan(), "a", "b"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedCeremony_SaysToCancelWhatItLeft_BeforeRunningAgain()
    {
        B.FailNext("SubmitKeyShare", new VaultConnectionException("VaultDrConnectionLost", "the connection was lost", requestMayHaveBeenProcessed: true));
        B.FailNext("CancelOperationToken", new VaultConnectionException("VaultDrConnectionLost", "the connection was lost", requestMayHaveBeenProcessed: true));

        var report = (await Run(Plan())).Report;

        Assert.Equal("2. Get a DR operation token on the secondary [Failed]", report.FailedStep);
        Assert.EndsWith("cancel any attempt left half done (Stop-VaultDrOperationToken -Connection <b>), then run the failover again.", report.NextSafeCommand, StringComparison.Ordinal);
    }
}
