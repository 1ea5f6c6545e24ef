using VaultDr.Client;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>Each connection has one HTTP client, kept apart from the (plain data) connection.</summary>
public sealed class VaultClientsTests
{
    [Fact]
    public void OneConnection_HasOneClient()
    {
        var connection = Connect(new Uri("https://vault-a.example.com:8200"));

        Assert.Same(VaultClients.For(connection), VaultClients.For(connection));
    }

    [Fact]
    public void TwoConnections_ToTheSameAddress_NeverShareAClient()
    {
        var first = Connect(new Uri("https://vault-a.example.com:8200"));
        var second = Connect(new Uri("https://vault-a.example.com:8200"));

        Assert.NotSame(VaultClients.For(first), VaultClients.For(second));
    }

    [Fact]
    public void Release_GivesTheConnectionAFreshClientNextTime()
    {
        var connection = Connect(new Uri("https://vault-a.example.com:8200"));
        var before = VaultClients.For(connection);

        VaultClients.Release(connection);

        Assert.NotSame(before, VaultClients.For(connection));
        Assert.Equal(connection, VaultClients.For(connection).Connection);
    }
}
