using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>The replication loop and stream: the state walk, catching up, connection status both ways.</summary>
public sealed class ReplicationLoopTests : IDisposable
{
    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task Secondary_WalksStates_ThenCatchesUp()
    {
        await EnablePrimary(_lab.A);
        await Root(_lab.A, "PUT", "/v1/secret/one", new { v = 1 });
        await Activate(_lab.A, _lab.B, "dr-b");

        var seen = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await _lab.Beat();
            var state = (await DrStatus(_lab.B)).GetProperty("state").GetString()!;
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }
        }

        Assert.Equal(["connecting", "merkle-diff", "merkle-sync", "stream-wals"], seen);
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");

        // The primary writes; the secondary is behind (merkle-sync) until CatchUpDelay has passed.
        await Root(_lab.A, "PUT", "/v1/secret/two", new { v = 2 });
        await _lab.Beat();
        var behind = await DrStatus(_lab.B);
        Assert.Equal("merkle-sync", behind.GetProperty("state").GetString());
        Assert.True(behind.GetProperty("last_remote_wal").GetInt64() < (await DrStatus(_lab.A)).GetProperty("last_wal").GetInt64());
        await _lab.Beat(2);
        Assert.Equal("merkle-sync", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        await _lab.Beat(2);
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task TheNextHeartbeat_ComesWhenTheNextStepIsDue_NotAHeartbeatLater()
    {
        await EnablePrimary(_lab.A);
        var linked = _lab.B.NextNewLink();
        await Activate(_lab.A, _lab.B, "dr-b");

        Assert.True(linked.IsCompleted, "pointing the secondary at a primary wakes its loop at once");
        await _lab.Beat();
        Assert.Equal("connecting", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        Assert.Equal(_lab.Options.HeartbeatInterval, _lab.B.NextHeartbeatIn());

        // 100 ms into a 150 ms step, the next heartbeat is due when the step ends, 50 ms on.
        await _lab.Beat();
        Assert.Equal(_lab.Options.StateStepDelay - _lab.Options.HeartbeatInterval, _lab.B.NextHeartbeatIn());
        _lab.Time.Advance(_lab.Options.StateStepDelay - _lab.Options.HeartbeatInterval);
        await _lab.B.Loop.TickAsync(CancellationToken.None);
        Assert.Equal("merkle-diff", (await DrStatus(_lab.B)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task AStreamingSecondary_BeatsAtTheHeartbeatInterval()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();

        Assert.Equal("stream-wals", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        Assert.Equal(_lab.Options.HeartbeatInterval, _lab.B.NextHeartbeatIn());
    }

    [Fact]
    public async Task TokensMadeOnPrimary_Replicate()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "default" } });
        Assert.Equal(200, created.Status);
        var token = created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");

        // After promotion the replicated token works on the new primary.
        var op = await _lab.OperationToken(_lab.B);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/sys/replication/dr/secondary/promote", new { dr_operation_token = op })).Status);
        Assert.Equal(200, (await Call(_lab.B, "GET", "/v1/auth/token/lookup-self", token: token)).Status);
        Assert.Equal(204, (await Call(_lab.B, "PUT", "/v1/secret/after", new { a = 1 }, token)).Status);
    }

    [Fact]
    public async Task Primary_SeesSecondaryConnected_ThenDisconnected()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var entry = (await DrStatus(_lab.A)).GetProperty("secondaries")[0];
        Assert.Equal("connected", entry.GetProperty("connection_status").GetString());

        _lab.Transport.Partitions.Add(("vault-2", "vault-1"));
        await _lab.Beat(11);
        entry = (await DrStatus(_lab.A)).GetProperty("secondaries")[0];
        Assert.Equal("disconnected", entry.GetProperty("connection_status").GetString());
        var b = await DrStatus(_lab.B);
        Assert.Equal("transient_failure", b.GetProperty("state").GetString());
        Assert.Equal("disconnected", b.GetProperty("primaries")[0].GetProperty("connection_status").GetString());

        _lab.Transport.Partitions.Clear();
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    [Fact]
    public async Task StoppedSecondary_SendsNothing()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        _lab.B.Running = false;
        _lab.Transport.Sent.Clear();
        await _lab.Beat(3);
        Assert.Empty(_lab.Transport.Sent);
        Assert.False(_lab.B.Describe().Running);
    }

    [Fact]
    public async Task Describe_ReportsState()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var a = _lab.A.Describe();
        var b = _lab.B.Describe();
        Assert.Equal(("vault-1", "primary", "running"), (a.Name, a.Mode, a.State));
        Assert.Equal(("secondary", "stream-wals"), (b.Mode, b.State));
        Assert.Equal(a.ClusterId, b.ClusterId);
        Assert.Equal(a.MerkleRoot, b.MerkleRoot);
        Assert.Equal(a.LastWal, b.LastRemoteWal);
        Assert.Equal(new Uri("https://127.0.0.2:8201"), b.ClusterAddress);
    }

    [Fact]
    public async Task BackgroundLoop_ReplicatesWithRealTime()
    {
        var options = new LabOptions { StateStepDelay = TimeSpan.FromMilliseconds(5), CatchUpDelay = TimeSpan.FromMilliseconds(5), HeartbeatInterval = TimeSpan.FromMilliseconds(5) };
        var transport = new InMemoryTransport();
        using var a = new EmulatedCluster("p", options, transport, TimeProvider.System) { ApiAddress = new Uri("https://10.0.0.1:8200"), ClusterAddress = new Uri("https://10.0.0.1:8201") };
        using var b = new EmulatedCluster("s", options, transport, TimeProvider.System) { ApiAddress = new Uri("https://10.0.0.2:8200"), ClusterAddress = new Uri("https://10.0.0.2:8201") };
        transport.Register(a);
        transport.Register(b);
        b.StartBackground();
        await EnablePrimary(a);
        await Root(a, "PUT", "/v1/secret/k", new { v = 1 });
        await Activate(a, b, "s");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && (b.Describe().State != "stream-wals" || b.Describe().MerkleRoot != a.Describe().MerkleRoot))
        {
            await Task.Delay(5);
        }

        Assert.Equal("stream-wals", b.Describe().State);
        Assert.Equal(a.Describe().MerkleRoot, b.Describe().MerkleRoot);
    }
}
