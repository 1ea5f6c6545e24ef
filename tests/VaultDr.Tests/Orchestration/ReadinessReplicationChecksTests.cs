using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>Readiness: Replication, Version, Heartbeat and ClockSkew, each threshold on a fixed clock.</summary>
public sealed class ReadinessReplicationChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static DrStatus Primary(long? skewMs = null, string connection = "connected") => new()
    {
        Cluster = "vault-a",
        Address = new Uri("https://vault-a:8200/"),
        Mode = DrMode.primary,
        State = "running",
        ClusterId = "c1",
        LastWal = 241,
        MerkleRoot = "56794a98e52598f35974024fba6691f047e772e9",
        Secondaries = [new DrPeer { NodeId = "dr-b", ApiAddress = "https://vault-b:8200", ConnectionStatus = connection, LastHeartbeat = Now.AddSeconds(-2), ClockSkewMs = skewMs }],
    };

    private static DrStatus Secondary(DateTimeOffset? heartbeat = null, string connection = "connected", long? skewMs = null, long lastRemoteWal = 241, bool corrupted = false, DrMode mode = DrMode.secondary) => new()
    {
        Cluster = "vault-b",
        Address = new Uri("https://vault-b:8200/"),
        Mode = mode,
        State = "stream-wals",
        ClusterId = "c1",
        SecondaryId = "dr-b",
        LastRemoteWal = lastRemoteWal,
        MerkleRoot = "56794a98e52598f35974024fba6691f047e772e9",
        CorruptedMerkleTree = corrupted,
        Primaries = mode == DrMode.secondary
            ? [new DrPeer { ApiAddress = "https://vault-a:8200", ClusterAddress = "https://vault-a:8201", ConnectionStatus = connection, LastHeartbeat = heartbeat ?? Now.AddSeconds(-3), ClockSkewMs = skewMs }]
            : [],
    };

    private static StatusRead Read(DrStatus status) => new(status, null);

    private static StatusRead Unreadable() => new(null, new VaultConnectionException("VaultDrConnectionFailed", "GET https://vault-b:8200/v1/sys/replication/dr/status: connection refused.", requestMayHaveBeenProcessed: false));

    [Fact]
    public void Replication_CaughtUp_Passes_WithTheStateAndLag()
    {
        var check = ReadinessChecks.Replication("vault-b", ReplicationHealthRules.Evaluate(Primary(), Secondary(), Now));

        Assert.Equal(("vault-b", "Replication", ReadinessResult.Pass), (check.Cluster, check.Name, check.Result));
        Assert.Equal("stream-wals, 0 WALs behind", check.Value);
        Assert.Equal("stream-wals, caught up", check.Threshold);
        Assert.Equal("vault-b streams WALs from vault-a:8200, is caught up (WAL 241) and has the same Merkle root.", check.Message);
    }

    [Fact]
    public void Replication_Behind_FailsWithItsFirstFailedCheck_AndWhatToDo()
    {
        var check = ReadinessChecks.Replication("vault-b", ReplicationHealthRules.Evaluate(Primary(), Secondary(lastRemoteWal: 200), Now));

        Assert.Equal(ReadinessResult.Fail, check.Result);
        Assert.Equal("stream-wals, 41 WALs behind", check.Value);
        Assert.Equal(
            "vault-b:8200 is 41 WAL(s) behind vault-a:8200 (last_remote_wal 200 < last_wal 241). Wait for it to catch up with Wait-VaultDrReplication; " +
            "if it does not, compare Get-VaultDrStatus of both clusters.",
            check.Message);
    }

    [Fact]
    public void Replication_ACorruptedMerkleTree_Fails_WithTheRepairItNames_AndCountsTheRest()
    {
        var check = ReadinessChecks.Replication("vault-b", ReplicationHealthRules.Evaluate(Primary(), Secondary(corrupted: true, lastRemoteWal: 200), Now));

        Assert.Equal(ReadinessResult.Fail, check.Result);
        Assert.StartsWith("vault-b:8200 is 41 WAL(s) behind", check.Message, StringComparison.Ordinal);
        Assert.EndsWith("(1 more: Test-VaultDrReplication lists every failed check.)", check.Message, StringComparison.Ordinal);

        var corruptOnly = ReadinessChecks.Replication("vault-b", ReplicationHealthRules.Evaluate(Primary(), Secondary(corrupted: true), Now));
        Assert.Equal(ReplicationHealthRules.CorruptionSentence(Secondary(corrupted: true), "vault-b:8200"), corruptOnly.Message);
    }

    [Fact]
    public void Replication_TwoPrimaries_FailsWithTheSplitBrainSentence()
    {
        var promoted = new DrStatus { Address = new Uri("https://vault-b:8200/"), Mode = DrMode.primary, State = "running", ClusterId = "c1", LastWal = 241, MerkleRoot = Primary().MerkleRoot };

        var check = ReadinessChecks.Replication("vault-b", ReplicationHealthRules.Evaluate(Primary(), promoted, Now));

        Assert.Equal(ReadinessResult.Fail, check.Result);
        Assert.StartsWith("TWO PRIMARIES: vault-a:8200 and vault-b:8200 are both DR primaries of cluster c1.", check.Message, StringComparison.Ordinal);
        Assert.Contains("demote one of them now.", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replication_AnUnreadableSecondary_FailsWithTheError_AndSaysToCheckTheClusters()
    {
        var check = ReadinessChecks.Replication("vault-b", ReplicationHealthRules.Unreadable(new Uri("https://vault-a:8200"), new Uri("https://vault-b:8200"), "The secondary's status could not be read: connection refused.", Now));

        Assert.Equal(("status not read", ReadinessResult.Fail), (check.Value, check.Result));
        Assert.Equal("The secondary's status could not be read: connection refused. Check that both clusters are up and answer from here, then run the report again.", check.Message);
    }

    [Theory]
    [InlineData("1.17.0+ent", "1.17.0+ent", ReadinessResult.Pass, "Both clusters run Vault 1.17.0.")]
    [InlineData("1.17.0+ent", "1.17.0-rc1+ent", ReadinessResult.Pass, "Both clusters run Vault 1.17.0.")]
    [InlineData(
        "1.17.0+ent", "1.16.3+ent", ReadinessResult.Fail,
        "vault-b runs Vault 1.16.3+ent, older than vault-a's 1.17.0+ent, and it is unsafe to replicate from a newer Vault to an older one: " +
        "upgrade vault-b to 1.17.0 or later first (the secondaries first, then the primary).")]
    [InlineData(
        "1.17.0+ent", "1.18.1+ent", ReadinessResult.Warn,
        "vault-b runs Vault 1.18.1+ent, newer than vault-a's 1.17.0+ent, so a failback would replicate from the newer to the older: upgrade vault-a to 1.18.1 before failing back.")]
    public void Version_OlderSecondaryFails_NewerWarns_SamePasses(string primary, string secondary, ReadinessResult result, string message)
    {
        var check = ReadinessChecks.Version("vault-a", new VersionRead(primary, null), "vault-b", new VersionRead(secondary, null));

        Assert.Equal((result, message), (check.Result, check.Message));
        Assert.Equal($"{VaultVersions.Release(primary)} -> {VaultVersions.Release(secondary)}", check.Value);
        Assert.Equal("primary <= secondary", check.Threshold);
    }

    [Fact]
    public void Version_Unknown_IsSkipped_WithTheReason()
    {
        var error = new VaultConnectionException("VaultDrConnectionFailed", "GET https://vault-b:8200/v1/sys/health: connection refused.", requestMayHaveBeenProcessed: false);

        var unread = ReadinessChecks.Version("vault-a", new VersionRead("1.17.0", null), "vault-b", new VersionRead(null, error));
        var none = ReadinessChecks.Version("vault-a", new VersionRead(null, null), "vault-b", new VersionRead("1.17.0", null));
        var garbage = ReadinessChecks.Version("vault-a", new VersionRead("1.17.0", null), "vault-b", new VersionRead("latest", null));

        Assert.All(new[] { unread, none, garbage }, c => Assert.Equal((ReadinessResult.Skipped, (string?)null), (c.Result, c.Value)));
        Assert.Equal(
            "The version of vault-b could not be read (GET https://vault-b:8200/v1/sys/health: connection refused), so the versions were not compared: compare them with vault status on both clusters.",
            unread.Message);
        Assert.StartsWith("vault-a reports no version in sys/health, so", none.Message, StringComparison.Ordinal);
        Assert.StartsWith("vault-b reports the version 'latest', which is not a Vault version, so", garbage.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-3, ReadinessResult.Pass, "3s ago")]
    [InlineData(-30, ReadinessResult.Pass, "30s ago")]
    [InlineData(-31, ReadinessResult.Warn, "31s ago")]
    [InlineData(-300, ReadinessResult.Warn, "5m 0s ago")]
    [InlineData(-301, ReadinessResult.Fail, "5m 1s ago")]
    [InlineData(20, ReadinessResult.Pass, "20s in the future")]
    [InlineData(45, ReadinessResult.Warn, "45s in the future")]
    public void Heartbeat_AgeAgainstThisMachinesClock(int secondsFromNow, ReadinessResult result, string value)
    {
        var check = ReadinessChecks.Heartbeat("vault-b", Read(Secondary(heartbeat: Now.AddSeconds(secondsFromNow))), Now);

        Assert.Equal((result, value, "<= 30s (fail > 5m)"), (check.Result, check.Value, check.Threshold));
        Assert.Equal("vault-b", check.Cluster);
    }

    [Fact]
    public void Heartbeat_Messages()
    {
        Assert.Equal("vault-b heard from its primary 3s ago.", ReadinessChecks.Heartbeat("vault-b", Read(Secondary()), Now).Message);
        Assert.Equal(
            "The last heartbeat vault-b reports from its primary is 45s old: check the link between the clusters, and this machine's clock against theirs.",
            ReadinessChecks.Heartbeat("vault-b", Read(Secondary(heartbeat: Now.AddSeconds(-45))), Now).Message);
        Assert.Equal(
            "The last heartbeat vault-b reports is 2m 0s in the future: the clocks of this machine and the clusters differ, so fix NTP before the heartbeat age can be trusted.",
            ReadinessChecks.Heartbeat("vault-b", Read(Secondary(heartbeat: Now.AddMinutes(2))), Now).Message);
        Assert.Equal(
            "The last heartbeat vault-b reports from its primary is 10m 0s old: replication has stalled (or the clocks differ by that much); check the link between the clusters and their clocks.",
            ReadinessChecks.Heartbeat("vault-b", Read(Secondary(heartbeat: Now.AddMinutes(-10))), Now).Message);
    }

    [Fact]
    public void Heartbeat_ADisconnectedSecondary_FailsHoweverFreshItsLastHeartbeat()
    {
        var check = ReadinessChecks.Heartbeat("vault-b", Read(Secondary(connection: "disconnected")), Now);

        Assert.Equal((ReadinessResult.Fail, "3s ago"), (check.Result, check.Value));
        Assert.Equal(
            "vault-b is disconnected from its primary (https://vault-a:8200; last heartbeat 3s ago): check that it reaches the primary's cluster address (https://vault-a:8201) through the network and firewalls.",
            check.Message);
    }

    [Fact]
    public void Heartbeat_UnreadableFails_NotASecondaryIsSkipped_NoPrimaryFails()
    {
        var unreadable = ReadinessChecks.Heartbeat("vault-b", Unreadable(), Now);
        var primary = ReadinessChecks.Heartbeat("vault-b", Read(Secondary(mode: DrMode.primary)), Now);
        var orphan = ReadinessChecks.Heartbeat("vault-b", Read(new DrStatus { Address = new Uri("https://vault-b:8200"), Mode = DrMode.secondary }), Now);

        Assert.Equal(ReadinessResult.Fail, unreadable.Result);
        Assert.Equal("The status of vault-b could not be read: GET https://vault-b:8200/v1/sys/replication/dr/status: connection refused.", unreadable.Message);
        Assert.Equal(ReadinessResult.Skipped, primary.Result);
        Assert.StartsWith("vault-b is in DR mode 'primary', not a DR secondary", primary.Message, StringComparison.Ordinal);
        Assert.Equal((ReadinessResult.Fail, "no primary"), (orphan.Result, orphan.Value));
    }

    [Theory]
    [InlineData(12L, null, ReadinessResult.Pass, "12 ms")]
    [InlineData(null, -999L, ReadinessResult.Pass, "999 ms")]
    [InlineData(999L, -1000L, ReadinessResult.Warn, "1000 ms")]
    [InlineData(-59999L, 10L, ReadinessResult.Warn, "59999 ms")]
    [InlineData(60000L, 0L, ReadinessResult.Fail, "60000 ms")]
    [InlineData(0L, 75000L, ReadinessResult.Fail, "75000 ms")]
    public void ClockSkew_TheLargerOfBothSides_BySize(long? fromPrimary, long? fromSecondary, ReadinessResult result, string value)
    {
        var check = ReadinessChecks.ClockSkew("vault-a", Read(Primary(skewMs: fromPrimary)), "vault-b", Read(Secondary(skewMs: fromSecondary)));

        Assert.Equal((result, value, "< 1000 ms (fail >= 60s)"), (check.Result, check.Value, check.Threshold));
    }

    [Fact]
    public void ClockSkew_Messages_AndSkippedWhenVaultDoesNotReportIt()
    {
        Assert.Equal(
            "The clocks of vault-a and vault-b differ by 1s: check time synchronisation (NTP) on both clusters' nodes before the clocks drift further.",
            ReadinessChecks.ClockSkew("vault-a", Read(Primary(skewMs: 1500)), "vault-b", Read(Secondary())).Message);
        Assert.Equal(
            "The clocks of vault-a and vault-b differ by 1m 15s: fix time synchronisation (NTP) on both clusters' nodes now, as heartbeats and token expiry depend on agreeing clocks.",
            ReadinessChecks.ClockSkew("vault-a", Read(Primary()), "vault-b", Read(Secondary(skewMs: -75000))).Message);

        var silent = ReadinessChecks.ClockSkew("vault-a", Read(Primary()), "vault-b", Read(Secondary()));
        Assert.Equal((ReadinessResult.Skipped, (string?)null), (silent.Result, silent.Value));
        Assert.StartsWith("Vault reports no clock_skew_ms for vault-a and vault-b", silent.Message, StringComparison.Ordinal);

        var oneSide = ReadinessChecks.ClockSkew("vault-a", Unreadable(), "vault-b", Read(Secondary(skewMs: 2000)));
        Assert.Equal(ReadinessResult.Warn, oneSide.Result);

        var neither = ReadinessChecks.ClockSkew("vault-a", Unreadable(), "vault-b", Unreadable());
        Assert.Equal(ReadinessResult.Fail, neither.Result);
        Assert.Equal("Neither cluster's status could be read: GET https://vault-b:8200/v1/sys/replication/dr/status: connection refused.", neither.Message);
    }

    [Fact]
    public void AReport_TakesTheWorstResult_AndIsReadyUnlessACheckFailed()
    {
        var primary = ConnectionFor("vault-a");
        var secondary = ConnectionFor("vault-b");
        ReadinessCheck Of(ReadinessResult result) => new() { Cluster = "vault-b", Name = "X", Result = result, Message = "m." };

        var warned = ReadinessChecks.Report(primary, secondary, [Of(ReadinessResult.Pass), Of(ReadinessResult.Skipped), Of(ReadinessResult.Warn)], Now);
        var failed = ReadinessChecks.Report(primary, secondary, [Of(ReadinessResult.Warn), Of(ReadinessResult.Fail), Of(ReadinessResult.Pass)], Now);
        var skipped = ReadinessChecks.Report(primary, secondary, [Of(ReadinessResult.Skipped), Of(ReadinessResult.Pass)], Now);

        Assert.Equal((ReadinessResult.Warn, true), (warned.Result, warned.Ready));
        Assert.Equal((ReadinessResult.Fail, false), (failed.Result, failed.Ready));
        Assert.Equal((ReadinessResult.Pass, true), (skipped.Result, skipped.Ready));
        Assert.Equal(("vault-a", "vault-b", new Uri("https://vault-b.test:8200"), Now), (warned.PrimaryName, warned.SecondaryName, warned.Secondary, warned.CheckedAt));
    }

    [Theory]
    [InlineData(0.4, "400ms")]
    [InlineData(42, "42s")]
    [InlineData(303, "5m 3s")]
    [InlineData(11_520, "3h 12m")]
    [InlineData(356_400, "4d 3h")]
    [InlineData(-45, "45s")]
    public void Spans_ReadAsAPersonWritesThem(double seconds, string text) => Assert.Equal(text, ReadinessChecks.Span(TimeSpan.FromSeconds(seconds)));

    internal static VaultDrConnection ConnectionFor(string name, string scheme = "https") =>
        VaultDr.Client.ConnectionFactory.Create(new VaultDr.Client.ConnectionRequest { Name = name, Address = $"{scheme}://{name}.test:8200" }, _ => null, null);
}
