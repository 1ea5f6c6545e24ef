using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>update-primary with update_primary_addrs: the addresses are pinged, the first primary that answers is followed.</summary>
public sealed class UpdatePrimaryAddrsTests : IDisposable
{
    private const string UpdatePrimary = "/v1/sys/replication/dr/secondary/update-primary";
    private const string Exclusive = "token and update_primary_addrs are mutually exclusive: use token (a secondary activation token) on a DR secondary, or update_primary_addrs to re-point it at its primary's addresses";
    private const string AfterFailover = "updating with cluster addresses is not allowed on a newly demoted DR secondary after a DR failover; an activation token from the new primary is required (token)";

    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task TheFirstAddressThatAnswersAsThePrimary_IsFollowed_AndAllAreRecorded()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);
        await Root(_lab.A, "PUT", "/v1/secret/k", new { v = 1 });

        // Vault's example gives host:port; the status shows URLs.
        _lab.Transport.Sent.Clear();
        var reply = await Call(_lab.B, "POST", UpdatePrimary, new { dr_operation_token = op, update_primary_addrs = new[] { "127.0.0.9:8201", "127.0.0.1:8201" } });
        Assert.Equal((204, null), (reply.Status, reply.Raw));
        Assert.Equal(["/replication/ping", "/replication/ping"], _lab.Transport.Sent.Where(s => s.From == "vault-2").Select(s => s.Path));

        var status = await DrStatus(_lab.B);
        Assert.Equal(["https://127.0.0.9:8201", "https://127.0.0.1:8201"], status.GetProperty("known_primary_cluster_addrs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("https://127.0.0.1:8201", status.GetProperty("primary_cluster_addr").GetString());
        Assert.Equal("dr-b", status.GetProperty("secondary_id").GetString());
        Assert.Equal("connecting", status.GetProperty("state").GetString());
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task AfterForgettingItsPrimary_ASecondaryReconnectsByAddress()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);
        Assert.Equal(204, (await Call(_lab.B, "POST", UpdatePrimary, new { dr_operation_token = op, token = "" })).Status);
        Assert.Equal("idle", (await DrStatus(_lab.B)).GetProperty("state").GetString());

        Assert.Equal(204, (await Call(_lab.B, "POST", UpdatePrimary, new { dr_operation_token = op, update_primary_addrs = new[] { "https://127.0.0.1:8201" } })).Status);
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task TokenAndAddresses_AreMutuallyExclusive()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        var op = await _lab.OperationToken(_lab.B);
        var token = await SecondaryToken(_lab.A, "dr-b2");
        var reply = await Call(_lab.B, "POST", UpdatePrimary, new { dr_operation_token = op, token, update_primary_addrs = new[] { "127.0.0.1:8201" } });
        Assert.Equal((400, Exclusive), (reply.Status, Assert.Single(reply.Errors)));
    }

    [Fact]
    public async Task NoAnsweringPrimary_IsRefusedWithWhatEachAddressSaid_AndChangesNothing()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await EnablePrimary(_lab.C); // a primary, but of another replication set
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);

        var reply = await Call(_lab.B, "POST", UpdatePrimary, new { dr_operation_token = op, update_primary_addrs = new[] { "127.0.0.9:8201", "127.0.0.3:8201", "127.0.0.2:8201" } });
        Assert.Equal(400, reply.Status);
        Assert.Equal(
            "none of the update_primary_addrs answered as this cluster's primary: "
            + "https://127.0.0.9:8201: dial tcp 127.0.0.9:8201: connect: connection refused; "
            + "https://127.0.0.3:8201: replication stream refused: cluster id mismatch; "
            + "https://127.0.0.2:8201: this cluster is not a DR primary",
            Assert.Single(reply.Errors));
        var status = await DrStatus(_lab.B);
        Assert.Equal(["https://127.0.0.1:8201"], status.GetProperty("known_primary_cluster_addrs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("stream-wals", status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ANewlyDemotedSecondary_NeedsAnActivationToken_ThenAddressesWorkAgain()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();

        // Failover: A demoted, B promoted.
        await Root(_lab.A, "POST", "/v1/sys/replication/dr/primary/demote");
        var opB = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = opB })).Status);

        var opA = await _lab.OperationToken(_lab.A);
        var refused = await Call(_lab.A, "POST", UpdatePrimary, new { dr_operation_token = opA, update_primary_addrs = new[] { "127.0.0.2:8201" } });
        Assert.Equal((400, AfterFailover), (refused.Status, Assert.Single(refused.Errors)));

        var token = await SecondaryToken(_lab.B, "old-a");
        Assert.Equal(200, (await Call(_lab.A, "POST", UpdatePrimary, new { dr_operation_token = opA, token })).Status);
        await _lab.Settle();
        await AssertCaughtUp(_lab.B, _lab.A, "old-a");

        // Re-pointed once with a token, the addresses are allowed.
        Assert.Equal(204, (await Call(_lab.A, "POST", UpdatePrimary, new { dr_operation_token = opA, update_primary_addrs = new[] { "127.0.0.2:8201" } })).Status);
    }

    [Fact]
    public async Task TheAddressesNeedTheOperationToken_AndADrSecondary()
    {
        await EnablePrimary(_lab.A);
        Assert.Equal(["Not a DR secondary."], (await Root(_lab.A, "POST", UpdatePrimary, new { update_primary_addrs = new[] { "127.0.0.1:8201" } })).Errors);
        await Activate(_lab.A, _lab.B, "dr-b");
        Assert.Equal(["DR operation token was not provided"], (await Call(_lab.B, "POST", UpdatePrimary, new { update_primary_addrs = new[] { "127.0.0.1:8201" } })).Errors);
    }
}
