using System.Text.Json;
using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Client;

/// <summary>
/// The maintenance answers, from the samples of HashiCorp's docs (verbatim where the docs give them): reindex progress
/// and the epoch fields of a status, the combined status, a Merkle check report, the Raft configuration, autopilot's
/// state and configuration; and Go's durations.
/// </summary>
public sealed class MaintenanceParsersTests
{
    private static readonly Uri Cluster = new("https://vault-b.example.com:8200/");

    private const string DrSecondaryStatus = """
        {
          "data": {
            "cluster_id": "eef2a5ab-51e2-1c05-407c-8b4dc8d09ebf",
            "connection_state": "ready",
            "corrupted_merkle_tree": false,
            "known_primary_cluster_addrs": [
              "https://127.0.0.1:65524",
              "https://127.0.0.1:65525",
              "https://127.0.0.1:65526"
            ],
            "last_corruption_check_epoch": "-62135596800",
            "last_reindex_epoch": "1709564746",
            "last_remote_wal": 223,
            "last_start": "2024-03-04T10:05:46-05:00",
            "merkle_root": "2494830f1a1c304829b5742a232d39b5457bce9a",
            "mode": "secondary",
            "primaries": [
              {
                "api_address": "https://127.0.0.1:65521",
                "clock_skew_ms": "0",
                "cluster_address": "https://127.0.0.1:65524",
                "connection_status": "connected",
                "last_heartbeat": "2024-03-04T10:05:56-05:00",
                "last_heartbeat_duration_ms": "0",
                "replication_primary_canary_age_ms": "697"
              }
            ],
            "primary_cluster_addr": "https://127.0.0.1:65524",
            "secondary_id": "4ca6b639-046b-5bb1-8043-6788ddf09121",
            "ssct_generation_counter": 0,
            "state": "stream-wals"
          }
        }
        """;

    private const string MerkleCheck = """
        {
          "request_id": "d4b2ad1a-6e5f-7f9e-edfe-558eb89a40e6",
          "lease_id": "",
          "lease_duration": 0,
          "renewable": false,
          "data": {
            "merkle_corruption_report": {
              "corrupted_root": false,
              "corrupted_tree_map": {
                "1": {
                  "corrupted_index_tuples_map": {
                    "5": {
                      "corrupted": false,
                      "subpages": [
                        28
                      ]
                    }
                  },
                  "corrupted_subtree_root": false,
                  "root_hash": "DyGc6rQTV9XgyNSff3zimhi3FJM=",
                  "tree_type": "replicated"
                },
                "2": {
                  "corrupted_index_tuples_map": null,
                  "corrupted_subtree_root": false,
                  "root_hash": "EXmRTdfYCZTm5i9wLef9RQqyLCw=",
                  "tree_type": "local"
                }
              },
              "last_corruption_check_epoch": "2023-09-11T11:25:59.44956-07:00"
            }
          }
        }
        """;

    private const string RaftConfiguration = """
        {
          "request_id": "ca4b5a1d-38d6-e27e-e756-269521328a15",
          "lease_id": "",
          "lease_duration": 0,
          "renewable": false,
          "data": {
            "config": {
              "index": 24,
              "servers": [
                {
                  "address": "127.0.0.1:8201",
                  "leader": true,
                  "node_id": "raft1",
                  "protocol_version": "\u0003",
                  "voter": true
                },
                {
                  "address": "127.0.0.2:8201",
                  "leader": false,
                  "node_id": "raft2",
                  "protocol_version": "\u0003",
                  "voter": true
                }
              ]
            }
          },
          "warnings": null
        }
        """;

    // The docs' excerpt, under data as Vault's client reads it, with a second server as the docs elide it.
    private const string AutopilotState = """
        {
          "data": {
            "failure_tolerance": 1,
            "healthy": true,
            "leader": "vault_1",
            "optimistic_failure_tolerance": 2,
            "servers": {
              "vault_1": {"address": "127.0.0.1:8201", "healthy": true, "id": "vault_1", "last_contact": "0s", "last_index": 63, "last_term": 3, "name": "vault_1", "node_status": "alive", "node_type": "voter", "stable_since": "2024-08-29T16:02:45.639829+02:00", "status": "leader", "version": "1.17.3"},
              "vault_2": {"address": "127.0.0.1:8202", "healthy": false, "id": "vault_2", "last_contact": "2m3.5s", "last_index": 60, "last_term": 3, "name": "vault_2", "node_status": "failed", "node_type": "voter", "stable_since": "0001-01-01T00:00:00Z", "status": "voter", "version": "1.17.3"}
            },
            "voters": ["vault_1", "vault_2", "vault_3"],
            "upgrade_info": {"status": "await-new-voters", "target_version": "1.17.3"}
          }
        }
        """;

