using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>
/// The endpoint layer against the stub server: for every endpoint, exactly the method, path and JSON body Vault's
/// API page gives, and the typed answer.
/// </summary>
public sealed class DrEndpointsTests : IDisposable
{
    private const string Operation = "hvs.DrOperationTokenForTests1";
    private const string Activation = "eyJhbGciOiJFUzUxMiJ9.eyJhZGRyIjoiaHR0cHM6Ly92YXVsdC1hOjgyMDAifQ.c2ln";
    private const string Progress = """{"nonce":"n-1","started":true,"progress":1,"required":3,"complete":false,"otp":"","otp_length":28}""";

    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly DrEndpoints _endpoints;

    public DrEndpointsTests() => _endpoints = new DrEndpoints(Connect(_server.BaseAddress, maxRetries: 0), new RecordingCallLog());

    public void Dispose() => _server.Dispose();

    public static TheoryData<string, string, string, string> Requests => new()
    {
        { "ReadStatus", "GET", "sys/replication/dr/status", "" },
        { "EnablePrimary", "POST", "sys/replication/dr/primary/enable", """{"primary_cluster_addr":"https://lb:8201"}""" },
        { "EnablePrimaryPlain", "POST", "sys/replication/dr/primary/enable", "{}" },
        { "Demote", "POST", "sys/replication/dr/primary/demote", "{}" },
        { "DisablePrimary", "POST", "sys/replication/dr/primary/disable", "{}" },
        { "SecondaryToken", "POST", "sys/replication/dr/primary/secondary-token", """{"id":"us-east","ttl":"1800s"}""" },
        { "RevokeSecondary", "POST", "sys/replication/dr/primary/revoke-secondary", """{"id":"us-east"}""" },
        { "GeneratePublicKey", "POST", "sys/replication/dr/secondary/generate-public-key", "{}" },
        { "EnableSecondary", "POST", "sys/replication/dr/secondary/enable", $$"""{"token":"{{Activation}}","primary_api_addr":"https://vault-a:8200","ca_file":"/etc/ca.pem"}""" },
        { "Promote", "POST", "sys/replication/dr/secondary/promote", $$"""{"dr_operation_token":"{{Operation}}","force":true}""" },
        { "DisableSecondary", "POST", "sys/replication/dr/secondary/disable", $$"""{"dr_operation_token":"{{Operation}}"}""" },
        { "UpdatePrimary", "POST", "sys/replication/dr/secondary/update-primary", $$"""{"dr_operation_token":"{{Operation}}","token":"{{Activation}}"}""" },
        { "ClearPrimary", "POST", "sys/replication/dr/secondary/update-primary", $$"""{"dr_operation_token":"{{Operation}}","token":""}""" },
        { "ReadProgress", "GET", "sys/replication/dr/secondary/generate-operation-token/attempt", "" },
        { "StartOperationToken", "PUT", "sys/replication/dr/secondary/generate-operation-token/attempt", "{}" },
        { "StartWithPgp", "PUT", "sys/replication/dr/secondary/generate-operation-token/attempt", """{"pgp_key":"bWVoIHB1YmxpYw=="}""" },
        { "CancelOperationToken", "DELETE", "sys/replication/dr/secondary/generate-operation-token/attempt", "{}" },
        { "SubmitKeyShare", "PUT", "sys/replication/dr/secondary/generate-operation-token/update", """{"key":"aa11","nonce":"n-1"}""" },
        { "DeleteOperationToken", "POST", "sys/replication/dr/secondary/operation-token/delete", $$"""{"dr_operation_token":"{{Operation}}"}""" },
        { "Health", "GET", "sys/health", "" },
        { "SealStatus", "GET", "sys/seal-status", "" },
        { "Policy", "PUT", "sys/policies/acl/dr-secondary-promotion", """{"policy":"path x {}"}""" },
        { "TokenRole", "POST", "auth/token/roles/failover-handler", """{"allowed_policies":["dr-secondary-promotion"],"orphan":true,"renewable":false,"token_type":"batch"}""" },
        { "BatchToken", "POST", "auth/token/create/failover-handler", """{"ttl":"28800s"}""" },
        { "ReadSecret", "GET", "secret/app/db", "" },
        { "WriteSecret", "PUT", "secret/app/db", """{"password":"p1"}""" },
        { "UpdatePrimaryAddresses", "POST", "sys/replication/dr/secondary/update-primary", $$"""{"dr_operation_token":"{{Operation}}","update_primary_addrs":["10.0.0.2:8201","https://vault-a:8201"]}""" },
        { "ReadReplicationStatus", "GET", "sys/replication/status", "" },
        { "Reindex", "POST", "sys/replication/reindex", "{}" },
        { "ReindexWithEveryOption", "POST", "sys/replication/reindex", """{"diff":true,"force":true,"skip_flush":true}""" },
        { "ReindexDrSecondary", "POST", "sys/replication/dr/secondary/reindex", $$"""{"dr_operation_token":"{{Operation}}","diff":true}""" },
        { "MerkleCheck", "POST", "sys/replication/merkle-check", "{}" },
        { "MerkleCheckDrSecondary", "POST", "sys/replication/dr/secondary/merkle-check", $$"""{"dr_operation_token":"{{Operation}}"}""" },
        { "Recover", "POST", "sys/replication/recover", "{}" },
        { "RecoverDrSecondary", "POST", "sys/replication/dr/secondary/recover", $$"""{"dr_operation_token":"{{Operation}}"}""" },
        { "RaftConfiguration", "GET", "sys/storage/raft/configuration", "" },
        { "RaftConfigurationDrSecondary", "PUT", "sys/storage/raft/configuration", $$"""{"dr_operation_token":"{{Operation}}"}""" },
        { "RemoveRaftPeer", "PUT", "sys/storage/raft/remove-peer", """{"server_id":"raft2","dr_operation_token":""}""" },
        { "RemoveRaftPeerDrSecondary", "PUT", "sys/storage/raft/remove-peer", $$"""{"server_id":"raft2","dr_operation_token":"{{Operation}}"}""" },
        { "AutopilotState", "GET", "sys/storage/raft/autopilot/state", "" },
        { "AutopilotStateDrSecondary", "GET", "sys/storage/raft/autopilot/state", "" },
        { "AutopilotConfiguration", "GET", "sys/storage/raft/autopilot/configuration", "" },
        { "WriteAutopilotConfiguration", "PUT", "sys/storage/raft/autopilot/configuration", """{"cleanup_dead_servers":true,"last_contact_threshold":"10s","min_quorum":3}""" },
        {
            "WriteAutopilotConfigurationDrSecondary", "PUT", "sys/storage/raft/autopilot/configuration",
            $$"""{"dr_operation_token":"{{Operation}}","dead_server_last_contact_threshold":"86400s","max_trailing_logs":500,"server_stabilization_time":"30s","disable_upgrade_migration":false}"""
        },
    };

