using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// Corrupted Merkle trees and reindexes in Test-VaultDrReplication's and Get-VaultDrHealth's verdicts: a corrupt
/// tree fails with the two cmdlets that repair it named, a reindex in progress is syncing with its stage, and Go's
/// zero time reads as never.
/// </summary>
public sealed class MerkleHealthRulesTests
{
    private const string Root = "56794a98e52598f35974024fba6691f047e772e9";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static DrStatus Primary(bool corrupted = false) => new()
    {
        Address = new Uri("https://vault-a:8200/"),
        Mode = DrMode.primary,
        State = "running",
        ClusterId = "c1",
        LastWal = 241,
        MerkleRoot = Root,
        CorruptedMerkleTree = corrupted,
        LastCorruptionCheckEpoch = "-62135596800",
        Secondaries = [new DrPeer { NodeId = "dr-b", ApiAddress = "https://vault-b:8200", ConnectionStatus = "connected", LastHeartbeat = Now }],
    };

    private static DrStatus Secondary(bool corrupted = false, bool? reindexing = null, string? stage = null, ReindexProgress? progress = null, string merkle = Root) => new()
    {
        Address = new Uri("https://vault-b:8200/"),
        Mode = DrMode.secondary,
        State = "stream-wals",
        ClusterId = "c1",
        SecondaryId = "dr-b",
        LastRemoteWal = 241,
        MerkleRoot = merkle,
        CorruptedMerkleTree = corrupted,
        LastCorruptionCheck = corrupted ? new DateTimeOffset(2026, 11, 28, 11, 0, 0, TimeSpan.Zero) : null,
        ReindexInProgress = reindexing,
        ReindexStage = stage,
        ReindexProgress = progress,
    };

    [Fact]
    public void CorruptedSecondaryTree_FailsAndNamesTheRepairCmdlets()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(), Secondary(corrupted: true), Now);

        Assert.False(health.Healthy);
        var sentence = Assert.Single(health.FailedChecks);
        Assert.StartsWith("vault-b:8200 reports a corrupted Merkle tree (corrupted_merkle_tree: true; last checked 2026-11-28 11:00:00Z).", sentence);
        Assert.Contains("Invoke-VaultDrMerkleCheck against vault-b:8200", sentence);
        Assert.Contains("Start-VaultDrReindex on the cluster whose tree is corrupt", sentence);
    }

    [Fact]
    public void CorruptedPrimaryTree_FailsTheSecondaryToo_AndNeverCheckedReadsNever()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(corrupted: true), Secondary(), Now);

        Assert.False(health.Healthy);
        Assert.Equal(
            "vault-a:8200 reports a corrupted Merkle tree (corrupted_merkle_tree: true; last checked never). Run Invoke-VaultDrMerkleCheck against vault-a:8200 to see which tree is corrupt, then Start-VaultDrReindex on the cluster whose tree is corrupt.",
            Assert.Single(health.FailedChecks));
    }

    [Fact]
    public void ReindexInProgress_IsSyncingWithStageAndProgress_NotAMerkleMismatch()
    {
        var health = ReplicationHealthRules.Evaluate(
            Primary(),
            Secondary(reindexing: true, stage: "building", progress: new ReindexProgress { Building = 26838, Total = 305443 }, merkle: "0000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            Now);

        Assert.False(health.Healthy);
        Assert.Equal(
            "vault-b:8200 is reindexing (stage building, 26838 of 305443 keys (8%)): still syncing, not failed. Wait for it with Wait-VaultDrReplication, or follow it with Get-VaultDrStatus.",
            Assert.Single(health.FailedChecks));
        Assert.False(health.MerkleMatch);
    }

    [Fact]
    public void ReindexWithoutProgressYet_NamesTheStageOnly()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(), Secondary(reindexing: true, stage: "scanning"), Now);

        Assert.Equal(
            "vault-b:8200 is reindexing (stage scanning): still syncing, not failed. Wait for it with Wait-VaultDrReplication, or follow it with Get-VaultDrStatus.",
            Assert.Single(health.FailedChecks));
    }

    [Fact]
    public void FinishedReindex_IsHealthyAgain()
    {
        Assert.True(ReplicationHealthRules.Evaluate(Primary(), Secondary(reindexing: false), Now).Healthy);
    }

    private static VaultHealth Node(int code, string role) => new() { Address = new Uri("https://vault-b:8200/"), StatusCode = code, Role = role, Initialized = code != 501, Sealed = code == 503 };

    [Fact]
    public void Node_HealthyWithCleanTree()
    {
        var node = NodeHealthRules.Judge(Node(472, "dr-secondary"), Secondary());

        Assert.True(node.Healthy);
        Assert.Empty(node.Problems);
        Assert.False(node.CorruptedMerkleTree);
        Assert.Equal(472, node.StatusCode);
        Assert.Equal("dr-secondary", node.Role);
    }

    [Fact]
    public void Node_CorruptedTree_IsUnhealthy_WithTheRepairSentence()
    {
        var node = NodeHealthRules.Judge(Node(472, "dr-secondary"), Secondary(corrupted: true));

        Assert.False(node.Healthy);
        Assert.True(node.CorruptedMerkleTree);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 11, 0, 0, TimeSpan.Zero), node.LastCorruptionCheck);
        Assert.Contains("Start-VaultDrReindex", Assert.Single(node.Problems));
    }

    [Theory]
    [InlineData(503, "sealed", "is sealed (503): unseal it")]
    [InlineData(501, "uninitialized", "is not initialised (501)")]
    [InlineData(474, "unhealthy", "cannot reach its active node (474)")]
    [InlineData(530, "removed", "removed from its Raft cluster (530)")]
    public void Node_ThatCannotServe_IsUnhealthy_AndNotAskedForStatus(int code, string role, string expected)
    {
        var health = Node(code, role);
        var node = NodeHealthRules.Judge(health, null);

        Assert.False(node.Healthy);
        Assert.Contains(expected, Assert.Single(node.Problems));
        Assert.Null(node.CorruptedMerkleTree);
        Assert.Equal(code is 474, NodeHealthRules.CanReadStatus(health));
    }
}
