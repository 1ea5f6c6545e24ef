using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>A cluster's raft configuration, peer removal and autopilot, as its active node answers them.</summary>
public sealed class RaftTests : IDisposable
{
    private const string Configuration = "/v1/sys/storage/raft/configuration";
    private const string RemovePeer = "/v1/sys/storage/raft/remove-peer";
    private const string AutopilotState = "/v1/sys/storage/raft/autopilot/state";
    private const string AutopilotConfiguration = "/v1/sys/storage/raft/autopilot/configuration";
    private const string DefaultAutopilot = """{"cleanup_dead_servers":false,"dead_server_last_contact_threshold":"24h0m0s","last_contact_threshold":"10s","max_trailing_logs":1000,"min_quorum":0,"server_stabilization_time":"10s","disable_upgrade_migration":false}""";

    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task TheConfiguration_ListsTheActiveNodeAsLeader_ThenEachStandbyAsAVoter()
    {
        var alone = await Root(_lab.A, "GET", Configuration);
        Assert.Equal(200, alone.Status);
        Assert.Contains("\"protocol_version\":\"\\u0003\"", alone.Raw);
        Assert.Equal(JsonValueKind.Null, alone.Json.GetProperty("warnings").ValueKind);
        var config = alone.Data.GetProperty("config");
        Assert.Equal(["index", "servers"], config.EnumerateObject().Select(p => p.Name));
        var indexBefore = config.GetProperty("index").GetInt64();
        Assert.Equal(
            """[{"address":"127.0.0.1:8201","leader":true,"node_id":"vault-1-node-1","protocol_version":"\u0003","voter":true}]""",
            config.GetProperty("servers").GetRawText());

        Assert.Equal("vault-1-node-2", _lab.A.AddStandby(new Uri("https://127.0.0.1:9302/")));
        Assert.Equal("vault-1-node-3", _lab.A.AddStandby(new Uri("https://127.0.0.1:9303/")));
        var servers = (await Root(_lab.A, "PUT", Configuration, new { })).Data.GetProperty("config");
        Assert.True(servers.GetProperty("index").GetInt64() > indexBefore);
        Assert.Equal(
            [("vault-1-node-1", "127.0.0.1:8201", true), ("vault-1-node-2", "127.0.0.1:9302", false), ("vault-1-node-3", "127.0.0.1:9303", false)],
            servers.GetProperty("servers").EnumerateArray().Select(s => (s.GetProperty("node_id").GetString(), s.GetProperty("address").GetString(), s.GetProperty("leader").GetBoolean())));
        Assert.All(servers.GetProperty("servers").EnumerateArray(), s => Assert.True(s.GetProperty("voter").GetBoolean()));
    }