    /// <summary>
    /// Where the DR operation token travels: in the body of the DR secondary's POSTs and PUTs (next to the connection's
    /// Vault token in the header), and as X-Vault-Token itself on the autopilot reads, as Vault's own client sends it.
    /// </summary>
    public static TheoryData<string, string> TokenHeaders => new()
    {
        { "AutopilotState", Token },
        { "AutopilotStateDrSecondary", Operation },
        { "AutopilotConfiguration", Token },
        { "AutopilotConfigurationDrSecondary", Operation },
        { "RaftConfigurationDrSecondary", Token },
        { "ReindexDrSecondary", Token },
        { "WriteAutopilotConfigurationDrSecondary", Token },
    };

    [Theory]
    [MemberData(nameof(TokenHeaders))]
    public async Task TheDrOperationToken_TravelsWhereVaultTakesIt_AndIsNeverLogged(string call, string header)
    {
        var log = new RecordingCallLog();
        var endpoints = new DrEndpoints(Connect(_server.BaseAddress, maxRetries: 0), log);
        var request = Requests.Single(r => (string)r[0] == call.Replace("AutopilotConfigurationDrSecondary", "AutopilotConfiguration", StringComparison.Ordinal));
        _server.Respond((string)request[1], V1((string)request[2]), 200, AnswerFor(call));

        await Invoke(call, endpoints);

        var sent = Assert.Single(_server.Requests);
        Assert.Equal(header, sent.Header("X-Vault-Token"));
        Assert.NotEmpty(log.DebugMessages);
        Assert.DoesNotContain(log.All, message => message.Contains(Operation, StringComparison.Ordinal) || message.Contains(Token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ReadStatus", "sys/replication/dr/status")]
    [InlineData("ReadReplicationStatus", "sys/replication/status")]
    public async Task AListenerWithoutStatusEndpoints_IsOneClearError(string call, string path)
    {
        _server.Respond("GET", V1(path), 404, """{"errors":["disabled path"]}""");

        var e = await Assert.ThrowsAsync<VaultApiException>(() => Invoke(call));

        Assert.Equal("VaultDrStatusEndpointsDisabled", e.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, e.Category);
        Assert.Equal(404, e.StatusCode);
        Assert.Contains("disable_replication_status_endpoints", e.Message, StringComparison.Ordinal);
        Assert.Contains("another listener", e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"GET /v1/{path}: the listener at {_server.BaseAddress.GetLeftPart(UriPartial.Authority)} does not serve replication status", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Reindex", "POST", "sys/replication/reindex")]
    [InlineData("RecoverDrSecondary", "POST", "sys/replication/dr/secondary/recover")]
    [InlineData("RemoveRaftPeerDrSecondary", "PUT", "sys/storage/raft/remove-peer")]
    [InlineData("WriteAutopilotConfiguration", "PUT", "sys/storage/raft/autopilot/configuration")]
    public async Task AChangeWhoseConnectionDropsMidCall_IsSentExactlyOnce(string call, string method, string path)
    {
        _server.Drop(method, V1(path));
        var retrying = new DrEndpoints(Connect(_server.BaseAddress, maxRetries: 2), new RecordingCallLog());

        var e = await Assert.ThrowsAsync<VaultConnectionException>(() => Invoke(call, retrying));

        Assert.Single(_server.Requests);
        Assert.True(e.RequestMayHaveBeenProcessed);
    }

    [Fact]
    public async Task AnotherNotFound_OnAStatusPath_StaysNotFound()
    {
        _server.Respond("GET", V1("sys/replication/dr/status"), 404, """{"errors":["enterprise-only feature"]}""");

        var e = await Assert.ThrowsAsync<VaultApiException>(() => _endpoints.ReadStatusAsync(CancellationToken.None));

        Assert.Equal("VaultDrNotFound", e.ErrorId);
    }

    [Fact]
    public async Task ARefusedDrOperationTokenInTheHeader_SaysWhichTokenWasSent()
    {
        _server.Respond("GET", V1("sys/storage/raft/autopilot/state"), 403, """{"errors":["permission denied"]}""");

        var e = await Assert.ThrowsAsync<VaultApiException>(() => _endpoints.ReadAutopilotStateAsync(SecretText.Protect(Operation), CancellationToken.None));

        Assert.Equal("VaultDrPermissionDenied", e.ErrorId);
        Assert.Contains("The token sent was the DR operation token (-DrOperationToken)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Operation, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadsOfTheNewEndpoints_ReturnTheirTypedAnswers()
    {
        _server.Respond("GET", V1("sys/replication/status"), 200, AnswerFor("ReadReplicationStatus"));
        _server.Respond("PUT", V1("sys/storage/raft/configuration"), 200, AnswerFor("RaftConfigurationDrSecondary"));
        _server.Respond("POST", V1("sys/replication/dr/secondary/merkle-check"), 200, AnswerFor("MerkleCheckDrSecondary"));
        var token = SecretText.Protect(Operation);

        var status = await _endpoints.ReadReplicationStatusAsync(CancellationToken.None);
        var peers = await _endpoints.ReadRaftConfigurationDrSecondaryAsync(token, CancellationToken.None);
        var report = await _endpoints.MerkleCheckDrSecondaryAsync(token, CancellationToken.None);

        Assert.Equal((DrMode.secondary, DrMode.disabled), (status.Dr.Mode, status.Performance.Mode));
        Assert.Equal(["raft1"], peers.Select(p => p.NodeId));
        Assert.True(report.IsDrSecondary);
        Assert.True(report.Healthy);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task EachEndpoint_SendsItsMethodPathAndBody(string call, string method, string path, string body)
    {
        _server.Respond(method, V1(path), 200, AnswerFor(call));

        await Invoke(call);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(method, request.Method);
        Assert.Equal(V1(path), request.Path);
        Assert.Equal(body, request.Body);
    }

    [Fact]
    public async Task Health_TakesTheRoleStatusesAsAnswers()
    {
        _server.Respond("GET", V1("sys/health"), 472, """{"replication_dr_mode":"secondary","sealed":false}""");

        var health = await _endpoints.ReadHealthAsync(CancellationToken.None);

        Assert.Equal("dr-secondary", health.Role);
        Assert.Equal(472, health.StatusCode);
    }

    [Fact]
    public async Task BatchToken_IsTheAuthClientToken_WithItsExpiry()
    {
        _server.Respond("POST", V1("auth/token/create/failover-handler"), 200, AnswerFor("BatchToken"));

        var token = await _endpoints.CreateBatchTokenAsync("failover-handler", new VaultDuration(TimeSpan.FromHours(8)), CancellationToken.None);

        Assert.True(token.IsBatch);
        Assert.Equal("hvb.BatchTokenValue", SecretText.Reveal(token.DrOperationToken!));
        Assert.InRange(token.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));
    }

    [Fact]
    public async Task ReadSecret_IsTheDataObject()
    {
        _server.Respond("GET", V1("secret/app/db"), 200, AnswerFor("ReadSecret"));

        var data = await _endpoints.ReadSecretAsync("app/db", CancellationToken.None);

        Assert.Equal("p1", data["password"]);
    }

    private static string AnswerFor(string call) => call switch
    {
        "ReadStatus" => """{"data":{"mode":"primary","state":"running"}}""",
        "SecondaryToken" => """{"data":{"token":"sealed-for-the-secondary"}}""",
        "GeneratePublicKey" => """{"data":{"secondary_public_key":"BASE64KEY"}}""",
        "ReadProgress" or "StartOperationToken" or "StartWithPgp" or "SubmitKeyShare" => Progress,
        "Health" => """{"initialized":true,"sealed":false}""",
        "SealStatus" => """{"type":"shamir","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"recovery_seal":false}""",
        "BatchToken" => """{"auth":{"client_token":"hvb.BatchTokenValue","lease_duration":28800}}""",
        "ReadSecret" => """{"data":{"password":"p1"}}""",
        "ReadReplicationStatus" => """{"data":{"dr":{"mode":"secondary","state":"stream-wals"},"performance":{"mode":"disabled"}}}""",
        "MerkleCheck" or "MerkleCheckDrSecondary" => """{"data":{"merkle_corruption_report":{"corrupted_root":false,"corrupted_tree_map":{}}}}""",
        "RaftConfiguration" or "RaftConfigurationDrSecondary" => """{"data":{"config":{"servers":[{"node_id":"raft1","address":"127.0.0.1:8201","leader":true,"voter":true}]}}}""",
        "AutopilotState" or "AutopilotStateDrSecondary" => """{"data":{"healthy":true,"servers":{}}}""",
        "AutopilotConfiguration" or "AutopilotConfigurationDrSecondary" => """{"data":{"min_quorum":3}}""",
        _ => """{"warnings":["done"],"data":null}""",
    };

    private Task Invoke(string call) => Invoke(call, _endpoints);

    private static Task Invoke(string call, DrEndpoints endpoints)
    {
        var token = SecretText.Protect(Operation);
        var activation = SecretText.Protect(Activation);
        var none = CancellationToken.None;
        return call switch
        {
            "ReadStatus" => endpoints.ReadStatusAsync(none),
            "EnablePrimary" => endpoints.EnablePrimaryAsync("https://lb:8201", none),
            "EnablePrimaryPlain" => endpoints.EnablePrimaryAsync(null, none),
            "Demote" => endpoints.DemotePrimaryAsync(none),
            "DisablePrimary" => endpoints.DisablePrimaryAsync(none),
            "SecondaryToken" => endpoints.CreateSecondaryTokenAsync("us-east", new VaultDuration(1800), null, none),
            "RevokeSecondary" => endpoints.RevokeSecondaryAsync("us-east", none),
            "GeneratePublicKey" => endpoints.GenerateSecondaryPublicKeyAsync(none),
            "EnableSecondary" => endpoints.EnableSecondaryAsync(activation, new PrimaryTarget("https://vault-a:8200", "/etc/ca.pem"), none),
            "Promote" => endpoints.PromoteAsync(token, null, force: true, none),
            "DisableSecondary" => endpoints.DisableSecondaryAsync(token, none),
            "UpdatePrimary" => endpoints.UpdatePrimaryAsync(token, activation, PrimaryTarget.FromToken, none),
            "ClearPrimary" => endpoints.UpdatePrimaryAsync(token, null, PrimaryTarget.FromToken, none),
            "ReadProgress" => endpoints.ReadOperationTokenProgressAsync(none),
            "StartOperationToken" => endpoints.StartOperationTokenAsync(null, null, none),
            "StartWithPgp" => endpoints.StartOperationTokenAsync("bWVoIHB1YmxpYw==", null, none),
            "CancelOperationToken" => endpoints.CancelOperationTokenAsync(none),
            "SubmitKeyShare" => endpoints.SubmitKeyShareAsync(SecretText.Protect("aa11"), "n-1", none),
            "DeleteOperationToken" => endpoints.DeleteOperationTokenAsync(token, none),
            "Health" => endpoints.ReadHealthAsync(none),
            "SealStatus" => endpoints.ReadSealStatusAsync(none),
            "Policy" => endpoints.WritePolicyAsync("dr-secondary-promotion", "path x {}", none),
            "TokenRole" => endpoints.WriteTokenRoleAsync("failover-handler", new TokenRoleSettings(["dr-secondary-promotion"], true, false, "batch"), none),
            "BatchToken" => endpoints.CreateBatchTokenAsync("failover-handler", new VaultDuration(TimeSpan.FromHours(8)), none),
            "ReadSecret" => endpoints.ReadSecretAsync("app/db", none),
            "WriteSecret" => endpoints.WriteSecretAsync("app/db", new Dictionary<string, string> { ["password"] = "p1" }, none),
            "UpdatePrimaryAddresses" => endpoints.UpdatePrimaryAddressesAsync(token, ["10.0.0.2:8201", "https://vault-a:8201"], none),
            "ReadReplicationStatus" => endpoints.ReadReplicationStatusAsync(none),
            "Reindex" => endpoints.ReindexAsync(new ReindexOptions(), none),
            "ReindexWithEveryOption" => endpoints.ReindexAsync(new ReindexOptions(Diff: true, Force: true, SkipFlush: true), none),
            "ReindexDrSecondary" => endpoints.ReindexDrSecondaryAsync(token, new ReindexOptions(Diff: true), none),
            "MerkleCheck" => endpoints.MerkleCheckAsync(none),
            "MerkleCheckDrSecondary" => endpoints.MerkleCheckDrSecondaryAsync(token, none),
            "Recover" => endpoints.RecoverAsync(none),
            "RecoverDrSecondary" => endpoints.RecoverDrSecondaryAsync(token, none),
            "RaftConfiguration" => endpoints.ReadRaftConfigurationAsync(none),
            "RaftConfigurationDrSecondary" => endpoints.ReadRaftConfigurationDrSecondaryAsync(token, none),
            "RemoveRaftPeer" => endpoints.RemoveRaftPeerAsync("raft2", null, none),
            "RemoveRaftPeerDrSecondary" => endpoints.RemoveRaftPeerAsync("raft2", token, none),
            "AutopilotState" => endpoints.ReadAutopilotStateAsync(null, none),
            "AutopilotStateDrSecondary" => endpoints.ReadAutopilotStateAsync(token, none),
            "AutopilotConfiguration" => endpoints.ReadAutopilotConfigurationAsync(null, none),
            "AutopilotConfigurationDrSecondary" => endpoints.ReadAutopilotConfigurationAsync(token, none),
            "WriteAutopilotConfiguration" => endpoints.WriteAutopilotConfigurationAsync(
                new AutopilotSettings { CleanupDeadServers = true, LastContactThreshold = new VaultDuration("10s"), MinQuorum = 3 }, null, none),
            "WriteAutopilotConfigurationDrSecondary" => endpoints.WriteAutopilotConfigurationAsync(
                new AutopilotSettings
                {
                    DeadServerLastContactThreshold = new VaultDuration("24h"), MaxTrailingLogs = 500, ServerStabilizationTime = new VaultDuration("30s"), DisableUpgradeMigration = false,
                },
                token,
                none),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, "No such endpoint in this test."),
        };
    }
}
