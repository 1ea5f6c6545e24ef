using System.Diagnostics;
using System.Net;
using System.Text;

namespace VaultDr.Lab.Tests.Hosting;

public sealed class LabHostFaultTests
{
    [Fact]
    public async Task StatusFault_AnswersVaultErrorWithRetryAfter_ThenCountIsExhausted()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        lab.Faults.Add(new LabFaultRule("vault-1", "GET", "/v1/sys/replication/dr/status", LabFaultKinds.Status, Status: 503, RetryAfterSec: 2, Count: 1));

        using var faulted = await client.GetAsync(node.ApiAddress.With("v1/sys/replication/dr/status"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), faulted.Headers.RetryAfter?.Delta);
        Assert.Equal("""{"errors":["lab fault: 503"]}""", await faulted.Content.ReadAsStringAsync());
        Assert.Equal("application/json", faulted.Content.Headers.ContentType?.MediaType);
        Assert.Empty(node.Received);

        using var normal = await client.GetAsync(node.ApiAddress.With("v1/sys/replication/dr/status"));
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        Assert.Single(node.Received);
        Assert.Equal(0, lab.Faults.Snapshot().Single().Remaining);
    }

    [Fact]
    public async Task StatusFault_MatchesClusterMethodAndPathPrefix_AndUsesTheGivenBody()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var one = lab.Node("vault-1");
        var two = lab.Node("vault-2");
        lab.Faults.Add(new LabFaultRule("vault-1", "PUT", "/v1/sys/replication/*", LabFaultKinds.Status, Status: 429, Body: """{"errors":["slow down"]}"""));

        using (var hit = await client.PutAsync(one.ApiAddress.With("v1/sys/replication/dr/primary/enable"), new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, hit.StatusCode);
            Assert.Equal("""{"errors":["slow down"]}""", await hit.Content.ReadAsStringAsync());
            Assert.Null(hit.Headers.RetryAfter);
        }

        using (var hitAgain = await client.PutAsync(one.ApiAddress.With("v1/sys/replication/dr/secondary/promote"), new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, hitAgain.StatusCode); // no count: every match
        }

        using (var otherMethod = await client.GetAsync(one.ApiAddress.With("v1/sys/replication/dr/status")))
        {
            Assert.Equal(HttpStatusCode.OK, otherMethod.StatusCode);
        }

        using (var otherPath = await client.PutAsync(one.ApiAddress.With("v1/sys/health"), new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.OK, otherPath.StatusCode);
        }

        using (var otherCluster = await client.PutAsync(two.ApiAddress.With("v1/sys/replication/dr/primary/enable"), new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.OK, otherCluster.StatusCode);
        }

        // Faults sit in front of the API endpoint only.
        using var cluster = await client.PutAsync(one.ClusterAddress.With("v1/sys/replication/x"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, cluster.StatusCode);
    }

    [Fact]
    public async Task DropFault_AbortsWithoutAnswer_AfterReadingTheRequest()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        lab.Faults.Add(new LabFaultRule("*", "*", "/v1/sys/replication/dr/secondary/promote", LabFaultKinds.Drop, Count: 1));

        var body = new StringContent(new string('x', 100_000), Encoding.UTF8, "application/json");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(node.ApiAddress.With("v1/sys/replication/dr/secondary/promote"), body));
        Assert.Empty(node.Received);
        var entry = lab.Requests.Snapshot().Single();
        Assert.True(entry.Faulted);
        Assert.Equal(0, entry.Status);

        using var second = await client.PostAsync(node.ApiAddress.With("v1/sys/replication/dr/secondary/promote"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task DropAfterHeadersFault_Sends200HeadersThenBreaksTheBody()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        lab.Faults.Add(new LabFaultRule("vault-1", "*", "/v1/sys/replication/dr/status", LabFaultKinds.DropAfterHeaders, Count: 1));

        using var response = await client.GetAsync(node.ApiAddress.With("v1/sys/replication/dr/status"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4096, response.Content.Headers.ContentLength);
        var broken = await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
        Assert.True(broken is IOException or HttpRequestException, broken.ToString());
        Assert.Empty(node.Received);
    }

    [Fact]
    public async Task DropAfterHandlingFault_TheNodeActs_ThenTheConnectionCloses_WithoutAnAnswer()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        lab.Faults.Add(new LabFaultRule("vault-1", "POST", "/v1/sys/replication/dr/primary/demote", LabFaultKinds.DropAfterHandling, Count: 1));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(node.ApiAddress.With("v1/sys/replication/dr/primary/demote"), new StringContent("{}")));

        var (endpoint, received) = Assert.Single(node.Received);
        Assert.Equal(("api", "POST", "/v1/sys/replication/dr/primary/demote", "{}"), (endpoint, received.Method, received.Path, received.Body));
        var entry = lab.Requests.Snapshot().Single();
        Assert.Equal((0, true), (entry.Status, entry.Faulted));

        using var again = await client.PostAsync(node.ApiAddress.With("v1/sys/replication/dr/primary/demote"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, node.Received.Count);
    }

    [Fact]
    public async Task DelayFault_WaitsThenHandlesNormally()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        lab.Faults.Add(new LabFaultRule("vault-1", "GET", "/v1/sys/health", LabFaultKinds.Delay, DelayMs: 400, Count: 1));

        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(node.ApiAddress.With("v1/sys/health"));
        Assert.True(watch.ElapsedMilliseconds >= 380, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(node.Received);
        var entry = lab.Requests.Snapshot().Single();
        Assert.True(entry.Faulted);
        Assert.Equal(200, entry.Status);
    }

    [Fact]
    public async Task RedirectFault_Answers307WithTheGivenLocation_WithoutReachingTheNode()
    {
        await using var lab = await LabTestSupport.StartAsync(1);
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        using (var add = await lab.ControlAsync(
            HttpMethod.Post, "lab/faults", """{"cluster":"vault-1","method":"POST","path":"/v1/sys/replication/dr/primary/enable","kind":"redirect","location":"http://127.0.0.1:1/v1/elsewhere","count":1}"""))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        }

        using (var redirected = await client.PostAsync(node.ApiAddress.With("v1/sys/replication/dr/primary/enable"), new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
            Assert.Equal(new Uri("http://127.0.0.1:1/v1/elsewhere"), redirected.Headers.Location);
            Assert.Equal(string.Empty, await redirected.Content.ReadAsStringAsync());
        }

        Assert.Empty(node.Received);
        var entry = lab.Requests.Snapshot().Single();
        Assert.Equal((307, true), (entry.Status, entry.Faulted));

        using var normal = await client.PostAsync(node.ApiAddress.With("v1/sys/replication/dr/primary/enable"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        Assert.Single(node.Received);
    }

    [Fact]
    public async Task RequestLog_RecordsApiRequestsWithoutSecrets_FiltersAndClears()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, lab.Node("vault-1").ApiAddress.With("v1/sys/health?standbyok=true"));
        request.Headers.Add("X-Vault-Token", "hvs.do-not-log");
        (await client.SendAsync(request)).Dispose();
        (await client.PostAsync(lab.Node("vault-2").ApiAddress.With("v1/sys/replication/dr/primary/enable"), new StringContent("""{"secret":"hvs.body"}"""))).Dispose();
        (await client.GetAsync(lab.Node("vault-2").ClusterAddress.With("not-logged"))).Dispose();

        var all = lab.Requests.Snapshot();
        Assert.Equal(2, all.Count);
        Assert.Equal(("vault-1", "GET", "/v1/sys/health", "standbyok=true", 200, false), (all[0].Cluster, all[0].Method, all[0].Path, all[0].Query, all[0].Status, all[0].Faulted));
        Assert.Equal(("vault-2", "POST", "/v1/sys/replication/dr/primary/enable"), (all[1].Cluster, all[1].Method, all[1].Path));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - all[0].Time).TotalSeconds) < 30);
        Assert.Equal(TimeSpan.Zero, all[0].Time.Offset);

        using var logged = await lab.ControlAsync(HttpMethod.Get, "lab/requests?cluster=vault-2");
        var text = await logged.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hvs.", text, StringComparison.Ordinal);
        var entries = (await logged.JsonAsync()).GetProperty("requests").EnumerateArray().ToArray();
        var entry = Assert.Single(entries);
        Assert.Equal("vault-2", entry.GetProperty("cluster").GetString());
        Assert.Equal(200, entry.GetProperty("status").GetInt32());
        Assert.False(entry.GetProperty("faulted").GetBoolean());
        Assert.True(entry.TryGetProperty("time", out _));
        Assert.True(entry.TryGetProperty("query", out _));

        (await lab.ControlAsync(HttpMethod.Delete, "lab/requests")).Dispose();
        Assert.Empty(lab.Requests.Snapshot());
    }

    [Fact]
    public async Task RequestLog_DigestsBodies_EqualForTheSameBody_WhetherAnsweredOrDropped()
    {
        await using var lab = await LabTestSupport.StartAsync();
        using var client = LabTestSupport.Client();
        var node = lab.Node("vault-1");
        const string Promote = "v1/sys/replication/dr/secondary/promote";
        const string Body = """{"dr_operation_token":"hvs.AAAAAAAAAAAAAAAAAAAAAAAA"}""";
        (await client.PostAsync(node.ApiAddress.With(Promote), new StringContent(Body))).Dispose();
        (await client.PostAsync(node.ApiAddress.With(Promote), new StringContent("""{"dr_operation_token":"hvs.BBBBBBBBBBBBBBBBBBBBBBBB"}"""))).Dispose();
        lab.Faults.Add(new LabFaultRule("vault-1", "POST", "/" + Promote, LabFaultKinds.Drop, Count: 1));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(node.ApiAddress.With(Promote), new StringContent(Body)));
        (await client.GetAsync(node.ApiAddress.With("v1/sys/replication/dr/status"))).Dispose();

        var entries = lab.Requests.Snapshot("vault-1");
        Assert.Equal(4, entries.Count);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Body)))[..16];
        Assert.Equal(expected, entries[0].BodyDigest);
        Assert.NotEqual(expected, entries[1].BodyDigest);
        Assert.Equal(16, entries[1].BodyDigest?.Length);
        Assert.Equal((0, true, expected), (entries[2].Status, entries[2].Faulted, entries[2].BodyDigest));
        Assert.Null(entries[3].BodyDigest);

        using var logged = await lab.ControlAsync(HttpMethod.Get, "lab/requests?cluster=vault-1");
        var text = await logged.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hvs.", text, StringComparison.Ordinal);
        Assert.Equal(expected, (await logged.JsonAsync()).GetProperty("requests")[0].GetProperty("bodyDigest").GetString());
    }

    [Fact]
    public void RequestLog_KeepsTheLastTenThousand()
    {
        var log = new LabRequestLog();
        for (var i = 0; i < LabRequestLog.Capacity + 5; i++)
        {
            log.Add(new LabRequestLogEntry("vault-1", "GET", "/" + i, "", 200, DateTimeOffset.UtcNow, false, "api"));
        }

        var entries = log.Snapshot();
        Assert.Equal(LabRequestLog.Capacity, entries.Count);
        Assert.Equal("/5", entries[0].Path);
    }
}