    private const string AutopilotConfiguration = """
        {"data": {"cleanup_dead_servers": false, "dead_server_last_contact_threshold": "24h0m0s", "last_contact_threshold": "10s", "max_trailing_logs": 1000, "min_quorum": 0, "server_stabilization_time": "10s", "disable_upgrade_migration": true}}
        """;

    private static VaultResponse Answer(string json, string? name = null)
    {
        using var document = JsonDocument.Parse(json);
        return new VaultResponse(200, document.RootElement.Clone(), Cluster, name);
    }

    [Fact]
    public void DrSecondarySample_ReadsItsEpochs_NeverCheckedIsNull()
    {
        var status = ResponseParsers.Status(Answer(DrSecondaryStatus));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1709564746), status.LastReindex);
        Assert.Equal("1709564746", status.LastReindexEpoch);
        Assert.Null(status.LastCorruptionCheck);
        Assert.Equal("-62135596800", status.LastCorruptionCheckEpoch);
        Assert.False(status.CorruptedMerkleTree);
        Assert.Null(status.ReindexInProgress);
        Assert.Null(status.ReindexStage);
        Assert.Null(status.ReindexProgress);
    }

    [Fact]
    public void ReindexInProgress_FromTheUiSample_HasStageAndBuildingProgress()
    {
        var status = ResponseParsers.Status(Answer("""
            {"data":{"mode":"primary","last_reindex_epoch":"0","reindex_building_progress": 26838, "reindex_building_total": 305443, "reindex_in_progress": true, "reindex_stage": "building", "state": "running"}}
            """));

        Assert.True(status.ReindexInProgress);
        Assert.Equal("building", status.ReindexStage);
        Assert.Equal(26838, status.ReindexProgress!.Building);
        Assert.Equal(305443, status.ReindexProgress.Total);
        Assert.Equal(8, status.ReindexProgress.PercentComplete);
        Assert.Equal("26838/305443 (8%)", status.ReindexProgress.ToString());
        Assert.Null(status.LastReindex);
    }

    [Theory]
    [InlineData("\"0\"", null)]
    [InlineData("\"-62135596800\"", null)]
    [InlineData("\"1709564746\"", "2024-03-04T15:05:46+00:00")]
    [InlineData("1709564746", "2024-03-04T15:05:46+00:00")]
    [InlineData("\"2023-09-11T11:25:59.44956-07:00\"", "2023-09-11T11:25:59.44956-07:00")]
    [InlineData("null", null)]
    public void Epochs_AreTimes_AndVaultsNeverIsNull(string json, string? expected)
    {
        var status = ResponseParsers.Status(Answer($$$"""{"data":{"mode":"primary","last_reindex_epoch":{{{json}}},"last_corruption_check_epoch":{{{json}}}}}"""));

        var want = expected is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(want, status.LastReindex);
        Assert.Equal(want, status.LastCorruptionCheck);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"99999999999999\"")]
    [InlineData("{}")]
    public void AnEpochThatIsNoTime_IsAnInvalidResponse_NamingTheField(string json)
    {
        var e = Assert.Throws<VaultResponseException>(() => ResponseParsers.Status(Answer($$$"""{"data":{"mode":"primary","last_reindex_epoch":{{{json}}}}}""")));

        Assert.Contains("last_reindex_epoch", e.Message, StringComparison.Ordinal);
        Assert.Equal("VaultDrInvalidResponse", e.ErrorId);
    }

    [Fact]
    public void CombinedStatus_ReadsBothParts_LikeDrStatus()
    {
        var status = ResponseParsers.CombinedStatus(Answer("""
            {"data":{"dr":{"mode":"primary","state":"running","last_wal":241,"last_reindex_epoch":"0"},"performance":{"mode":"disabled"}}}
            """, "vault-a"));

        Assert.Equal("vault-a", status.Cluster);
        Assert.Equal(Cluster, status.Address);
        Assert.Equal(DrMode.primary, status.Dr.Mode);
        Assert.Equal("running", status.Dr.State);
        Assert.Equal(241, status.Dr.LastWal);
        Assert.Equal("vault-a", status.Dr.Cluster);
        Assert.Equal(DrMode.disabled, status.Performance.Mode);
        Assert.Null(status.Performance.State);
    }

    [Fact]
    public void CombinedStatus_OfOpenSourceVault_IsDisabledOnBothSides()
    {
        var status = ResponseParsers.CombinedStatus(Answer("""{"data":{"mode":"disabled"}}"""));

        Assert.Equal(DrMode.disabled, status.Dr.Mode);
        Assert.Equal(DrMode.disabled, status.Performance.Mode);
    }

    [Fact]
    public void MerkleCheckSample_FindsSubpage28OfPage5_InTheReplicatedTree()
    {
        var report = ResponseParsers.MerkleReport(Answer(MerkleCheck, "vault-b"), isDrSecondary: true);

        Assert.Equal("vault-b", report.Cluster);
        Assert.True(report.IsDrSecondary);
        Assert.False(report.CorruptedRoot);
        Assert.False(report.Healthy);
        Assert.Equal(["1", "2"], report.Trees.Select(t => t.Key));
        Assert.Same(report.Trees[0], report.Replicated);
        Assert.Same(report.Trees[1], report.Local);
        Assert.Equal("replicated", report.Replicated!.TreeType);
        Assert.Equal("DyGc6rQTV9XgyNSff3zimhi3FJM=", report.Replicated.RootHash);
        Assert.True(report.Replicated.Corrupted);
        Assert.False(report.Replicated.CorruptedSubtreeRoot);
        var page = Assert.Single(report.Replicated.CorruptedPages);
        Assert.Equal(5, page.Page);
        Assert.False(page.Corrupted);
        Assert.Equal([28], page.Subpages);
        Assert.Equal("5: 28", page.ToString());
        Assert.False(report.Local!.Corrupted);
        Assert.Empty(report.Local.CorruptedPages);
        Assert.Equal("EXmRTdfYCZTm5i9wLef9RQqyLCw=", report.Local.RootHash);
        Assert.Equal(new DateTimeOffset(2023, 9, 11, 11, 25, 59, TimeSpan.FromHours(-7)).AddTicks(4495600), report.LastCorruptionCheck);
        Assert.StartsWith("The replicated Merkle tree of vault-b, a DR secondary, is corrupt. Check its primary first", report.Recommendation, StringComparison.Ordinal);
        Assert.Contains("reindexing this secondary will not fix it", report.Recommendation, StringComparison.Ordinal);
        Assert.Equal(false, report.Raw["corrupted_root"]);
    }

    [Fact]
    public void AHealthyReport_SaysNotToReindex()
    {
        var report = ResponseParsers.MerkleReport(
            Answer("""{"data":{"merkle_corruption_report":{"corrupted_root":false,"corrupted_tree_map":{"1":{"corrupted_index_tuples_map":null,"corrupted_subtree_root":false,"root_hash":"x","tree_type":"replicated"}},"last_corruption_check_epoch":"2026-01-01T00:00:00Z"}}}""", "vault-a"),
            isDrSecondary: false);

        Assert.True(report.Healthy);
        Assert.Null(report.Local);
        Assert.StartsWith("No corruption found in the Merkle trees of vault-a; do not reindex for this. The check cannot detect every kind of corruption", report.Recommendation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"data\":{}}")]
    [InlineData("{\"data\":{\"merkle_corruption_report\":{\"corrupted_tree_map\":{\"1\":[]}}}}")]
    [InlineData("{\"data\":{\"merkle_corruption_report\":{\"corrupted_tree_map\":{\"1\":{\"corrupted_index_tuples_map\":{\"x\":{}}}}}}}")]
    [InlineData("{\"data\":{\"merkle_corruption_report\":{\"corrupted_tree_map\":{\"1\":{\"corrupted_index_tuples_map\":{\"5\":{\"subpages\":[\"a\"]}}}}}}}")]
    public void AMalformedReport_IsAnInvalidResponse(string json) =>
        Assert.Throws<VaultResponseException>(() => ResponseParsers.MerkleReport(Answer(json), isDrSecondary: false));

    [Fact]
    public void RaftConfigurationSample_ReadsEachServer_TheProtocolVersionFromItsControlCharacter()
    {
        var peers = ResponseParsers.RaftPeers(Answer(RaftConfiguration, "vault-b"));

        Assert.Equal(2, peers.Length);
        Assert.Equal(("raft1", "127.0.0.1:8201", true, true, 3), (peers[0].NodeId, peers[0].Address, peers[0].Leader, peers[0].Voter, peers[0].ProtocolVersion));
        Assert.Equal(("raft2", "127.0.0.2:8201", false, true, 3), (peers[1].NodeId, peers[1].Address, peers[1].Leader, peers[1].Voter, peers[1].ProtocolVersion));
        Assert.All(peers, p => Assert.Equal("vault-b", p.Cluster));
    }

    [Fact]
    public void AutopilotState_ReadsServers_WithGoDurations_AndGoZeroTimeAsNull()
    {
        var state = ResponseParsers.Autopilot(Answer(AutopilotState));

        Assert.True(state.Healthy);
        Assert.Equal(1, state.FailureTolerance);
        Assert.Equal(2, state.OptimisticFailureTolerance);
        Assert.Equal("vault_1", state.Leader);
        Assert.Equal(["vault_1", "vault_2", "vault_3"], state.Voters);
        Assert.Equal(["vault_1", "vault_2"], state.Servers.Select(s => s.Id));
        var leader = state.Servers[0];
        Assert.Equal(("vault_1", "127.0.0.1:8201", true, "alive", "voter", "leader", "1.17.3"), (leader.Name, leader.Address, leader.Healthy, leader.NodeStatus, leader.NodeType, leader.Status, leader.Version));
        Assert.Equal(TimeSpan.Zero, leader.LastContact);
        Assert.Equal(63, leader.LastIndex);
        Assert.Equal(3, leader.LastTerm);
        Assert.Equal(DateTimeOffset.Parse("2024-08-29T16:02:45.639829+02:00", System.Globalization.CultureInfo.InvariantCulture), leader.StableSince);
        Assert.Equal(TimeSpan.FromSeconds(123.5), state.Servers[1].LastContact);
        Assert.Null(state.Servers[1].StableSince);
        Assert.IsType<Dictionary<string, object?>>(state.Raw["upgrade_info"]);
    }

    [Fact]
    public void AutopilotState_AsTheApiPageShowsIt_WithoutData_IsReadToo()
    {
        var state = ResponseParsers.Autopilot(Answer("""{"healthy": false, "failure_tolerance": 0, "leader": "a", "voters": ["a"], "servers": {}}"""));

        Assert.False(state.Healthy);
        Assert.Equal(0, state.FailureTolerance);
        Assert.Empty(state.Servers);
    }

    [Fact]
    public void AutopilotConfigurationSample_ReadsDurationsAndNumbers()
    {
        var settings = ResponseParsers.AutopilotSettings(Answer(AutopilotConfiguration));

        Assert.False(settings.CleanupDeadServers);
        Assert.Equal(TimeSpan.FromHours(24), settings.DeadServerLastContactThreshold);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.LastContactThreshold);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ServerStabilizationTime);
        Assert.Equal(1000, settings.MaxTrailingLogs);
        Assert.Equal(0, settings.MinQuorum);
        Assert.True(settings.DisableUpgradeMigration);
    }

    [Theory]
    [InlineData("""{"data":{"last_contact_threshold":"ten seconds"}}""", "last_contact_threshold")]
    [InlineData("""{"data":{"last_contact_threshold":[1]}}""", "last_contact_threshold")]
    [InlineData("""{"data":{"unrelated":1}}""", "autopilot/configuration")]
    public void AMalformedConfiguration_IsAnInvalidResponse_NamingWhat(string json, string named) =>
        Assert.Contains(named, Assert.Throws<VaultResponseException>(() => ResponseParsers.AutopilotSettings(Answer(json))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("0s", 0L)]
    [InlineData("0", 0L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData("2m3s", 1_230_000_000L)]
    [InlineData("24h0m0s", 864_000_000_000L)]
    [InlineData("1h2m3.5s", 37_235_000_000L)]
    [InlineData("500ms", 5_000_000L)]
    [InlineData("1.2\u00b5s", 12L)]
    [InlineData("1.2\u03bcs", 12L)]
    [InlineData("3us", 30L)]
    [InlineData("900ns", 9L)]
    [InlineData("-3s", -30_000_000L)]
    [InlineData("+1m", 600_000_000L)]
    public void GoDurations_AreRead_ToTheTick(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("1.5")]
    [InlineData("10")]
    [InlineData("1x")]
    [InlineData("1..5s")]
    [InlineData("1d")]
    [InlineData("-")]
    [InlineData("1s2")]
    [InlineData("99999999999999h")]
    public void NotGoDurations_AreRefused(string? text) => Assert.False(GoDuration.TryParse(text, out _));
}
