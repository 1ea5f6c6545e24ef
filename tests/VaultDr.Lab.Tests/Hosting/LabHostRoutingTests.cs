using System.Diagnostics;
using System.Net;
using System.Text;

namespace VaultDr.Lab.Tests.Hosting;

public sealed class LabHostRoutingTests
{
    [Fact]
    public async Task Requests_ReachTheRightNodeAndEndpoint_WithMethodPathQueryHeadersAndBody()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var one = lab.Node("vault-1");
        var two = lab.Node("vault-2");

        using var request = new HttpRequestMessage(HttpMethod.Put, one.ApiAddress.With("v1/sys/replication/dr/primary/enable?force=true"))
        {
            Content = new StringContent("""{"primary_cluster_addr":"x"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Vault-Token", "hvs.secret");
        using var api = await client.SendAsync(request);
        var echo = await api.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
        Assert.Equal("vault-1", echo.GetProperty("node").GetString());
        Assert.Equal("api", echo.GetProperty("endpoint").GetString());
        Assert.Equal("PUT", echo.GetProperty("method").GetString());
        Assert.Equal("/v1/sys/replication/dr/primary/enable", echo.GetProperty("path").GetString());
        Assert.Equal("true", echo.GetProperty("query").GetProperty("force").GetString());
        Assert.Equal("""{"primary_cluster_addr":"x"}""", echo.GetProperty("body").GetString());
        Assert.Equal("hvs.secret", echo.GetProperty("token").GetString());

        using var cluster = await client.GetAsync(two.ClusterAddress.With("wal/stream"));
        echo = await cluster.JsonAsync();
        Assert.Equal("vault-2", echo.GetProperty("node").GetString());
        Assert.Equal("cluster", echo.GetProperty("endpoint").GetString());
        Assert.Single(two.Received);
        Assert.Single(one.Received);
    }

    [Fact]
    public async Task Start_SetsAddressesRunningAndStartsBackgroundOnce()
    {
        await using var lab = await LabTestSupport.StartAsync(3);
        Assert.Equal(["vault-1", "vault-2", "vault-3"], lab.Clusters.Select(c => c.Name));
        foreach (var node in lab.Clusters.Cast<FakeNode>())
        {
            Assert.True(node.Running);
            Assert.Equal(1, node.BackgroundStarts);
            Assert.Equal("http", node.ApiAddress.Scheme);
            Assert.Equal("127.0.0.1", node.ApiAddress.Host);
            Assert.NotEqual(0, node.ApiAddress.Port);
            Assert.NotEqual(node.ApiAddress.Port, node.ClusterAddress.Port);
            Assert.Equal("/", node.ApiAddress.AbsolutePath);
        }
    }

    [Fact]
    public async Task NodeHeadersAreWritten_AndNodeExceptionsBecomeVault500()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        using var withHeader = await client.GetAsync(node.ApiAddress.With("v1/with-header"));
        Assert.Equal("yes", withHeader.Headers.GetValues("X-Echo").Single());

        using var thrown = await client.GetAsync(node.ApiAddress.With("v1/throw"));
        Assert.Equal(HttpStatusCode.InternalServerError, thrown.StatusCode);
        var errors = (await thrown.JsonAsync()).GetProperty("errors");
        Assert.Contains("boom", errors[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_RefusesConnections_AndStartAnswersOnTheSamePorts()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        var api = node.ApiAddress;
        var cluster = node.ClusterAddress;
        using (var before = await client.GetAsync(api.With("v1/sys/health")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await lab.StopClusterAsync("vault-1");
        Assert.False(node.Running);
        Assert.False(node.Disposed);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(api.With("v1/sys/health")));
        Assert.True(LabTestSupport.IsConnectionRefused(refused), refused.ToString());
        refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(cluster.With("x")));
        Assert.True(LabTestSupport.IsConnectionRefused(refused), refused.ToString());

        // The other cluster is untouched.
        using (var other = await client.GetAsync(lab.Node("vault-2").ApiAddress.With("v1/sys/health")))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        await lab.StartClusterAsync("vault-1");
        Assert.True(node.Running);
        Assert.Equal(api, node.ApiAddress);
        Assert.Equal(cluster, node.ClusterAddress);
        using var after = await client.GetAsync(api.With("v1/sys/health"));
        Assert.Equal("vault-1", (await after.JsonAsync()).GetProperty("node").GetString());
        using var afterCluster = await client.GetAsync(cluster.With("x"));
        Assert.Equal("cluster", (await afterCluster.JsonAsync()).GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task Transport_SendsWithFromHeader_AndRefusesStoppedOrPartitionedPeers()
    {
        await using var lab = await LabTestSupport.StartAsync(3);
        var one = lab.Node("vault-1");
        var two = lab.Node("vault-2");
        var request = LabRequest.Create("POST", "/replication/heartbeat", """{"wal":7}""", query: new Dictionary<string, string> { ["a b"] = "c&d" });

        var answer = await one.Transport.SendAsync("vault-1", two.ClusterAddress, request, CancellationToken.None);
        Assert.Equal(200, answer.Status);
        var (endpoint, received) = two.Received.Single();
        Assert.Equal("cluster", endpoint);
        Assert.Equal("vault-1", received.Headers["X-Lab-From"]);
        Assert.Equal("""{"wal":7}""", received.Body);
        Assert.Equal("c&d", received.Query["a b"]);

        await lab.StopClusterAsync("vault-2");
        await Assert.ThrowsAsync<LabPeerUnreachableException>(() => one.Transport.SendAsync("vault-1", two.ApiAddress, request, CancellationToken.None));
        await lab.StartClusterAsync("vault-2");

        lab.Partitions.Add("vault-2", "vault-1");
        await Assert.ThrowsAsync<LabPeerUnreachableException>(() => one.Transport.SendAsync("vault-1", two.ClusterAddress, request, CancellationToken.None));
        await Assert.ThrowsAsync<LabPeerUnreachableException>(() => two.Transport.SendAsync("vault-2", one.ApiAddress, request, CancellationToken.None));

        // vault-3 is not partitioned from either.
        answer = await one.Transport.SendAsync("vault-3", two.ApiAddress, request, CancellationToken.None);
        Assert.Equal(200, answer.Status);

        lab.Partitions.HealAll();
        answer = await one.Transport.SendAsync("vault-1", two.ClusterAddress, request, CancellationToken.None);
        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task Transport_RefusedConnectionToAnUnknownPort_IsUnreachable()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await Assert.ThrowsAsync<LabPeerUnreachableException>(() =>
            lab.Transport.SendAsync("vault-1", new Uri($"http://127.0.0.1:{port}/"), LabRequest.Create("GET", "/x"), CancellationToken.None));
    }

    [Fact]
    public async Task Transport_PeerThatDoesNotAnswerWithinTwoSeconds_IsUnreachable_ButCallerCancellationIsNot()
    {
        await using var lab = await LabTestSupport.StartAsync();
        lab.Faults.Add(new LabFaultRule("vault-2", "*", "/v1/slow", LabFaultKinds.Delay, DelayMs: 10_000));
        var target = lab.Node("vault-2").ApiAddress;
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<LabPeerUnreachableException>(() => lab.Transport.SendAsync("vault-1", target, LabRequest.Create("GET", "/v1/slow"), CancellationToken.None));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(9)); // the peer would answer after 10 s

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lab.Transport.SendAsync("vault-1", target, LabRequest.Create("GET", "/v1/slow"), cancel.Token));
    }

    [Fact]
    public async Task InboundRequestFromPartitionedPeer_IsAborted()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var two = lab.Node("vault-2");
        lab.Partitions.Add("vault-1", "vault-2");

        using var fromOne = new HttpRequestMessage(HttpMethod.Get, two.ClusterAddress.With("wal"));
        fromOne.Headers.Add("X-Lab-From", "vault-1");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(fromOne));
        Assert.Empty(two.Received);

        using var fromNobody = await client.GetAsync(two.ClusterAddress.With("wal"));
        Assert.Equal(HttpStatusCode.OK, fromNobody.StatusCode);
    }

    [Fact]
    public async Task Latency_IsAddedBeforeApiRequests()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var api = lab.Node("vault-1").ApiAddress.With("v1/sys/health");
        lab.SetLatency("vault-1", 300);
        var watch = Stopwatch.StartNew();
        using (var slow = await client.GetAsync(api))
        {
            Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        }

        Assert.True(watch.ElapsedMilliseconds >= 280, $"took {watch.ElapsedMilliseconds} ms");
        lab.SetLatency("vault-1", 0);
        watch.Restart();
        using (var fast = await client.GetAsync(api))
        {
            Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        }

        Assert.True(watch.ElapsedMilliseconds < 250, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Standbys_Redirect307ToTheClusterWithSamePathAndQuery_AndJoinItsRaftConfiguration()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-2");
        var standby = await lab.OpenStandbyAsync("vault-2");
        var second = await lab.OpenStandbyAsync("vault-2");
        Assert.Equal(("vault-2-node-2", "vault-2-node-3"), (standby.NodeId, second.NodeId));
        Assert.NotEqual(standby.Address, second.Address);
        Assert.NotEqual(node.ApiAddress.Port, standby.Address.Port);
        Assert.Equal([$"standby+ vault-2-node-2 {standby.Address.Authority}", $"standby+ vault-2-node-3 {second.Address.Authority}"], node.Calls);

        using var response = await client.PostAsync(standby.Address.With("v1/sys/replication/dr/status?x=1"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri(node.ApiAddress, "v1/sys/replication/dr/status?x=1"), response.Headers.Location);
        Assert.Empty(node.Received);

        await lab.CloseStandbysAsync("vault-2");
        Assert.Empty(lab.GetStandbys("vault-2"));
        Assert.Contains("standby- vault-2-node-2", node.Calls);
        Assert.Contains("standby- vault-2-node-3", node.Calls);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(standby.Address));
    }

    [Fact]
    public async Task AStoppedStandby_RefusesConnections_AndStartsAgainOnItsPort()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        var standby = await lab.OpenStandbyAsync("vault-1");

        var stopped = await lab.SetStandbyRunningAsync("vault-1", standby.NodeId, running: false);
        Assert.Equal(standby with { Running = false }, stopped);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(standby.Address.With("v1/sys/health")));
        Assert.True(LabTestSupport.IsConnectionRefused(refused));

        var started = await lab.SetStandbyRunningAsync("vault-1", standby.NodeId, running: true);
        Assert.Equal(standby, started);
        using (var redirect = await client.GetAsync(standby.Address.With("v1/sys/health")))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        }

        Assert.Equal(["vault-1-node-2 stopped", "vault-1-node-2 running"], node.Calls.Where(c => c.StartsWith("standby vault", StringComparison.Ordinal)).Select(c => c["standby ".Length..]));
        Assert.Null(await lab.SetStandbyRunningAsync("vault-1", "vault-1-node-9", running: false));
    }

    [Fact]
    public async Task FiftyClusters_StartAndAnswer()
    {
        var watch = Stopwatch.StartNew();
        await using var lab = await LabTestSupport.StartAsync(50);
        var started = watch.Elapsed;
        using var client = LabTestSupport.Client();
        var answers = await Task.WhenAll(lab.Clusters.Select(c => client.GetStringAsync(c.ApiAddress.With("v1/sys/health"))));
        Assert.Equal(50, answers.Length);
        Assert.Equal(100, lab.Clusters.Select(c => c.ApiAddress.Port).Concat(lab.Clusters.Select(c => c.ClusterAddress.Port)).Distinct().Count());
        Assert.True(started < TimeSpan.FromSeconds(10), $"50 clusters took {started}");
    }
}
