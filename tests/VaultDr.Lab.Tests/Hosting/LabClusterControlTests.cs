using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VaultDr.Lab.Tests.Hosting;

/// <summary>The control API's maintenance endpoints, against real emulated clusters over HTTP.</summary>
public sealed class LabClusterControlTests : IAsyncLifetime
{
    private LabHost _lab = null!;

    public async Task InitializeAsync() =>
        _lab = await LabHost.StartAsync(
            new LabOptions { ClusterCount = 2, StateStepDelay = TimeSpan.Zero, CatchUpDelay = TimeSpan.Zero, HeartbeatInterval = TimeSpan.FromMilliseconds(20) },
            ClusterFactory.Create,
            null);

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task MerkleCorruption_IsInjectedPerTree_ReportedByVault_AndRepairedByDelete()
    {
        using (var corrupt = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-1/merkle-corruption", """{"tree":"local"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, corrupt.StatusCode);
            Assert.Equal(["local"], (await corrupt.JsonAsync()).GetProperty("corruptMerkleTrees").EnumerateArray().Select(e => e.GetString()));
        }

        await Vault("vault-1", HttpMethod.Post, "v1/sys/replication/dr/primary/enable", "{}");
        Assert.True((await Vault("vault-1", HttpMethod.Get, "v1/sys/replication/dr/status")).GetProperty("data").GetProperty("corrupted_merkle_tree").GetBoolean());

        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-1/merkle-corruption", """{"tree":"bogus"}""", 400, "Unknown tree 'bogus': use replicated, local, root.");
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-1/merkle-corruption", "{}", 400, "'tree' is required: replicated, local, root.");
        using (var repaired = await _lab.ControlAsync(HttpMethod.Delete, "lab/clusters/vault-1/merkle-corruption"))
        {
            Assert.Empty((await repaired.JsonAsync()).GetProperty("corruptMerkleTrees").EnumerateArray());
        }

        Assert.False((await Vault("vault-1", HttpMethod.Get, "v1/sys/replication/dr/status")).GetProperty("data").GetProperty("corrupted_merkle_tree").GetBoolean());
    }

    [Fact]
    public async Task StatusEndpoints_AreSwitchedOffAndOn()
    {
        using (var off = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/status-endpoints", """{"disabled":true}"""))
        {
            Assert.True((await off.JsonAsync()).GetProperty("statusEndpointsDisabled").GetBoolean());
        }

        using var client = LabTestSupport.Client();
        using (var status = await client.GetAsync(_lab.GetCluster("vault-2").ApiAddress.With("v1/sys/replication/status")))
        {
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
            Assert.Equal("""{"errors":["disabled path"]}""", await status.Content.ReadAsStringAsync());
        }

        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-2/status-endpoints", "", 400, "A JSON object body is required.");
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-2/status-endpoints", """{"disabled":"yes"}""", 400, "'disabled' must be true or false.");
        (await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/status-endpoints", """{"disabled":false}""")).Dispose();
        Assert.Equal("disabled", (await Vault("vault-2", HttpMethod.Get, "v1/sys/replication/dr/status")).GetProperty("data").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task BreakReplication_NeedsReplication_AndShowsInTheDescriptionAndTheLog()
    {
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-1/break-replication", "{}", 400, "vault-1 has DR replication disabled: there is no replication stream to break.");
        await Vault("vault-1", HttpMethod.Post, "v1/sys/replication/dr/primary/enable", "{}");
        using (var broken = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-1/break-replication", "{}"))
        {
            Assert.True((await broken.JsonAsync()).GetProperty("replicationStopped").GetBoolean());
        }

        using var log = await _lab.ControlAsync(HttpMethod.Get, "lab/clusters/vault-1/log");
        var entry = (await log.JsonAsync()).GetProperty("log").EnumerateArray().Last();
        Assert.Equal(["time", "level", "message"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ERROR", entry.GetProperty("level").GetString());
        Assert.StartsWith("replication: replication stopped syncing", entry.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(entry.GetProperty("time").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));

        await Vault("vault-1", HttpMethod.Post, "v1/sys/replication/recover", "{}");
        using var recovered = await _lab.ControlAsync(HttpMethod.Get, "lab");
        Assert.False((await recovered.JsonAsync()).GetProperty("clusters")[0].GetProperty("replicationStopped").GetBoolean());
    }

    [Fact]
    public async Task AStandbyStoppedThroughTheControl_IsADeadPeerForAutopilot_UntilStartedAgain()
    {
        using var opened = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-1/standby");
        var standby = await opened.JsonAsync();
        var nodeId = standby.GetProperty("nodeId").GetString()!;
        var address = new Uri(standby.GetProperty("address").GetString()!);
        await Vault("vault-1", HttpMethod.Put, "v1/sys/storage/raft/autopilot/configuration", """{"last_contact_threshold":"300ms"}""");

        using (var stop = await _lab.ControlAsync(HttpMethod.Post, $"lab/clusters/vault-1/standbys/{nodeId}/stop", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            Assert.Equal($$"""{"nodeId":"{{nodeId}}","address":"{{address}}","running":false}""", await stop.Content.ReadAsStringAsync());
        }

        using var client = LabTestSupport.Client();
        Assert.True(LabTestSupport.IsConnectionRefused(await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(address))));
        await Task.Delay(400);
        var dead = (await Vault("vault-1", HttpMethod.Get, "v1/sys/storage/raft/autopilot/state")).GetProperty("data");
        Assert.False(dead.GetProperty("servers").GetProperty(nodeId).GetProperty("healthy").GetBoolean());
        Assert.False(dead.GetProperty("healthy").GetBoolean());

        using (var start = await _lab.ControlAsync(HttpMethod.Post, $"lab/clusters/vault-1/standbys/{nodeId}/start", "{}"))
        {
            Assert.True((await start.JsonAsync()).GetProperty("running").GetBoolean());
        }

        Assert.True((await Vault("vault-1", HttpMethod.Get, "v1/sys/storage/raft/autopilot/state")).GetProperty("data").GetProperty("healthy").GetBoolean());
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-1/standbys/vault-1-node-9/stop", "{}", 404, $"vault-1 has no standby 'vault-1-node-9'. Its standbys: {nodeId}.");
        await AssertRefused(HttpMethod.Post, $"lab/clusters/vault-1/standbys/{nodeId}/restart", "{}", 404, "No standby action 'restart': use stop or start.");
        await AssertRefused(HttpMethod.Get, $"lab/clusters/vault-1/standbys/{nodeId}/stop", null, 405, "Use POST here.");
        await AssertRefused(HttpMethod.Post, $"lab/clusters/vault-9/standbys/{nodeId}/stop", "{}", 404, "No cluster named 'vault-9' in this lab.");
    }

    [Fact]
    public async Task VersionAndUnauthenticatedAccess_AreSetThroughTheControl_AndShowInVaultsAnswers()
    {
        using (var upgraded = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/version", """{"version":"2.0"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, upgraded.StatusCode);
            Assert.Equal("2.0.0+ent", (await upgraded.JsonAsync()).GetProperty("vaultVersion").GetString());
        }