    [Fact]
    public async Task OnAPrimaryOrADisabledCluster_TheRaftPathsTakeTheRootToken()
    {
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "default" } });
        var plain = created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        foreach (var (method, path) in new[] { ("GET", Configuration), ("PUT", RemovePeer), ("GET", AutopilotState), ("GET", AutopilotConfiguration), ("PUT", AutopilotConfiguration) })
        {
            Assert.Equal(403, (await Call(_lab.A, method, path, new { server_id = "x" })).Status);
            Assert.Equal(403, (await Call(_lab.A, method, path, new { server_id = "x" }, plain)).Status);
        }

        await EnablePrimary(_lab.A);
        Assert.Equal(200, (await Root(_lab.A, "GET", AutopilotState)).Status);
    }

    [Fact]
    public async Task OnADrSecondary_AVaultTokenIsRefused_AndTheOperationTokenIsTakenWhereVaultsCliSendsIt()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        var op = await _lab.OperationToken(_lab.B);
        var standby = _lab.B.AddStandby(new Uri("https://127.0.0.2:9302/"));
        const string PathDisabled = """{"errors":["path disabled in replication DR secondary mode"]}""";

        // A Vault token (the primary's root token works on the secondary's other paths) is refused everywhere.
        foreach (var (method, path) in new[] { ("GET", Configuration), ("PUT", Configuration), ("PUT", RemovePeer), ("GET", AutopilotState), ("GET", AutopilotConfiguration), ("PUT", AutopilotConfiguration) })
        {
            var refused = await Root(_lab.B, method, path, new { server_id = standby, dr_operation_token = "" });
            Assert.Equal((400, PathDisabled), (refused.Status, refused.Raw));
        }

        // list-peers -dr-token: PUT with the token in the body. A GET is refused even with the token in the header.
        var peers = await Call(_lab.B, "PUT", Configuration, new { dr_operation_token = op });
        Assert.Equal(["vault-2-node-1", standby], peers.Data.GetProperty("config").GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("node_id").GetString()));
        Assert.Equal((400, PathDisabled), Answer(await Call(_lab.B, "GET", Configuration, token: op)));
        Assert.Equal((400, """{"errors":["invalid DR operation token"]}"""), Answer(await Call(_lab.B, "PUT", Configuration, new { dr_operation_token = "hvs.notAToken" })));

        // autopilot state / get-config -dr-token: GET with the token as X-Vault-Token.
        Assert.Equal(200, (await Call(_lab.B, "GET", AutopilotState, token: op)).Status);
        Assert.Equal(DefaultAutopilot, (await Call(_lab.B, "GET", AutopilotConfiguration, token: op)).Data.GetRawText());
        Assert.Equal((400, PathDisabled), Answer(await Call(_lab.B, "GET", AutopilotState, token: "hvs.notAToken")));

        // set-config -dr-token and remove-peer -dr-token: the token in the body.
        Assert.Equal(204, (await Call(_lab.B, "PUT", AutopilotConfiguration, new { dr_operation_token = op, max_trailing_logs = 500 })).Status);
        Assert.Equal(500, (await Call(_lab.B, "GET", AutopilotConfiguration, token: op)).Data.GetProperty("max_trailing_logs").GetInt64());
        Assert.Equal(204, (await Call(_lab.B, "PUT", RemovePeer, new { server_id = standby, dr_operation_token = op })).Status);
        Assert.Single((await Call(_lab.B, "PUT", Configuration, new { dr_operation_token = op })).Data.GetProperty("config").GetProperty("servers").EnumerateArray());
    }

    [Fact]
    public async Task ABatchOperationToken_AuthorisesOnlyTheRaftPathsItsPolicyNames()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        const string Policy = """path "sys/storage/raft/autopilot/state" { capabilities = [ "read", "update" ] }""";
        await Root(_lab.A, "PUT", "/v1/sys/policies/acl/dr-raft", new { policy = Policy });
        await Root(_lab.A, "POST", "/v1/auth/token/roles/failover-handler", new { allowed_policies = "dr-raft", orphan = true, renewable = false, token_type = "batch" });
        var batch = (await Root(_lab.A, "POST", "/v1/auth/token/create/failover-handler", new { ttl = "1h" })).Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        await _lab.Settle();

        Assert.Equal(200, (await Call(_lab.B, "GET", AutopilotState, token: batch)).Status);
        Assert.Equal(["invalid DR operation token"], (await Call(_lab.B, "PUT", RemovePeer, new { server_id = "x", dr_operation_token = batch })).Errors);
    }

    [Fact]
    public async Task RemovePeer_RefusesTheLeader_AndAMissingId_AndIgnoresAnUnknownOne()
    {
        var standby = _lab.A.AddStandby(new Uri("https://127.0.0.1:9302/"));
        Assert.Equal((400, """{"errors":["no server id provided"]}"""), Answer(await Root(_lab.A, "POST", RemovePeer, new { dr_operation_token = "" })));
        var leader = await Root(_lab.A, "POST", RemovePeer, new { server_id = "vault-1-node-1", dr_operation_token = "" });
        Assert.Equal(400, leader.Status);
        Assert.Equal("cannot remove the raft leader \"vault-1-node-1\": it is the active node; step it down or remove a standby instead", Assert.Single(leader.Errors));
        Assert.Equal((204, null), Answer(await Root(_lab.A, "POST", RemovePeer, new { server_id = "nobody" })));
        Assert.Equal(2, (await Root(_lab.A, "GET", Configuration)).Data.GetProperty("config").GetProperty("servers").GetArrayLength());

        Assert.Equal((204, null), Answer(await Root(_lab.A, "POST", RemovePeer, new { server_id = standby, dr_operation_token = "" })));
        Assert.Equal(1, (await Root(_lab.A, "GET", Configuration)).Data.GetProperty("config").GetProperty("servers").GetArrayLength());
        Assert.Contains(_lab.A.ReadLog(), e => e.Message == $"storage.raft: removing peer from raft configuration: peer={standby}");
    }

    [Fact]
    public async Task AutopilotState_ShowsAStoppedStandbyAsADeadPeer_OnceItsLastContactPassesTheThreshold()
    {
        var started = _lab.Time.GetUtcNow();
        var second = _lab.A.AddStandby(new Uri("https://127.0.0.1:9302/"));
        var third = _lab.A.AddStandby(new Uri("https://127.0.0.1:9303/"));
        var healthy = (await Root(_lab.A, "GET", AutopilotState)).Data;
        Assert.Equal(["failure_tolerance", "healthy", "leader", "optimistic_failure_tolerance", "servers", "voters"], healthy.EnumerateObject().Select(p => p.Name));
        Assert.Equal((1, true, "vault-1-node-1", 1), (healthy.GetProperty("failure_tolerance").GetInt32(), healthy.GetProperty("healthy").GetBoolean(), healthy.GetProperty("leader").GetString(), healthy.GetProperty("optimistic_failure_tolerance").GetInt32()));
        Assert.Equal(["vault-1-node-1", second, third], healthy.GetProperty("voters").EnumerateArray().Select(v => v.GetString()));
        var leader = healthy.GetProperty("servers").GetProperty("vault-1-node-1");
        Assert.Equal(
            ["address", "healthy", "id", "last_contact", "last_index", "last_term", "name", "node_status", "node_type", "stable_since", "status", "version"],
            leader.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("127.0.0.1:8201", "0s", "alive", "voter", "leader", "1.15.0"), (leader.GetProperty("address").GetString(), leader.GetProperty("last_contact").GetString(), leader.GetProperty("node_status").GetString(), leader.GetProperty("node_type").GetString(), leader.GetProperty("status").GetString(), leader.GetProperty("version").GetString()));
        Assert.Equal("voter", healthy.GetProperty("servers").GetProperty(second).GetProperty("status").GetString());

        _lab.Time.Advance(TimeSpan.FromSeconds(1));
        _lab.A.SetStandbyRunning(third, running: false);
        var index = (await Root(_lab.A, "GET", AutopilotState)).Data.GetProperty("servers").GetProperty(third).GetProperty("last_index").GetInt64();
        await Root(_lab.A, "PUT", "/v1/secret/k", new { v = 1 });
        _lab.Time.Advance(TimeSpan.FromSeconds(10));
        var stillHealthy = (await Root(_lab.A, "GET", AutopilotState)).Data;
        var silent = stillHealthy.GetProperty("servers").GetProperty(third);
        Assert.Equal(("10s", true, index), (silent.GetProperty("last_contact").GetString(), silent.GetProperty("healthy").GetBoolean(), silent.GetProperty("last_index").GetInt64()));
        Assert.True(stillHealthy.GetProperty("servers").GetProperty("vault-1-node-1").GetProperty("last_index").GetInt64() > index);

        _lab.Time.Advance(TimeSpan.FromMilliseconds(1500));
        var dead = (await Root(_lab.A, "GET", AutopilotState)).Data;
        silent = dead.GetProperty("servers").GetProperty(third);
        Assert.Equal(("11.5s", false, "alive", "voter"), (silent.GetProperty("last_contact").GetString(), silent.GetProperty("healthy").GetBoolean(), silent.GetProperty("node_status").GetString(), silent.GetProperty("status").GetString()));
        Assert.Equal("2025-03-01T12:00:11Z", silent.GetProperty("stable_since").GetString()); // unhealthy since 10 s after it stopped
        Assert.Equal((0, false), (dead.GetProperty("failure_tolerance").GetInt32(), dead.GetProperty("healthy").GetBoolean()));
        Assert.True(dead.GetProperty("servers").GetProperty(second).GetProperty("healthy").GetBoolean());

        _lab.A.SetStandbyRunning(third, running: true);
        var back = (await Root(_lab.A, "GET", AutopilotState)).Data;
        Assert.Equal((1, true), (back.GetProperty("failure_tolerance").GetInt32(), back.GetProperty("healthy").GetBoolean()));
        Assert.Equal(LabCrypto.Rfc3339Nano(started, TimeZoneInfo.Utc), back.GetProperty("servers").GetProperty(second).GetProperty("stable_since").GetString());
    }

    [Fact]
    public async Task AutopilotConfiguration_ReadsVaultsDefaults_AndSetsOnlyTheFieldsGiven()
    {
        Assert.Equal(DefaultAutopilot, (await Root(_lab.A, "GET", AutopilotConfiguration)).Data.GetRawText());
        Assert.Equal(204, (await Root(_lab.A, "PUT", AutopilotConfiguration, new { last_contact_threshold = "2s", server_stabilization_time = 30, disable_upgrade_migration = true })).Status);
        var set = (await Root(_lab.A, "GET", AutopilotConfiguration)).Data;
        Assert.Equal(("2s", "30s", true, "24h0m0s", 1000), (set.GetProperty("last_contact_threshold").GetString(), set.GetProperty("server_stabilization_time").GetString(), set.GetProperty("disable_upgrade_migration").GetBoolean(), set.GetProperty("dead_server_last_contact_threshold").GetString(), set.GetProperty("max_trailing_logs").GetInt32()));

        // Zero leaves a setting as it was, as Vault's merge does.
        Assert.Equal(204, (await Root(_lab.A, "PUT", AutopilotConfiguration, new { last_contact_threshold = "0s", max_trailing_logs = 0 })).Status);
        Assert.Equal("2s", (await Root(_lab.A, "GET", AutopilotConfiguration)).Data.GetProperty("last_contact_threshold").GetString());

        Assert.Equal(
            ["min_quorum must be set when cleanup_dead_servers is set and it should at least be 3; cleanup_dead_servers: true, min_quorum: 0x0"],
            (await Root(_lab.A, "PUT", AutopilotConfiguration, new { cleanup_dead_servers = true })).Errors);
        Assert.Equal(
            ["dead_server_last_contact_threshold should not be set to less than 1m; received: 30"],
            (await Root(_lab.A, "PUT", AutopilotConfiguration, new { cleanup_dead_servers = true, min_quorum = 3, dead_server_last_contact_threshold = "30s" })).Errors);
        Assert.Equal(400, (await Root(_lab.A, "PUT", AutopilotConfiguration, new { last_contact_threshold = "soon" })).Status);
        Assert.Equal(400, (await Root(_lab.A, "PUT", AutopilotConfiguration, new { min_quorum = "three" })).Status);
        Assert.False((await Root(_lab.A, "GET", AutopilotConfiguration)).Data.GetProperty("cleanup_dead_servers").GetBoolean()); // nothing changed
    }

    [Fact]
    public async Task DeadServerCleanup_RemovesAStandbySilentPastTheThreshold_WhileMinQuorumVotersRemain()
    {
        var standbys = Enumerable.Range(2, 3).Select(i => _lab.A.AddStandby(new Uri($"https://127.0.0.1:930{i}/"))).ToArray();
        Assert.Equal(204, (await Root(_lab.A, "PUT", AutopilotConfiguration, new { cleanup_dead_servers = true, min_quorum = 3, dead_server_last_contact_threshold = "1m" })).Status);
        _lab.A.SetStandbyRunning(standbys[0], running: false);
        _lab.A.SetStandbyRunning(standbys[1], running: false);
        _lab.Time.Advance(TimeSpan.FromSeconds(61));

        // Four voters: one dead server goes (three remain); the second stays, as a removal would leave two.
        var state = (await Root(_lab.A, "GET", AutopilotState)).Data;
        Assert.Equal(["vault-1-node-1", standbys[1], standbys[2]], state.GetProperty("voters").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("left", state.GetProperty("servers").GetProperty(standbys[1]).GetProperty("node_status").GetString());
        Assert.Contains(_lab.A.ReadLog(), e => e.Message == $"storage.raft.autopilot: removing dead server from raft configuration: id={standbys[0]}");
        Assert.Equal(3, (await Root(_lab.A, "GET", Configuration)).Data.GetProperty("config").GetProperty("servers").GetArrayLength());
    }

    private static (int Status, string? Raw) Answer(Reply reply) => (reply.Status, reply.Raw);
}
