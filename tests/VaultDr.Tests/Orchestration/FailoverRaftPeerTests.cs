using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// The failover's Raft peer check on the secondary, made with the DR operation token before the old primary is
/// demoted: dead voters stop the run while the old primary still serves, unless -RemoveDeadPeers, which removes the
/// dead voters (never the leader, never a non-voter) and reports the peers before and after.
/// </summary>
public sealed class FailoverRaftPeerTests : FailoverTestBase
{
    [Fact]
    public async Task HealthyPeers_AreReadWithTheOperationToken_AndReportedBeforeAndAfter()
    {
        var report = (await Run(Plan())).Report;

        var check = Assert.Single(report.Steps, s => s.Kind == FailoverStepKind.CheckRaftPeers);
        Assert.Equal(3, check.Number);
        Assert.Equal("Check the secondary's Raft peers", check.Name);
        Assert.Equal("b (https://b.test:8200)", check.Target);
        Assert.Equal("3 peer(s), 3 voter(s), none dead; failure tolerance 1", check.Detail);
        Assert.Equal(["b-1", "b-2", "b-3"], report.RaftPeersBefore!.Select(p => p.NodeId));
        Assert.Same(report.RaftPeersBefore, report.RaftPeersAfter);
        Assert.DoesNotContain(B.Changes, c => c.StartsWith("RemoveRaftPeer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADeadVoter_StopsTheRunBeforeTheDemote_AndTheUnusedTokenIsDeleted()
    {
        B.DeadServers.Add("b-3");

        var outcome = await Run(Plan());

        var report = outcome.Report;
        Assert.Equal("3. Check the secondary's Raft peers [Failed]", report.FailedStep);
        Assert.Equal(
            "1 of the 3 voter(s) of b (https://b.test:8200) are dead (b-3 (node_status failed)); autopilot's failure tolerance is 0. " +
            "Once promoted, the cluster could lose its quorum. Nothing was demoted or promoted.",
            report.Error);
        Assert.Equal(
            "Nothing was demoted or promoted: a is still the primary. Remove the dead voters first: run the failover again with -RemoveDeadPeers, " +
            "or remove each with Remove-VaultDrRaftPeer -Connection <b> -ServerId <id> -DrOperationToken <token> -Confirm:$false.",
            report.NextSafeCommand);
        Assert.Equal("VaultDrFailoverStepFailed", outcome.Failure?.ErrorId);
        Assert.Empty(A.Changes);
        Assert.Equal(DrMode.primary, A.Mode);
        Assert.Equal(["StartOperationToken", "SubmitKeyShare", "SubmitKeyShare", "SubmitKeyShare", "DeleteOperationToken"], B.Changes);
        Assert.Equal(["b-1", "b-2", "b-3"], report.RaftPeersBefore!.Select(p => p.NodeId));
    }

    [Fact]
    public async Task RemoveDeadPeers_RemovesOnlyTheDeadVoters_NeverTheLeaderOrANonVoter_BeforeTheDemote()
    {
        B.RaftPeers.Add(new RaftPeer { Cluster = "b", NodeId = "b-4", Address = "b-4.test:8201", Voter = false });
        // Autopilot calling the leader unhealthy is odd, but the leader answers: it is never removed.
        B.DeadServers.UnionWith(["b-1", "b-2", "b-4"]);

        var report = (await Run(Plan() with { RemoveDeadPeers = true })).Report;

        Assert.True(report.Succeeded);
        Assert.Equal(
            [FailoverStepKind.Preflight, FailoverStepKind.TokenOnSecondary, FailoverStepKind.CheckRaftPeers, FailoverStepKind.RemoveDeadPeers, FailoverStepKind.Demote],
            report.Steps.Take(5).Select(s => s.Kind));
        Assert.Equal(["RemoveRaftPeer b-2"], B.Changes.Where(c => c.StartsWith("RemoveRaftPeer", StringComparison.Ordinal)));
        Assert.True(A.Journal.IndexOf("b:RemoveRaftPeer b-2") < A.Journal.IndexOf("a:Demote"));
        Assert.Contains(("b (https://b.test:8200)", "Remove dead Raft voter(s) b-2 (never the leader)"), Workflow.Confirmations);
        Assert.Equal("removed b-2; 3 peer(s) left, 2 voter(s)", report.Steps[3].Detail);
        Assert.Equal(["b-1", "b-2", "b-3", "b-4"], report.RaftPeersBefore!.Select(p => p.NodeId));
        Assert.Equal(["b-1", "b-3", "b-4"], report.RaftPeersAfter!.Select(p => p.NodeId));
        Assert.Contains(Workflow.Log.Warnings, w => w == "b (https://b.test:8200) has dead Raft voter(s): b-2 (node_status failed). -RemoveDeadPeers: they are removed before the promotion.");
    }

    [Fact]
    public async Task RemoveDeadPeers_WithNoneDead_AsksNothing_AndRemovesNothing()
    {
        var report = (await Run(Plan() with { RemoveDeadPeers = true })).Report;

        var remove = Assert.Single(report.Steps, s => s.Kind == FailoverStepKind.RemoveDeadPeers);
        Assert.Equal(FailoverStepStatus.Succeeded, remove.Status);
        Assert.Equal("nothing to remove: no dead voters", remove.Detail);
        Assert.DoesNotContain(Workflow.Confirmations, c => c.Action.StartsWith("Remove", StringComparison.Ordinal));
        Assert.DoesNotContain(B.Changes, c => c.StartsWith("RemoveRaftPeer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeersThatCannotBeListed_AreAWarning_NotARefusal()
    {
        // An older Vault, or storage that is not Raft: the path answers 400 on a DR secondary.
        B.FailNext("ReadRaftConfigurationDrSecondary", FakeDrCluster.VaultError(400, "sys/storage/raft/configuration", "path disabled in replication DR secondary mode"));

        var report = (await Run(Plan())).Report;

        Assert.True(report.Succeeded);
        Assert.Equal("not checked: the peers could not be read (see the warning)", report.Steps[2].Detail);
        Assert.Null(report.RaftPeersBefore);
        Assert.Contains(Workflow.Log.Warnings, w => w.StartsWith("The Raft peers of b (https://b.test:8200) could not be read", StringComparison.Ordinal) && w.Contains("path disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASecondaryThatStopsAnswering_StopsTheRunBeforeTheDemote()
    {
        B.FailNext("ReadAutopilotState", new VaultConnectionException("VaultDrConnectionRefused", "GET b: the connection was refused.", requestMayHaveBeenProcessed: false));

        var outcome = await Run(Plan());

        Assert.Equal("3. Check the secondary's Raft peers [Failed]", outcome.Report.FailedStep);
        Assert.Equal("Nothing was demoted or promoted: a is still the primary. Check that b answers (Get-VaultDrStatus -Connection <b>), then run the failover again.", outcome.Report.NextSafeCommand);
        Assert.Empty(A.Changes);
    }

    [Fact]
    public async Task AFailedDemote_DeletesTheTokenMadeForThePromote()
    {
        A.FailNext("Demote", FakeDrCluster.VaultError(500, "sys/replication/dr/primary/demote", "internal error"));

        var outcome = await Run(Plan());

        Assert.Equal("4. Demote the old primary [Failed]", outcome.Report.FailedStep);
        Assert.Equal("DeleteOperationToken", B.Changes[^1]);
        Assert.Contains(Workflow.Log.VerboseMessages, m => m == "Deleted the DR operation token generated on b (https://b.test:8200): the failover stopped before it was used.");
    }

    [Fact]
    public async Task Unplanned_ChecksThePeersWithTheGivenToken_ThenPromotes()
    {
        A.Reachable = false;
        var plan = Plan() with { Planned = false, KeyShares = [], DrOperationToken = SecretText.Protect(FakeDrCluster.OperationTokenText) };

        var report = (await Run(plan)).Report;

        Assert.True(report.Succeeded);
        Assert.Equal(
            [FailoverStepKind.Preflight, FailoverStepKind.TokenOnSecondary, FailoverStepKind.CheckRaftPeers, FailoverStepKind.Promote],
            report.Steps.Take(4).Select(s => s.Kind));
        Assert.NotNull(report.RaftPeersBefore);
    }

    [Fact]
    public async Task DryRun_WithRemoveDeadPeers_DescribesTheSameStepsAsARealRun_AndSendsNothing()
    {
        var plan = (await Run(Plan() with { RemoveDeadPeers = true, DryRun = true })).Report;
        Assert.Empty(A.Journal);
        var whatIfConfirmations = Workflow.Confirmations.Select(c => c.Action).ToArray();
        (A, B) = FakeDrCluster.Pair(Clock);
        B.DeadServers.Add("b-2");
        var real = (await Run(Plan() with { RemoveDeadPeers = true })).Report;

        Assert.Equal(real.Steps.Select(s => (s.Kind, s.Target)), plan.Steps.Select(s => (s.Kind, s.Target)));
        Assert.All(plan.Steps, s => Assert.Equal(FailoverStepStatus.WhatIf, s.Status));
        Assert.Contains("Remove the secondary's dead Raft voters, if the check finds any (never the leader)", whatIfConfirmations);
        Assert.Null(plan.RaftPeersBefore);
    }
}