        Assert.Equal("2.0.0+ent", (await Vault("vault-2", HttpMethod.Get, "v1/sys/health")).GetProperty("version").GetString());
        Assert.Equal("1.15.0+ent", (await Vault("vault-1", HttpMethod.Get, "v1/sys/health")).GetProperty("version").GetString());
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-2/version", """{"version":"two"}""", 400, "'version' must look like 1.15 or 1.17.3 (got 'two').");
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-2/version", "{}", 400, "'version' is required, e.g. \"2.0\" or \"1.17.3\".");
        await AssertRefused(HttpMethod.Get, "lab/clusters/vault-2/version", null, 405, "Use POST here.");

        using (var opened = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/unauthenticated-access", """{"families":["generate-operation-token"]}"""))
        {
            Assert.Equal(["generate-operation-token"], (await opened.JsonAsync()).GetProperty("enableUnauthenticatedAccess").EnumerateArray().Select(e => e.GetString()));
        }

        var config = (await Vault("vault-2", HttpMethod.Get, "v1/sys/config/state/sanitized")).GetProperty("data");
        Assert.Equal(["generate-operation-token"], config.GetProperty("enable_unauthenticated_access").EnumerateArray().Select(e => e.GetString()));
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-2/unauthenticated-access", """{"families":["bogus"]}""", 400, "Unknown endpoint family 'bogus': use rekey, generate-root, generate-operation-token.");
        await AssertRefused(HttpMethod.Post, "lab/clusters/vault-2/unauthenticated-access", """{"families":"rekey"}""", 400, "'families' must be a list of strings.");
        await AssertRefused(
            HttpMethod.Post, "lab/clusters/vault-2/unauthenticated-access", "{}", 400, "'families' is required: a list of rekey, generate-root, generate-operation-token (empty to clear it).");
        using (var cleared = await _lab.ControlAsync(HttpMethod.Post, "lab/clusters/vault-2/unauthenticated-access", """{"families":[]}"""))
        {
            Assert.Empty((await cleared.JsonAsync()).GetProperty("enableUnauthenticatedAccess").EnumerateArray());
        }
    }

    [Fact]
    public async Task AnAutoUnsealLab_HandsOutRecoveryKeys_AndNoUnsealKeys()
    {
        await using var lab = await LabHost.StartAsync(new LabOptions { ClusterCount = 1, KeyShares = 3, KeyThreshold = 2, AutoUnseal = true }, ClusterFactory.Create, null);
        var cluster = LabProcess.ReadyJson(lab)["clusters"]![0]!;
        Assert.Equal("transit", (string?)cluster["sealType"]);
        Assert.Empty(cluster["unsealKeys"]!.AsArray());
        Assert.Equal(0, (int)cluster["keyThreshold"]!);
        Assert.Equal(3, cluster["recoveryKeys"]!.AsArray().Count);
        Assert.Equal(2, (int)cluster["recoveryThreshold"]!);
        Assert.Contains($"Recovery keys (auto-unseal, seal type transit; threshold 2 of 3):{Environment.NewLine}  vault-1: {string.Join(" ", lab.Clusters[0].RecoveryKeysHex)}", LabProcess.HumanTable(lab), StringComparison.Ordinal);

        var shamir = LabProcess.ReadyJson(_lab)["clusters"]![0]!;
        Assert.Equal("shamir", (string?)shamir["sealType"]);
        Assert.Empty(shamir["recoveryKeys"]!.AsArray());
        Assert.Equal(0, (int)shamir["recoveryThreshold"]!);
        Assert.Equal(3, (int)shamir["keyThreshold"]!);
        Assert.Contains("Unseal keys (threshold 3 of 5):", LabProcess.HumanTable(_lab), StringComparison.Ordinal);
    }

    private async Task AssertRefused(HttpMethod method, string path, string? body, int status, string error)
    {
        using var response = await _lab.ControlAsync(method, path, body);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal([error], (await response.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>A call to a cluster's Vault API with its root token; asserts a 2xx answer and returns its body (or null JSON).</summary>
    private async Task<JsonElement> Vault(string cluster, HttpMethod method, string path, string? body = null)
    {
        var node = _lab.GetCluster(cluster);
        using var client = LabTestSupport.Client();
        using var request = new HttpRequestMessage(method, node.ApiAddress.With(path));
        request.Headers.Add("X-Vault-Token", node.RootToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(JsonDocument.Parse(body).RootElement);
        }

        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone();
    }
}
