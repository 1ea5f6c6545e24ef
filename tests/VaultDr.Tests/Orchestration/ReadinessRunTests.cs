using System.Globalization;
using VaultDr.Client;
using VaultDr.Orchestration;
using VaultDr.Tests.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// A whole readiness run against two stub clusters: what it asks whom, with which token, and the report it makes;
/// a cluster that does not answer makes failed checks, not an exception.
/// </summary>
public sealed class ReadinessRunTests : IDisposable
{
    private const string Operation = "hvs.DrOperationTokenForTests1";
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private readonly StubVaultServer _primary = StubVaultServer.Start();
    private readonly StubVaultServer _secondary = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public ReadinessRunTests()
    {
        var heartbeat = Now.AddSeconds(-4).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        _primary.Respond("GET", V1(StatusPath), 200, $$$"""
            {"data":{"mode":"primary","state":"running","cluster_id":"c1","last_wal":241,"merkle_root":"m1","known_secondaries":["dr"],
             "secondaries":[{"node_id":"dr","api_address":"{{{_secondary.BaseAddress}}}","connection_status":"connected","last_heartbeat":"{{{heartbeat}}}","clock_skew_ms":"1500"}]}}
            """);
        _primary.Respond("GET", V1("sys/health"), 200, """{"initialized":true,"sealed":false,"standby":false,"version":"1.17.0+ent"}""");
        _primary.Respond("GET", V1("sys/seal-status"), 200, """{"type":"shamir","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"version":"1.17.0+ent"}""");
        _primary.Respond("GET", V1("auth/token/lookup-self"), 200, $$$"""{"data":{"expire_time":"{{{Now.AddDays(3):O}}}","id":"{{{Operation}}}","policies":["dr-secondary-promotion"],"ttl":259200,"type":"batch"}}""");
        _primary.Respond("POST", V1("sys/capabilities-self"), 200, """{"data":{"sys/replication/dr/secondary/promote":["update"],"sys/replication/dr/secondary/update-primary":["update"]}}""");
        _secondary.Respond("GET", V1(StatusPath), 200, $$$"""
            {"data":{"mode":"secondary","state":"stream-wals","cluster_id":"c1","last_remote_wal":241,"merkle_root":"m1","secondary_id":"dr",
             "primaries":[{"api_address":"{{{_primary.BaseAddress}}}","cluster_address":"https://a:8201","connection_status":"connected","last_heartbeat":"{{{heartbeat}}}","clock_skew_ms":"-20"}]}}
            """);
        _secondary.Respond("GET", V1("sys/health"), 472, """{"initialized":true,"sealed":false,"standby":false,"version":"2.0.1+ent"}""");
        _secondary.Respond("GET", V1("sys/storage/raft/autopilot/state"), 200, """{"data":{"healthy":true,"failure_tolerance":1,"leader":"b-1","voters":["b-1","b-2","b-3"],"servers":{}}}""");
    }

    public void Dispose()
    {
        _primary.Dispose();
        _secondary.Dispose();
    }

