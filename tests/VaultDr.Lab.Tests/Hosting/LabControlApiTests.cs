using System.Net;

namespace VaultDr.Lab.Tests.Hosting;

public sealed class LabControlApiTests
{
    [Fact]
    public async Task GetLab_DescribesPidClustersAndPartitions()
    {
        await using var lab = await LabTestSupport.StartAsync();
        lab.Partitions.Add("vault-2", "vault-1");
        using var response = await lab.ControlAsync(HttpMethod.Get, "lab");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await response.JsonAsync();
        Assert.Equal(Environment.ProcessId, doc.GetProperty("pid").GetInt32());
        var clusters = doc.GetProperty("clusters").EnumerateArray().ToArray();
        Assert.Equal(2, clusters.Length);
        var one = clusters[0];
        Assert.Equal("vault-1", one.GetProperty("name").GetString());
        Assert.Equal("fake", one.GetProperty("kind").GetString()); // from node.Describe()
        Assert.Equal(lab.Node("vault-1").ApiAddress.ToString(), one.GetProperty("apiAddress").GetString());
        Assert.Equal(lab.Node("vault-1").ClusterAddress.ToString(), one.GetProperty("clusterAddress").GetString());
        Assert.True(one.GetProperty("running").GetBoolean());
        Assert.False(one.GetProperty("sealed").GetBoolean());
        Assert.Equal(0, one.GetProperty("latencyMs").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, one.GetProperty("standbyAddress").ValueKind);
        Assert.Equal(0, one.GetProperty("standbys").GetArrayLength());
        var partition = Assert.Single(doc.GetProperty("partitions").EnumerateArray().ToArray());
        Assert.Equal(["vault-1", "vault-2"], partition.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ClusterActions_StopStartSealUnsealLatencyStandby()
    {
        await using var lab = await LabTestSupport.StartAsync();
        var node = lab.Node("vault-2");
        using var client = LabTestSupport.Client();

        using (var stop = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/stop"))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            Assert.False((await stop.JsonAsync()).GetProperty("running").GetBoolean());
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(node.ApiAddress));
        using (var start = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/start"))
        {
            Assert.True((await start.JsonAsync()).GetProperty("running").GetBoolean());
        }

        (await client.GetAsync(node.ApiAddress)).Dispose();

        using (var seal = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/seal"))
        {
            Assert.True((await seal.JsonAsync()).GetProperty("sealed").GetBoolean());
            Assert.True(node.Sealed);
        }

        using (var unseal = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/unseal"))
        {
            Assert.False((await unseal.JsonAsync()).GetProperty("sealed").GetBoolean());
            Assert.False(node.Sealed);
        }

        using (var latency = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/latency", """{"ms":200}"""))
        {
            Assert.Equal(200, (await latency.JsonAsync()).GetProperty("latencyMs").GetInt32());
            Assert.Equal(200, lab.GetLatency("vault-2"));
        }

        using var standby = await lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/standby");
        var opened = await standby.JsonAsync();
        var address = new Uri(opened.GetProperty("address").GetString()!);
        Assert.Equal("vault-2-node-2", opened.GetProperty("nodeId").GetString());
        Assert.Equal(lab.GetStandbys("vault-2").Single().Address, address);
        using var redirect = await client.GetAsync(address.With("v1/sys/health"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        Assert.Equal(new Uri(node.ApiAddress, "v1/sys/health"), redirect.Headers.Location);
    }

    [Fact]
    public async Task Partitions_AddListAndHealAll()
    {
        await using var lab = await LabTestSupport.StartAsync(3);
        using (var add = await lab.ControlAsync(HttpMethod.Post, "lab/partitions", """{"a":"vault-1","b":"vault-3"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        }

        Assert.True(lab.Partitions.AreSplit("vault-3", "vault-1"));
        Assert.False(lab.Partitions.AreSplit("vault-1", "vault-2"));
        await Assert.ThrowsAsync<LabPeerUnreachableException>(() =>
            lab.Transport.SendAsync("vault-3", lab.Node("vault-1").ClusterAddress, LabRequest.Create("GET", "/x"), CancellationToken.None));

        using (var heal = await lab.ControlAsync(HttpMethod.Delete, "lab/partitions"))
        {
            Assert.Empty((await heal.JsonAsync()).GetProperty("partitions").EnumerateArray());
        }

        Assert.False(lab.Partitions.AreSplit("vault-3", "vault-1"));
    }

    [Fact]
    public async Task Faults_AddReturnsIdAppliesAndClears()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        using (var add = await lab.ControlAsync(HttpMethod.Post, "lab/faults", """{"cluster":"vault-1","method":"get","path":"/v1/sys/*","kind":"status","status":500,"retryAfterSec":1,"count":2}"""))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
            Assert.True((await add.JsonAsync()).GetProperty("id").GetInt32() > 0);
        }

        using (var faulted = await client.GetAsync(node.ApiAddress.With("v1/sys/health")))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, faulted.StatusCode);
            Assert.Equal("""{"errors":["lab fault: 500"]}""", await faulted.Content.ReadAsStringAsync());
        }

        using (var body = await lab.ControlAsync(HttpMethod.Post, "lab/faults", """{"cluster":"*","path":"/v1/x","kind":"status","status":418,"body":{"errors":["teapot"]}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, body.StatusCode);
        }

        using (var teapot = await client.GetAsync(lab.Node("vault-2").ApiAddress.With("v1/x")))
        {
            Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
            Assert.Equal("""{"errors":["teapot"]}""", await teapot.Content.ReadAsStringAsync());
        }

        using (var list = await lab.ControlAsync(HttpMethod.Get, "lab/faults"))
        {
            Assert.Equal(2, (await list.JsonAsync()).GetProperty("faults").GetArrayLength());
        }

        (await lab.ControlAsync(HttpMethod.Delete, "lab/faults")).Dispose();
        Assert.Empty(lab.Faults.Snapshot());
        using var healthy = await client.GetAsync(node.ApiAddress.With("v1/sys/health"));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Theory]
    [InlineData("POST", "lab/clusters/vault-9/stop", null, 404)]
    [InlineData("POST", "lab/clusters/vault-9/latency", """{"ms":1}""", 404)]
    [InlineData("POST", "lab/clusters/vault-1/explode", null, 404)]
    [InlineData("GET", "lab/nothing", null, 404)]
    [InlineData("POST", "lab/partitions", """{"a":"vault-1","b":"vault-9"}""", 404)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-9","path":"/x","kind":"drop"}""", 404)]
    [InlineData("POST", "lab/clusters/vault-1/latency", "not json", 400)]
    [InlineData("POST", "lab/clusters/vault-1/latency", """{"ms":-5}""", 400)]
    [InlineData("POST", "lab/clusters/vault-1/latency", "", 400)]
    [InlineData("POST", "lab/partitions", """{"a":"vault-1"}""", 400)]
    [InlineData("POST", "lab/partitions", """{"a":"vault-1","b":"vault-1"}""", 400)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"melt"}""", 400)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"status"}""", 400)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"delay"}""", 400)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"redirect"}""", 400)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"redirect","location":"not a url"}""", 400)]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"drop","count":0}""", 400)]
    [InlineData("POST", "lab/faults", "[1,2]", 400)]
    [InlineData("GET", "lab/clusters/vault-1/stop", null, 405)]
    [InlineData("POST", "lab", null, 405)]
    public async Task BadRequests_AnswerVaultShapedErrors(string method, string path, string? body, int status)
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var response = await lab.ControlAsync(new HttpMethod(method), path, body);
        Assert.Equal(status, (int)response.StatusCode);
        var document = await response.JsonAsync();
        Assert.Equal(["errors"], document.EnumerateObject().Select(p => p.Name));
        var error = Assert.Single(document.GetProperty("errors").EnumerateArray().ToArray());
        Assert.False(string.IsNullOrEmpty(error.GetString()));
    }

    [Theory]
    [InlineData("POST", "lab/clusters/vault-9/stop", null, 404, "No cluster named 'vault-9' in this lab.")]
    [InlineData("POST", "lab/clusters/vault-1/explode", null, 404, "No cluster action 'explode'.")]
    [InlineData("GET", "lab/nothing", null, 404, "No control endpoint GET /lab/nothing.")]
    [InlineData("DELETE", "lab/faults/77", null, 404, "No fault with id '77'.")]
    [InlineData("POST", "lab/clusters/vault-1/latency", "", 400, "A JSON object body is required.")]
    [InlineData("POST", "lab/partitions", """{"a":"vault-1","b":"vault-1"}""", 400, "A cluster cannot be partitioned from itself.")]
    [InlineData("POST", "lab/faults", """{"cluster":"vault-1","path":"/x","kind":"status"}""", 400, "'status' (100-599) is required for kind \"status\".")]
    [InlineData("GET", "lab/shutdown", null, 405, "Use POST here.")]
    [InlineData("PUT", "lab/faults", null, 405, "Use GET or POST or DELETE here.")]
    public async Task Errors_AreExactTextsInVaultsShape(string method, string path, string? body, int status, string text)
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var response = await lab.ControlAsync(new HttpMethod(method), path, body);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = await response.JsonAsync();
        Assert.Equal([text], document.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task WrongMethod_NamesTheAllowedOnesInAllow()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var response = await lab.ControlAsync(HttpMethod.Put, "lab/clusters/vault-1/standby");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST", "DELETE"], response.Content.Headers.Allow);
        Assert.Equal("""{"errors":["Use POST or DELETE here."]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Shutdown_AnswersThenSignals()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        Assert.False(lab.ShutdownRequested.IsCancellationRequested);
        using var response = await lab.ControlAsync(HttpMethod.Post, "lab/shutdown");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("stopping").GetBoolean());
        Assert.True(lab.ShutdownRequested.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Dispose_StopsEverythingAndDisposesNodes()
    {
        var lab = await LabTestSupport.StartAsync();
        var nodes = lab.Clusters.Cast<FakeNode>().ToArray();
        var control = lab.ControlAddress;
        var api = nodes[0].ApiAddress;
        await lab.DisposeAsync();
        Assert.All(nodes, n => Assert.True(n.Disposed));
        Assert.All(nodes, n => Assert.False(n.Running));
        using var client = LabTestSupport.Client();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(control));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(api));
    }
}
