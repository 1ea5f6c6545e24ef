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
        { "Policy", "PUT", "sys/policies/acl/dr-secondary-promotion", """{"policy":"path x {}"}""" },
        { "TokenRole", "POST", "auth/token/roles/failover-handler", """{"allowed_policies":["dr-secondary-promotion"],"orphan":true,"renewable":false,"token_type":"batch"}""" },
        { "BatchToken", "POST", "auth/token/create/failover-handler", """{"ttl":"28800s"}""" },
        { "ReadSecret", "GET", "secret/app/db", "" },
        { "WriteSecret", "PUT", "secret/app/db", """{"password":"p1"}""" },
    };

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
        "BatchToken" => """{"auth":{"client_token":"hvb.BatchTokenValue","lease_duration":28800}}""",
        "ReadSecret" => """{"data":{"password":"p1"}}""",
        _ => """{"warnings":["done"],"data":null}""",
    };

    private Task Invoke(string call)
    {
        var token = SecretText.Protect(Operation);
        var activation = SecretText.Protect(Activation);
        var none = CancellationToken.None;
        return call switch
        {
            "ReadStatus" => _endpoints.ReadStatusAsync(none),
            "EnablePrimary" => _endpoints.EnablePrimaryAsync("https://lb:8201", none),
            "EnablePrimaryPlain" => _endpoints.EnablePrimaryAsync(null, none),
            "Demote" => _endpoints.DemotePrimaryAsync(none),
            "DisablePrimary" => _endpoints.DisablePrimaryAsync(none),
            "SecondaryToken" => _endpoints.CreateSecondaryTokenAsync("us-east", new VaultDuration(1800), null, none),
            "RevokeSecondary" => _endpoints.RevokeSecondaryAsync("us-east", none),
            "GeneratePublicKey" => _endpoints.GenerateSecondaryPublicKeyAsync(none),
            "EnableSecondary" => _endpoints.EnableSecondaryAsync(activation, new PrimaryTarget("https://vault-a:8200", "/etc/ca.pem"), none),
            "Promote" => _endpoints.PromoteAsync(token, null, force: true, none),
            "DisableSecondary" => _endpoints.DisableSecondaryAsync(token, none),
            "UpdatePrimary" => _endpoints.UpdatePrimaryAsync(token, activation, PrimaryTarget.FromToken, none),
            "ClearPrimary" => _endpoints.UpdatePrimaryAsync(token, null, PrimaryTarget.FromToken, none),
            "ReadProgress" => _endpoints.ReadOperationTokenProgressAsync(none),
            "StartOperationToken" => _endpoints.StartOperationTokenAsync(null, null, none),
            "StartWithPgp" => _endpoints.StartOperationTokenAsync("bWVoIHB1YmxpYw==", null, none),
            "CancelOperationToken" => _endpoints.CancelOperationTokenAsync(none),
            "SubmitKeyShare" => _endpoints.SubmitKeyShareAsync(SecretText.Protect("aa11"), "n-1", none),
            "DeleteOperationToken" => _endpoints.DeleteOperationTokenAsync(token, none),
            "Health" => _endpoints.ReadHealthAsync(none),
            "Policy" => _endpoints.WritePolicyAsync("dr-secondary-promotion", "path x {}", none),
            "TokenRole" => _endpoints.WriteTokenRoleAsync("failover-handler", new TokenRoleSettings(["dr-secondary-promotion"], true, false, "batch"), none),
            "BatchToken" => _endpoints.CreateBatchTokenAsync("failover-handler", new VaultDuration(TimeSpan.FromHours(8)), none),
            "ReadSecret" => _endpoints.ReadSecretAsync("app/db", none),
            "WriteSecret" => _endpoints.WriteSecretAsync("app/db", new Dictionary<string, string> { ["password"] = "p1" }, none),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, "No such endpoint in this test."),
        };
    }
}