    [Fact]
    public async Task WithAToken_ItIsCheckedOnThePrimary_AndReadsTheSecondarysRaftStateWithIt()
    {
        var report = Assert.Single(await Run(SecretText.Protect(Operation)));

        Assert.Equal(
            ["Replication Pass", "Version Warn", "Heartbeat Pass", "ClockSkew Warn", "Tls Skipped", "Tls Skipped", "DrOperationToken Warn", "RaftQuorum Pass", "Vault2Ceremony Pass"],
            report.Checks.Select(c => $"{c.Name} {c.Result}"));
        Assert.Equal((ReadinessResult.Warn, true, Now), (report.Result, report.Ready, report.CheckedAt));
        Assert.Equal(("4s ago", "1500 ms", "batch, 3d 0h left", "3 voters, failure tolerance 1"), (report.Checks[2].Value, report.Checks[3].Value, report.Checks[6].Value, report.Checks[7].Value));
        Assert.Equal([_primary.BaseAddress.Authority, _secondary.BaseAddress.Authority], report.Checks.Skip(4).Take(2).Select(c => c.Cluster));

        var lookup = Assert.Single(_primary.Requests, r => r.Path == "/v1/auth/token/lookup-self");
        var capabilities = Assert.Single(_primary.Requests, r => r.Path == "/v1/sys/capabilities-self");
        var autopilot = Assert.Single(_secondary.Requests, r => r.Path == "/v1/sys/storage/raft/autopilot/state");
        Assert.Equal(("GET", Operation), (lookup.Method, lookup.Header("X-Vault-Token")));
        Assert.Equal(("POST", Operation, """{"paths":["sys/replication/dr/secondary/promote","sys/replication/dr/secondary/update-primary"]}"""), (capabilities.Method, capabilities.Header("X-Vault-Token"), capabilities.Body));
        Assert.Equal(("GET", Operation), (autopilot.Method, autopilot.Header("X-Vault-Token")));
        Assert.All(
            _primary.Requests.Concat(_secondary.Requests).Where(r => r != lookup && r != capabilities && r != autopilot),
            r => Assert.Equal(("GET", Token), (r.Method, r.Header("X-Vault-Token"))));
        Assert.DoesNotContain(_primary.Requests, r => r.Path == "/v1/sys/seal-status");
        Assert.DoesNotContain(_log.All, m => m.Contains(Operation, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAToken_ItReadsThePrimarysSeal_AndAsksNothingWithAToken()
    {
        var report = Assert.Single(await Run(null));

        Assert.Equal(
            ["Replication Pass", "Version Warn", "Heartbeat Pass", "ClockSkew Warn", "Tls Skipped", "Tls Skipped", "DrOperationToken Warn", "RaftQuorum Skipped", "Vault2Ceremony Pass"],
            report.Checks.Select(c => $"{c.Name} {c.Result}"));
        Assert.Equal("3 of 5 unseal keys", report.Checks[6].Value);
        Assert.Contains(_primary.Requests, r => r.Path == "/v1/sys/seal-status");
        Assert.All(_primary.Requests.Concat(_secondary.Requests), r => Assert.Equal(("GET", Token), (r.Method, r.Header("X-Vault-Token"))));
        Assert.DoesNotContain(_primary.Requests.Concat(_secondary.Requests), r => r.Path.Contains("token", StringComparison.Ordinal) || r.Path.Contains("capabilities", StringComparison.Ordinal) || r.Path.Contains("raft", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAToken_ASecondaryOnVault2WithoutAVaultToken_FailsTheCeremonyCheck()
    {
        var report = Assert.Single(await Run(null, secondaryToken: false));

        var ceremony = report.Checks.Single(c => c.Name == "Vault2Ceremony");
        Assert.Equal((ReadinessResult.Fail, "Vault 2.0.1+ent"), (ceremony.Result, ceremony.Value));
        Assert.Equal((ReadinessResult.Fail, false), (report.Result, report.Ready));
    }

    [Fact]
    public async Task ASecondaryThatDoesNotAnswer_FailsItsChecks_WithTheError_AndTheOthersStillRun()
    {
        var down = ClosedAddress();
        var primary = new DrEndpoints(Connect(_primary.BaseAddress, maxRetries: 0), _log);
        var secondary = new DrEndpoints(Connect(new UriBuilder(down) { Scheme = "https" }.Uri, maxRetries: 0, timeoutSec: 2), _log);

        var report = Assert.Single(await new ReadinessRun(primary, [secondary], SecretText.Protect(Operation), 14, new SteppingClock(Now)).RunAsync(CancellationToken.None));

        Assert.Equal(
            ["Replication Fail", "Version Skipped", "Heartbeat Fail", "ClockSkew Fail", "Tls Skipped", "Tls Fail", "DrOperationToken Warn", "RaftQuorum Fail", "Vault2Ceremony Skipped"],
            report.Checks.Select(c => $"{c.Name} {c.Result}"));
        Assert.All(new[] { report.Checks[0], report.Checks[2], report.Checks[3], report.Checks[5], report.Checks[7] }, c => Assert.Contains(down.Authority, c.Message, StringComparison.Ordinal));
        Assert.StartsWith($"The TLS handshake with https://{down.Authority} failed", report.Checks[5].Message, StringComparison.Ordinal);
        Assert.False(report.Ready);
    }

    private Task<ReadinessReport[]> Run(System.Security.SecureString? token, bool secondaryToken = true)
    {
        var primary = new DrEndpoints(Connect(_primary.BaseAddress, maxRetries: 0), _log);
        var secondary = new DrEndpoints(Connect(_secondary.BaseAddress, maxRetries: 0, noToken: !secondaryToken), _log);
        return new ReadinessRun(primary, [secondary], token, 14, new SteppingClock(Now)).RunAsync(CancellationToken.None);
    }
}
