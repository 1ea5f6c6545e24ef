using VaultDr.Client;
using VaultDr.Orchestration;
using Xunit;
using static VaultDr.Tests.Orchestration.ReadinessReplicationChecksTests;

namespace VaultDr.Tests.Orchestration;

/// <summary>Readiness: Tls, DrOperationToken (with a token, and without: the key holders), RaftQuorum and Vault2Ceremony on a fixed clock.</summary>
public sealed class ReadinessTokenChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly VaultDrConnection Primary = ConnectionFor("vault-a");

    private static readonly IReadOnlyDictionary<string, string[]> Granted = new Dictionary<string, string[]>
    {
        ["sys/replication/dr/secondary/promote"] = ["update"],
        ["sys/replication/dr/secondary/update-primary"] = ["update"],
    };

    private static Reading<ServerCertificate> Certificate(TimeSpan left, bool nameMatches = true, string[]? problems = null, bool skip = false) => Reading.Of(new ServerCertificate(
        "CN=vault-a", "CN=Example CA", Now.AddDays(-300), Now + left, "vault-a.test", nameMatches, problems ?? [], "the CA file /etc/ca.pem", skip));

    private static Reading<TokenLookup> Batch(TimeSpan? left, string type = "batch") =>
        Reading.Of(new TokenLookup(type, ["default", "dr-secondary-promotion"], left is { } l ? (long)l.TotalSeconds : 0, left is { } at ? Now + at : null));

    [Theory]
    [InlineData(15 * 24, ReadinessResult.Pass)]
    [InlineData(14 * 24 + 1, ReadinessResult.Pass)]
    [InlineData(14 * 24, ReadinessResult.Warn)]
    [InlineData(99, ReadinessResult.Warn)]
    [InlineData(0, ReadinessResult.Fail)]
    [InlineData(-24, ReadinessResult.Fail)]
    public void Tls_WarnsInsideWarnDays_FailsOnceExpired(int hoursLeft, ReadinessResult result)
    {
        var check = ReadinessChecks.Tls(Primary, Certificate(TimeSpan.FromHours(hoursLeft)), Now, warnDays: 14);

        Assert.Equal(("vault-a", "Tls", result), (check.Cluster, check.Name, check.Result));
        Assert.Equal($"CN=vault-a, issued by CN=Example CA, until {ReadinessChecks.When(Now.AddHours(hoursLeft))}", check.Value);
        Assert.Equal("14 days", check.Threshold);
    }

    [Fact]
    public void Tls_Messages()
    {
        Assert.Equal(
            "The certificate of vault-a is valid for vault-a.test for 30d 0h more and validates against the CA file /etc/ca.pem.",
            ReadinessChecks.Tls(Primary, Certificate(TimeSpan.FromDays(30)), Now, 14).Message);
        Assert.Equal(
            "The certificate of vault-a expires in 4d 3h, on 2026-12-03 15:00 UTC: renew it before then, and reload Vault (SIGHUP) so the listener serves the new one.",
            ReadinessChecks.Tls(Primary, Certificate(TimeSpan.FromHours(99)), Now, 14).Message);
        Assert.Equal(
            "The certificate of vault-a expired on 2026-11-28 12:00 UTC (1d 0h ago): renew it, and reload Vault (SIGHUP) so the listener serves the new one.",
            ReadinessChecks.Tls(Primary, Certificate(TimeSpan.FromDays(-1), problems: ["NotTimeValid (certificate expired)"]), Now, 14).Message);
        Assert.Equal(
            "The certificate of vault-a is not valid for vault-a.test: reissue it with vault-a.test among its subject alternative names, or set the name it has with VAULT_TLS_SERVER_NAME.",
            ReadinessChecks.Tls(Primary, Certificate(TimeSpan.FromDays(30), nameMatches: false), Now, 14).Message);
    }

    [Fact]
    public void Tls_AChainThatDoesNotValidate_FailsWithX509ChainStatus_AndSaysWhenTheSystemStoreJudgedIt()
    {
        var check = ReadinessChecks.Tls(Primary, Certificate(TimeSpan.FromDays(300), problems: ["UntrustedRoot (self signed certificate in certificate chain)"], skip: true), Now, 14);

        Assert.Equal(ReadinessResult.Fail, check.Result);
        Assert.Equal(
            "The certificate of vault-a does not validate against the CA file /etc/ca.pem (the connection skips certificate checks, so it was checked against the system store): " +
            "UntrustedRoot (self signed certificate in certificate chain); trust its CA (New-VaultDrConnection -CACertificateFile, or the system store), or have the listener send its whole chain.",
            check.Message);
    }

    [Fact]
    public void Tls_PlainHttpIsSkipped_AndAFailedHandshakeFails()
    {
        var http = ReadinessChecks.Tls(ConnectionFor("vault-b", "http"), null, Now, 14);
        var refused = ReadinessChecks.Tls(Primary, Reading.Failed<ServerCertificate>(new VaultConnectionException("VaultDrTlsHandshakeFailed", "The TLS handshake with vault-a failed (Connection refused): check that the cluster is up.", false)), Now, 14);

        Assert.Equal((ReadinessResult.Skipped, "vault-b is reached over plain HTTP: no certificate to check."), (http.Result, http.Message));
        Assert.Equal((ReadinessResult.Fail, "The TLS handshake with vault-a failed (Connection refused): check that the cluster is up."), (refused.Result, refused.Message));
    }

    [Theory]
    [InlineData(15 * 24, ReadinessResult.Pass, "batch, 15d 0h left")]
    [InlineData(14 * 24, ReadinessResult.Warn, "batch, 14d 0h left")]
    [InlineData(2, ReadinessResult.Warn, "batch, 2h 0m left")]
    public void Token_ABatchTokenWarnsInsideWarnDays(int hoursLeft, ReadinessResult result, string value)
    {
        var check = ReadinessChecks.OperationToken("vault-a", Batch(TimeSpan.FromHours(hoursLeft)), Reading.Of(Granted), Now, warnDays: 14);

        Assert.Equal(("vault-a", "DrOperationToken", result, value, "> 14 days left"), (check.Cluster, check.Name, check.Result, check.Value, check.Threshold));
    }

    [Fact]
    public void Token_Messages_AndATokenThatNeverExpiresPasses()
    {
        Assert.Equal(
            "The batch DR operation token expires in 2h 0m, on 2026-11-29 14:00 UTC: create a new one with New-VaultDrBatchOperationToken before then.",
            ReadinessChecks.OperationToken("vault-a", Batch(TimeSpan.FromHours(2)), Reading.Of(Granted), Now, 14).Message);
        Assert.Equal(
            "The DR operation token is a batch token with update on promote and update-primary, valid for 20d 0h more.",
            ReadinessChecks.OperationToken("vault-a", Batch(TimeSpan.FromDays(20)), Reading.Of(Granted), Now, 14).Message);

        var forever = ReadinessChecks.OperationToken("vault-a", Batch(null), Reading.Of(Granted), Now, 14);
        Assert.Equal((ReadinessResult.Pass, "batch, no expiry"), (forever.Result, forever.Value));
    }

    [Fact]
    public void Token_RefusedByTheServer_FailsWithWhatToDo()
    {
        var refused = Reading.Failed<TokenLookup>(FakeDrCluster.VaultError(403, "auth/token/lookup-self", "permission denied"));

        var check = ReadinessChecks.OperationToken("vault-a", refused, null, Now, 14);

        Assert.Equal((ReadinessResult.Fail, "not valid"), (check.Result, check.Value));
        Assert.Equal(
            "vault-a refused the DR operation token (403 permission denied): it has expired, was revoked, or is not a Vault token (a ceremony's operation token cannot be checked ahead), " +
            "so create a batch DR operation token with New-VaultDrBatchOperationToken.",
            check.Message);
    }

    [Fact]
    public void Token_AServiceToken_Fails_ItIsNotReplicated()
    {
        var check = ReadinessChecks.OperationToken("vault-a", Batch(TimeSpan.FromDays(30), type: "service"), Reading.Of(Granted), Now, 14);

        Assert.Equal((ReadinessResult.Fail, "service"), (check.Result, check.Value));
        Assert.Equal(
            "The DR operation token is a service token, and service tokens are not replicated to DR secondaries: create a batch token with New-VaultDrBatchOperationToken on vault-a.",
            check.Message);
    }

    [Theory]
    [InlineData("root", ReadinessResult.Pass)]
    [InlineData("sudo", ReadinessResult.Fail)]
    [InlineData("read", ReadinessResult.Fail)]
    [InlineData("deny", ReadinessResult.Fail)]
    public void Token_NeedsUpdateOrRoot_OnBothPaths_SudoAloneIsNotEnough(string capability, ReadinessResult result)
    {
        var capabilities = new Dictionary<string, string[]>
        {
            ["sys/replication/dr/secondary/promote"] = [capability],
            ["sys/replication/dr/secondary/update-primary"] = ["update"],
        };

        Assert.Equal(result, ReadinessChecks.OperationToken("vault-a", Batch(TimeSpan.FromDays(30)), Reading.Of<IReadOnlyDictionary<string, string[]>>(capabilities), Now, 14).Result);
    }

    [Fact]
    public void Token_WithoutThePromotePolicy_FailsNamingThePathsAndThePolicyFix()
    {
        var denied = new Dictionary<string, string[]> { ["sys/replication/dr/secondary/promote"] = ["deny"], ["sys/replication/dr/secondary/update-primary"] = ["deny"] };

        var check = ReadinessChecks.OperationToken("vault-a", Batch(TimeSpan.FromDays(30)), Reading.Of<IReadOnlyDictionary<string, string[]>>(denied), Now, 14);

        Assert.Equal(ReadinessResult.Fail, check.Result);
        Assert.Equal(
            "The DR operation token's policies (default, dr-secondary-promotion) do not grant update on sys/replication/dr/secondary/promote and sys/replication/dr/secondary/update-primary: " +
            "add path \"sys/replication/dr/secondary/promote\" { capabilities = [\"update\"] } path \"sys/replication/dr/secondary/update-primary\" { capabilities = [\"update\"] } to its policy, " +
            "then create a new batch token (its policies are fixed when it is made; New-VaultDrBatchOperationToken writes the policy and makes one).",
            check.Message);
    }

    [Theory]
    [InlineData(false, "3 of 5 unseal keys", "the ceremony needs 3 of 5 unseal key holders of the primary cluster")]
    [InlineData(true, "3 of 5 recovery keys", "the ceremony needs 3 of 5 recovery key holders of the primary cluster")]
    public void NoToken_WarnsThatTheCeremonyNeedsKeyHolders(bool recoverySeal, string value, string sentence)
    {
        var seal = new VaultSealStatus { Address = Primary.Address, Type = recoverySeal ? "transit" : "shamir", Threshold = 3, Shares = 5, RecoverySeal = recoverySeal };

        var check = ReadinessChecks.Ceremony("vault-a", Reading.Of(seal));

        Assert.Equal(("vault-a", "DrOperationToken", ReadinessResult.Warn, value), (check.Cluster, check.Name, check.Result, check.Value));
        Assert.Contains(sentence, check.Message, StringComparison.Ordinal);
        Assert.EndsWith("or prepare a batch DR operation token (New-VaultDrBatchOperationToken) and pass it as -DrOperationToken.", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoToken_AnUnreadableSealStatus_Fails()
    {
        var check = ReadinessChecks.Ceremony("vault-a", Reading.Failed<VaultSealStatus>(new VaultConnectionException("VaultDrConnectionFailed", "GET https://vault-a:8200/v1/sys/seal-status: connection refused.", false)));

        Assert.Equal(ReadinessResult.Fail, check.Result);
        Assert.Equal("The seal status of vault-a could not be read, so nobody knows how many key holders a ceremony needs: GET https://vault-a:8200/v1/sys/seal-status: connection refused.", check.Message);
        Assert.Equal(ReadinessResult.Fail, ReadinessChecks.Ceremony("vault-a", Reading.Of(new VaultSealStatus { Address = Primary.Address, Initialized = false })).Result);
    }

    [Fact]
    public void RaftQuorum_HealthyPasses_UnhealthyFailsNamingTheDeadServers_NoTokenIsSkipped()
    {
        AutopilotServer Server(string id, bool healthy, string status) => new() { Id = id, Name = id, Healthy = healthy, NodeStatus = status, NodeType = "voter" };
        var healthy = new AutopilotState { Cluster = "vault-b", Address = new Uri("https://vault-b.test:8200"), Healthy = true, FailureTolerance = 1, Leader = "b-1", Voters = ["b-1", "b-2", "b-3"] };
        var dead = new AutopilotState
        {
            Cluster = "vault-b", Address = new Uri("https://vault-b.test:8200"), Healthy = false, FailureTolerance = 0, Leader = "b-1", Voters = ["b-1", "b-2", "b-3"],
            Servers = [Server("b-1", true, "alive"), Server("b-2", false, "failed"), Server("b-3", false, "failed")],
        };

        var pass = ReadinessChecks.RaftQuorum("vault-b", Reading.Of(healthy));
        var fail = ReadinessChecks.RaftQuorum("vault-b", Reading.Of(dead));
        var skipped = ReadinessChecks.RaftQuorum("vault-b", null);

        Assert.Equal((ReadinessResult.Pass, "3 voters, failure tolerance 1", "healthy"), (pass.Result, pass.Value, pass.Threshold));
        Assert.Equal("Autopilot reports vault-b healthy: 3 voters, failure tolerance 1, leader b-1.", pass.Message);
        Assert.Equal((ReadinessResult.Fail, "3 voters, failure tolerance 0"), (fail.Result, fail.Value));
        Assert.Equal(
            "Autopilot reports vault-b unhealthy: b-2 (failed), b-3 (failed) are not healthy; remove dead peers with Remove-VaultDrRaftPeer -DrOperationToken, " +
            "or let Invoke-VaultDrFailover -RemoveDeadPeers remove them before it promotes.",
            fail.Message);
        Assert.Equal((ReadinessResult.Skipped, "A DR secondary answers Raft reads only with a DR operation token: pass -DrOperationToken."), (skipped.Result, skipped.Message));
        var refused = ReadinessChecks.RaftQuorum("vault-b", Reading.Failed<AutopilotState>(FakeDrCluster.VaultError(400, "sys/storage/raft/autopilot/state", "path disabled in replication DR secondary mode")));
        Assert.Equal(ReadinessResult.Fail, refused.Result);
        Assert.EndsWith(
            "path disabled in replication DR secondary mode): vault-b did not take the DR operation token (a batch token made on the primary works there only once it has replicated, " +
            "and needs its policy's update on sys/storage/raft/autopilot/state).",
            refused.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.21.4+ent", false, false, ReadinessResult.Pass, "1.x: the ceremony needs no Vault token.")]
    [InlineData("2.0.1+ent", true, false, ReadinessResult.Pass, "vault-b runs Vault 2.x, and the DR operation token given makes the ceremony unnecessary.")]
    [InlineData("2.0.1+ent", false, true, ReadinessResult.Pass, "vault-b runs Vault 2.x, and its connection has a Vault token for the ceremony (from 2.0 the secondary takes the primary's root token).")]
    [InlineData("2.0.1+ent", false, false, ReadinessResult.Fail, null)]
    public void Vault2Ceremony_NeedsAToken(string version, bool operationToken, bool connectionToken, ReadinessResult result, string? message)
    {
        var check = ReadinessChecks.Vault2Ceremony("vault-b", new VersionRead(version, null), operationToken, connectionToken);

        Assert.Equal(("vault-b", "Vault2Ceremony", result, $"Vault {version}"), (check.Cluster, check.Name, check.Result, check.Value));
        Assert.Equal(
            message ?? "vault-b runs Vault 2.x, where generate-operation-token needs a Vault token, and neither a DR operation token nor a Vault token on its connection is at hand: " +
                "prepare a batch DR operation token (New-VaultDrBatchOperationToken), or add \"generate-operation-token\" to enable_unauthenticated_access in its server configuration for break-glass.",
            check.Message);
    }

    [Fact]
    public void Vault2Ceremony_AnUnknownVersionIsSkipped() =>
        Assert.Equal(ReadinessResult.Skipped, ReadinessChecks.Vault2Ceremony("vault-b", new VersionRead(null, null), false, false).Result);
}
