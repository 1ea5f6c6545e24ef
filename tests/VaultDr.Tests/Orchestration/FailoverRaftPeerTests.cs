using System.Security;
using VaultDr.Client;
using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// The failover's Raft peer check on the secondary, made with the DR operation token before the old primary is
/// demoted: dead voters stop the run while the old primary still serves, unless -RemoveDeadPeers, which removes the
/// dead voters (never the leader, never a non-voter) and reports the peers before and after.
/// </summary>
public sealed class FailoverRaftPeerTests
{
    private readonly SteppingClock _clock = new();
    private readonly WorkflowTestHost _host;
    private FakeDrCluster _a;
    private FakeDrCluster _b;

    public FailoverRaftPeerTests()
    {
        _host = new WorkflowTestHost(_clock);
        (_a, _b) = FakeDrCluster.Pair(_clock);
    }

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
        Assert.DoesNotContain(_b.Changes, c => c.StartsWith("RemoveRaftPeer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADeadVoter_StopsTheRunBeforeTheDemote_AndTheUnusedTokenIsDeleted()
    {
        _b.DeadServers.Add("b-3");

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
        Assert.Empty(_a.Changes);
        Assert.Equal(DrMode.primary, _a.Mode);
        Assert.Equal(["StartOperationToken", "SubmitKeyShare", "SubmitKeyShare", "SubmitKeyShare", "DeleteOperationToken"], _b.Changes);
        Assert.Equal(["b-1", "b-2", "b-3"], report.RaftPeersBefore!.Select(p => p.NodeId));
    }

    [Fact]
    public async Task RemoveDeadPeers_RemovesOnlyTheDeadVoters_NeverTheLeaderOrANonVoter_BeforeTheDemote()
    {
        _b.RaftPeers.Add(new RaftPeer { Cluster = "b", NodeId = "b-4", Address = "b-4.test:8201", Voter = false });
        // Autopilot calling the leader unhealthy is odd, but the leader answers: it is never removed.
        _b.DeadServers.UnionWith(["b-1", "b-2", "b-4"]);

        var report = (await Run(Plan() with { RemoveDeadPeers = true })).Report;

        Assert.True(report.Succeeded);
        Assert.Equal(
            [FailoverStepKind.Preflight, FailoverStepKind.TokenOnSecondary, FailoverStepKind.CheckRaftPeers, FailoverStepKind.RemoveDeadPeers, FailoverStepKind.Demote],
            report.Steps.Take(5).Select(s => s.Kind));
        Assert.Equal(["RemoveRaftPeer b-2"], _b.Changes.Where(c => c.StartsWith("RemoveRaftPeer", StringComparison.Ordinal)));
        Assert.True(_a.Journal.IndexOf("b:RemoveRaftPeer b-2") < _a.Journal.IndexOf("a:Demote"));
        Assert.Contains(("b (https://b.test:8200)", "Remove dead Raft voter(s) b-2 (never the leader)"), _host.Confirmations);
        Assert.Equal("removed b-2; 3 peer(s) left, 2 voter(s)", report.Steps[3].Detail);
        Assert.Equal(["b-1", "b-2", "b-3", "b-4"], report.RaftPeersBefore!.Select(p => p.NodeId));
        Assert.Equal(["b-1", "b-3", "b-4"], report.RaftPeersAfter!.Select(p => p.NodeId));
        Assert.Contains(_host.Log.Warnings, w => w == "b (https://b.test:8200) has dead Raft voter(s): b-2 (node_status failed). -RemoveDeadPeers: they are removed before the promotion.");
    }

    [Fact]
    public async Task RemoveDeadPeers_WithNoneDead_AsksNothing_AndRemovesNothing()
    {
        var report = (await Run(Plan() with { RemoveDeadPeers = true })).Report;

        var remove = Assert.Single(report.Steps, s => s.Kind == FailoverStepKind.RemoveDeadPeers);
        Assert.Equal(FailoverStepStatus.Succeeded, remove.Status);
        Assert.Equal("nothing to remove: no dead voters", remove.Detail);
        Assert.DoesNotContain(_host.Confirmations, c => c.Action.StartsWith("Remove", StringComparison.Ordinal));
        Assert.DoesNotContain(_b.Changes, c => c.StartsWith("RemoveRaftPeer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeersThatCannotBeListed_AreAWarning_NotARefusal()
    {
        // An older Vault, or storage that is not Raft: the path answers 400 on a DR secondary.
        _b.FailNext("ReadRaftConfigurationDrSecondary", FakeDrCluster.VaultError(400, "sys/storage/raft/configuration", "path disabled in replication DR secondary mode"));

        var report = (await Run(Plan())).Report;

        Assert.True(report.Succeeded);
        Assert.Equal("not checked: the peers could not be read (see the warning)", report.Steps[2].Detail);
        Assert.Null(report.RaftPeersBefore);
        Assert.Contains(_host.Log.Warnings, w => w.StartsWith("The Raft peers of b (https://b.test:8200) could not be read", StringComparison.Ordinal) && w.Contains("path disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASecondaryThatStopsAnswering_StopsTheRunBeforeTheDemote()
    {
        _b.FailNext("ReadAutopilotState", new VaultConnectionException("VaultDrConnectionRefused", "GET b: the connection was refused.", requestMayHaveBeenProcessed: false));

        var outcome = await Run(Plan());

        Assert.Equal("3. Check the secondary's Raft peers [Failed]", outcome.Report.FailedStep);
        Assert.Equal("Nothing was demoted or promoted: a is still the primary. Check that b answers (Get-VaultDrStatus -Connection <b>), then run the failover again.", outcome.Report.NextSafeCommand);
        Assert.Empty(_a.Changes);
    }

    [Fact]
    public async Task AFailedDemote_DeletesTheTokenMadeForThePromote()
    {
        _a.FailNext("Demote", FakeDrCluster.VaultError(500, "sys/replication/dr/primary/demote", "internal error"));

        var outcome = await Run(Plan());

        Assert.Equal("4. Demote the old primary [Failed]", outcome.Report.FailedStep);
        Assert.Equal("DeleteOperationToken", _b.Changes[^1]);
        Assert.Contains(_host.Log.VerboseMessages, m => m == "Deleted the DR operation token generated on b (https://b.test:8200): the failover stopped before it was used.");
    }

    [Fact]
    public async Task Unplanned_ChecksThePeersWithTheGivenToken_ThenPromotes()
    {
        _a.Reachable = false;
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
        Assert.Empty(_a.Journal);
        var whatIfConfirmations = _host.Confirmations.Select(c => c.Action).ToArray();
        (_a, _b) = FakeDrCluster.Pair(_clock);
        _b.DeadServers.Add("b-2");
        var real = (await Run(Plan() with { RemoveDeadPeers = true })).Report;

        Assert.Equal(real.Steps.Select(s => (s.Kind, s.Target)), plan.Steps.Select(s => (s.Kind, s.Target)));
        Assert.All(plan.Steps, s => Assert.Equal(FailoverStepStatus.WhatIf, s.Status));
        Assert.Contains("Remove the secondary's dead Raft voters, if the check finds any (never the leader)", whatIfConfirmations);
        Assert.Null(plan.RaftPeersBefore);
    }

    private static FailoverPlan Plan() => new()
    {
        Planned = true,
        KeyShares = Shares(3),
        SecondaryId = "a-1",
        Timeout = TimeSpan.FromMinutes(5),
    };

    private static SecureString[] Shares(int count) =>
        Enumerable.Range(1, count).Select(i => SecretText.Protect(new string((char)('a' + i), 64))).ToArray();

    private Task<FailoverOutcome> Run(FailoverPlan plan) => new FailoverRunner(_a, _b, plan, _host.Host).RunAsync(CancellationToken.None);
}
