using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>
/// What a readiness check reads about a replicating pair: each peer's clock_skew_ms, a heartbeat that goes stale in a
/// partition and comes back when it heals, and a batch DR operation token's type, policies and TTL.
/// </summary>
public sealed class ClockSkewTests : IDisposable
{
    private const string Promote = "/v1/sys/replication/dr/secondary/promote";

    private readonly LabHarness _lab = new(2);

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task ClockSkewMs_IsZeroWithoutSkew_AndShowsThePeersClockMinusOurs_OnBothSides()
    {
        await Pair();
        Assert.Equal("0", (await SecondaryEntry()).GetProperty("clock_skew_ms").GetString());
        Assert.Equal("0", (await PrimaryEntry()).GetProperty("clock_skew_ms").GetString());

        _lab.B.SetClockSkew(TimeSpan.FromMinutes(5));
        await _lab.Beat();
        Assert.Equal("300000", (await PrimaryEntry()).GetProperty("clock_skew_ms").GetString()); // the primary sees its secondary 5 min ahead
        Assert.Equal("-300000", (await SecondaryEntry()).GetProperty("clock_skew_ms").GetString()); // the secondary sees its primary 5 min behind
        Assert.Equal(300_000, _lab.B.Describe().ClockSkewMs);

        _lab.A.SetClockSkew(TimeSpan.FromSeconds(-2));
        await _lab.Beat();
        Assert.Equal("302000", (await PrimaryEntry()).GetProperty("clock_skew_ms").GetString());
        Assert.Equal("-302000", (await SecondaryEntry()).GetProperty("clock_skew_ms").GetString());

        _lab.A.SetClockSkew(TimeSpan.Zero);
        _lab.B.SetClockSkew(TimeSpan.Zero);
        await _lab.Beat();
        Assert.Equal("0", (await SecondaryEntry()).GetProperty("clock_skew_ms").GetString());
        Assert.Equal("0", (await PrimaryEntry()).GetProperty("clock_skew_ms").GetString());
    }

    [Fact]
    public async Task WhatASkewedClusterStamps_UsesItsClock_WhileItsTimersKeepTheMachinesTime()
    {
        await Pair();
        _lab.B.SetClockSkew(TimeSpan.FromHours(1));
        await _lab.Beat();
        var machine = _lab.Time.GetUtcNow();

        var health = await Call(_lab.B, "GET", "/v1/sys/health");
        Assert.Equal((machine + TimeSpan.FromHours(1)).ToUnixTimeSeconds(), health.Json.GetProperty("server_time_utc").GetInt64());
        Assert.Equal(Seconds(machine + TimeSpan.FromHours(1)), Time((await SecondaryEntry()).GetProperty("last_heartbeat"))); // stamped by the secondary
        Assert.Equal(Seconds(machine), Time((await PrimaryEntry()).GetProperty("last_heartbeat"))); // stamped by the primary

        // The jump did not disturb the secondary's walk: still streaming, still connected.
        Assert.Equal("stream-wals", (await DrStatus(_lab.B)).GetProperty("state").GetString());
        Assert.Equal("connected", (await PrimaryEntry()).GetProperty("connection_status").GetString());

        // A token stamped by a primary 1 h behind expires 1 h early by its own reckoning.
        _lab.A.SetClockSkew(TimeSpan.FromHours(-1));
        var token = (await Root(_lab.A, "POST", "/v1/auth/token/create", new { ttl = "2h" })).Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        var lookup = (await Call(_lab.A, "GET", "/v1/auth/token/lookup-self", null, token)).Data;
        Assert.Equal(7200, lookup.GetProperty("ttl").GetInt64());
        Assert.Equal(Seconds(machine + TimeSpan.FromHours(1)), Time(lookup.GetProperty("expire_time")));

        // Its server log too.
        _lab.A.SetVaultVersion("1.15.1");
        Assert.Equal(machine - TimeSpan.FromHours(1), _lab.A.ReadLog()[^1].Time);
    }

    [Fact]
    public async Task APartition_TurnsThePrimaryDisconnected_AndStopsItsHeartbeat_UntilItHeals()
    {
        await Pair();
        var before = await SecondaryEntry();
        Assert.Equal("connected", before.GetProperty("connection_status").GetString());

        _lab.Transport.Partitions.Add(("vault-2", "vault-1"));
        await _lab.Beat();
        var stale = (await SecondaryEntry()).GetProperty("last_heartbeat").GetString();
        await _lab.Beat(15); // 1.5 s: past DisconnectAfter (1 s)
        var during = await SecondaryEntry();
        Assert.Equal("disconnected", during.GetProperty("connection_status").GetString());
        Assert.Equal(stale, during.GetProperty("last_heartbeat").GetString());
        Assert.Equal("disconnected", (await PrimaryEntry()).GetProperty("connection_status").GetString());

        _lab.Transport.Partitions.Clear();
        await _lab.Beat();
        var after = await SecondaryEntry();
        Assert.Equal("connected", after.GetProperty("connection_status").GetString());
        Assert.True(Time(after.GetProperty("last_heartbeat")) > DateTimeOffset.Parse(stale!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ABatchToken_ShowsItsTypePoliciesAndTtl_AndPromotesOnlyWhenItsPolicyGrantsUpdate()
    {
        await Pair();
        await Root(_lab.A, "PUT", "/v1/sys/policies/acl/promote-update", new { policy = """path "sys/replication/dr/secondary/promote" { capabilities = ["update"] }""" });
        await Root(_lab.A, "PUT", "/v1/sys/policies/acl/promote-read", new { policy = """path "sys/replication/dr/secondary/promote" { capabilities = ["read"] }""" });
        var updating = await Batch("promote-update");
        var reading = await Batch("promote-read");

        _lab.Time.Advance(TimeSpan.FromSeconds(30));
        var lookup = await Call(_lab.A, "GET", "/v1/auth/token/lookup-self", null, updating);
        Assert.Equal("batch", lookup.Data.GetProperty("type").GetString());
        Assert.Equal(["default", "promote-update"], lookup.Data.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        Assert.InRange(lookup.Data.GetProperty("ttl").GetInt64(), 259_100, 259_199);

        await _lab.Settle();
        Assert.Equal(400, (await Call(_lab.B, "POST", Promote, new { dr_operation_token = reading })).Status);
        Assert.Equal(200, (await Call(_lab.B, "POST", Promote, new { dr_operation_token = updating })).Status);
    }

    private static DateTimeOffset Seconds(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());

    private static DateTimeOffset Time(JsonElement text) => DateTimeOffset.Parse(text.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> Batch(string policy)
    {
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { policy }, ttl = "72h", type = "batch" });
        Assert.Equal(200, created.Status);
        return created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
    }

    private async Task Pair()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
    }

    /// <summary>The secondary's view of its primary: primaries[0].</summary>
    private async Task<JsonElement> SecondaryEntry() => (await DrStatus(_lab.B)).GetProperty("primaries")[0];

    /// <summary>The primary's view of its secondary: secondaries[0].</summary>
    private async Task<JsonElement> PrimaryEntry() => (await DrStatus(_lab.A)).GetProperty("secondaries")[0];
}
