using VaultDr.Client;
using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>Which Raft peers are dead, and which one may be removed: the refusals Remove-VaultDrRaftPeer and the failover share.</summary>
public sealed class RaftPeerRulesTests
{
    private static readonly VaultDrConnection Cluster = ConnectionFactory.Create(new ConnectionRequest { Name = "dr", Address = "https://dr.test:8200" }, _ => null, null);

    private static readonly RaftPeer[] Peers =
    [
        new() { NodeId = "n1", Leader = true, Voter = true },
        new() { NodeId = "n2", Voter = true },
        new() { NodeId = "n3", Voter = false },
    ];

    [Theory]
    [InlineData("n2", null)]
    [InlineData("n3", null)]
    [InlineData("n1", "VaultDrRaftPeerIsLeader")]
    [InlineData("n9", "VaultDrUnknownRaftPeer")]
    [InlineData("N2", "VaultDrUnknownRaftPeer")]
    public void RefuseRemoval_TheLeaderAndUnknownIds(string id, string? refusal) =>
        Assert.Equal(refusal, RaftPeerRules.RefuseRemoval(id, Peers, Cluster)?.ErrorId);

    [Fact]
    public void RefuseRemoval_TheLastVoter_EvenWhenItIsNotTheLeader()
    {
        RaftPeer[] peers = [new() { NodeId = "n2", Voter = true }, new() { NodeId = "n3", Voter = false }];

        var refusal = RaftPeerRules.RefuseRemoval("n2", peers, Cluster);

        Assert.Equal("VaultDrLastRaftVoter", refusal?.ErrorId);
        Assert.Equal("'n2' is the last voter of dr (https://dr.test:8200): without it the cluster has no quorum. Nothing was removed.", refusal?.Message);
    }

    [Fact]
    public void AnUnknownId_NamesTheKnownOnes_AsNotFound()
    {
        var refusal = RaftPeerRules.RefuseRemoval("n9", Peers, Cluster);

        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, refusal?.Category);
        Assert.StartsWith("dr (https://dr.test:8200) lists no Raft peer 'n9' (peers: 'n1', 'n2', 'n3'). Nothing was removed.", refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeadVoters_AreTheUnhealthyOrNotAliveVoters_NeverTheLeaderOrANonVoter()
    {
        var state = new AutopilotState
        {
            Leader = "n1",
            Voters = ["n1", "n2", "n4"],
            Servers =
            [
                new() { Id = "n1", Healthy = false, NodeStatus = "alive", NodeType = "voter" },
                new() { Id = "n2", Healthy = true, NodeStatus = "left", NodeType = "voter" },
                new() { Id = "n3", Healthy = false, NodeStatus = "failed", NodeType = "non-voter" },
                new() { Id = "n4", Healthy = false, NodeStatus = "alive" },
                new() { Id = "n5", Healthy = true, NodeStatus = "alive", NodeType = "voter" },
            ],
        };

        var dead = RaftPeerRules.DeadVoters(state, Peers);

        Assert.Equal(["n2", "n4"], dead.Select(d => d.Id));
        Assert.Equal(["n2 (node_status left)", "n4 (unhealthy)"], dead.Select(RaftPeerRules.Describe));
    }
}
