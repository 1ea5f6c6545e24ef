using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

public sealed class ReplicationHealthRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri PrimaryAddress = new("https://vault-a:8200/");
    private static readonly Uri SecondaryAddress = new("https://vault-b:8200/");

    private static DrStatus Primary(long lastWal = 241, string merkle = "56794a98e52598f35974024fba6691f047e772e9", string connection = "connected", string clusterId = "c1") => new()
    {
        Address = PrimaryAddress,
        Mode = DrMode.primary,
        State = "running",
        ClusterId = clusterId,
        LastWal = lastWal,
        MerkleRoot = merkle,
        Secondaries = new[] { new DrPeer { NodeId = "dr-b", ApiAddress = "https://vault-b:8200", ConnectionStatus = connection, LastHeartbeat = Now.AddSeconds(-2) } },
    };

    private static DrStatus Secondary(long lastRemoteWal = 241, string state = "stream-wals", string merkle = "56794a98e52598f35974024fba6691f047e772e9", string clusterId = "c1", DrMode mode = DrMode.secondary) => new()
    {
        Address = SecondaryAddress,
        Mode = mode,
        State = state,
        ClusterId = clusterId,
        SecondaryId = "dr-b",
        LastRemoteWal = lastRemoteWal,
        MerkleRoot = merkle,
    };

    [Fact]
    public void CaughtUpSecondary_IsHealthy()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(), Secondary(), Now);

        Assert.True(health.Healthy);
        Assert.Empty(health.FailedChecks);
        Assert.Equal(0, health.WalLag);
        Assert.True(health.MerkleMatch);
        Assert.True(health.ClusterIdMatch);
        Assert.True(health.Connected);
        Assert.Equal(TimeSpan.FromSeconds(2), health.LastHeartbeatAge);
        Assert.False(health.TwoPrimaries);
    }

    [Fact]
    public void LaggingSecondary_SaysHowFarBehind()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(lastWal: 250), Secondary(lastRemoteWal: 238, merkle: "0000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), Now);

        Assert.False(health.Healthy);
        Assert.Equal(12, health.WalLag);
        Assert.False(health.MerkleMatch);
        Assert.Contains(health.FailedChecks, c => c.Contains("12 WAL(s) behind") && c.Contains("last_remote_wal 238 < last_wal 250"));
        Assert.Contains(health.FailedChecks, c => c.StartsWith("Merkle roots differ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("merkle-sync", "still syncing")]
    [InlineData("connecting", "still syncing")]
    [InlineData("idle", "no primary")]
    [InlineData("transient_failure", "failing")]
    public void SecondaryNotStreaming_FailsWithTheState(string state, string hint)
    {
        var health = ReplicationHealthRules.Evaluate(Primary(), Secondary(state: state), Now);

        Assert.False(health.Healthy);
        Assert.Equal(state, health.SecondaryState);
        Assert.Contains(health.FailedChecks, c => c.Contains($"'{state}'") && c.Contains(hint));
    }

    [Fact]
    public void DisconnectedSecondary_Fails()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(connection: "disconnected"), Secondary(), Now);

        Assert.False(health.Healthy);
        Assert.False(health.Connected);
        Assert.Contains(health.FailedChecks, c => c.Contains("'disconnected'"));
    }

    [Fact]
    public void SecondaryOfAnotherReplicationSet_Fails()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(), Secondary(clusterId: "other"), Now);

        Assert.False(health.ClusterIdMatch);
        Assert.Contains(health.FailedChecks, c => c.Contains("not one replication set"));
    }

    [Fact]
    public void TwoPrimariesWithOneClusterId_IsSplitBrain()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(), Secondary(mode: DrMode.primary, state: "running"), Now);

        Assert.True(health.TwoPrimaries);
        Assert.False(health.Healthy);
        Assert.StartsWith("TWO PRIMARIES", health.FailedChecks[0]);
    }

    [Fact]
    public void PrimaryWithNoWalYet_CannotConfirmCatchUp()
    {
        var health = ReplicationHealthRules.Evaluate(Primary(lastWal: 0), Secondary(lastRemoteWal: 0), Now);

        Assert.False(health.Healthy);
        Assert.Contains(health.FailedChecks, c => c.Contains("no WAL yet"));
    }

    [Fact]
    public void PeerFoundByApiAddressWhenIdsDiffer()
    {
        var secondary = Secondary();
        var withoutId = new DrStatus { Address = secondary.Address, Mode = DrMode.secondary, State = "stream-wals", ClusterId = "c1", LastRemoteWal = 241, MerkleRoot = secondary.MerkleRoot };

        Assert.NotNull(ReplicationHealthRules.FindPeer(Primary(), withoutId));
        Assert.True(ReplicationHealthRules.Evaluate(Primary(), withoutId, Now).Healthy);
    }
}
