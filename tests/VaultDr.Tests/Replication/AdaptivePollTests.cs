using VaultDr.Commands;
using VaultDr.Replication;
using Xunit;

namespace VaultDr.Tests.Replication;

public sealed class AdaptivePollTests
{
    [Fact]
    public void StartsAtTheFloor_BacksOffWithoutProgress_AndReturnsToTheFloorOnProgress()
    {
        var poll = new AdaptivePoll();

        Assert.Equal(AdaptivePoll.Floor, poll.Next(10));
        var slower = poll.Next(10);
        Assert.True(slower > AdaptivePoll.Floor);
        Assert.True(poll.Next(10) > slower);
        Assert.Equal(AdaptivePoll.Floor, poll.Next(4));
    }

    [Fact]
    public void NeverExceedsTheCeiling()
    {
        var poll = new AdaptivePoll();
        var last = TimeSpan.Zero;
        for (var i = 0; i < 50; i++)
        {
            last = poll.Next(7);
        }

        Assert.Equal(AdaptivePoll.Ceiling, last);
    }

    [Theory]
    [InlineData(200, "active")]
    [InlineData(429, "standby")]
    [InlineData(472, "dr-secondary")]
    [InlineData(473, "performance-standby")]
    [InlineData(501, "uninitialized")]
    [InlineData(503, "sealed")]
    [InlineData(530, "removed")]
    [InlineData(418, "unknown")]
    public void HealthRoleFromStatusCode(int status, string role) => Assert.Equal(role, GetVaultDrHealthCommand.RoleOf(status));

    [Fact]
    public void DefaultSecondaryId_IsTheOldPrimarysNameMadeSafe_PlusAUtcStamp()
    {
        var connection = VaultDr.Client.ConnectionFactory.Create(new VaultDr.Client.ConnectionRequest { Address = "https://127.0.0.1:8200", Name = "vault a:8200" }, _ => null, null);

        Assert.Equal("vault-a-8200-20261128051500", InvokeVaultDrFailoverCommand.DefaultSecondaryId(connection, new DateTimeOffset(2026, 11, 28, 5, 15, 0, TimeSpan.Zero)));
    }
}
