using System.Globalization;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// sys/replication/status, sys/replication/dr/status and sys/replication/performance/status: what either role shows
/// (the lab has no performance replication: its mode is always disabled). With the listener's
/// disable_replication_status_endpoints set, all three answer 404 "disabled path". Handlers run under the lock.
/// </summary>
internal sealed class ReplicationStatus(ClusterState state)
{
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>Go's zero time in unix seconds: a merkle check has never run.</summary>
    private const string NeverChecked = "-62135596800";

    public LabResponse All(ApiCall call) => Disabled() ?? Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
    {
        ["dr"] = DrData(),
        ["performance"] = PerformanceData(),
    });

    public LabResponse Dr(ApiCall call) => Disabled() ?? Envelope(DrData());

    public LabResponse Performance(ApiCall call) => Disabled() ?? Envelope(PerformanceData());

    private static SortedDictionary<string, object?> PerformanceData() => new(StringComparer.Ordinal) { ["mode"] = DrModes.Disabled };

    private LabResponse? Disabled() => state.StatusEndpointsDisabled ? Error(404, VaultMessages.DisabledPath) : null;

    private SortedDictionary<string, object?> DrData()
    {
        var data = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["mode"] = state.Mode };
        if (state.Mode == DrModes.Primary)
        {
            AddPrimaryFields(data);
        }
        else if (state.Mode == DrModes.Secondary)
        {
            AddSecondaryFields(data);
        }

        if (state.Mode != DrModes.Disabled)
        {
            AddMaintenanceFields(data);
        }

        return data;
    }

    private void AddPrimaryFields(SortedDictionary<string, object?> data)
    {
        data["cluster_id"] = state.ClusterId;
        data["known_secondaries"] = state.Secondaries.Select(s => s.Id).ToArray();
        data["last_dr_wal"] = state.LastWal;
        data["last_wal"] = state.LastWal;
        data["merkle_root"] = state.ReportedMerkleRoot;
        data["primary_cluster_addr"] = state.PrimaryClusterAddr;
        data["secondaries"] = state.Secondaries.Where(s => s.Activated).Select(s => new OrderedDictionary<string, object?>
        {
            ["api_address"] = s.ApiAddress,
            ["clock_skew_ms"] = Milliseconds(s.ClockSkew),
            ["cluster_address"] = s.ClusterAddress,
            ["connection_status"] = state.IsFresh(s.LastHeartbeat) ? "connected" : "disconnected",
            ["last_heartbeat"] = Heartbeat(s.LastHeartbeat),
            ["node_id"] = s.Id,
        }).ToArray();
        data["state"] = state.StateText;
    }

    private void AddSecondaryFields(SortedDictionary<string, object?> data)
    {
        var link = state.Link;
        data["cluster_id"] = state.ClusterId;
        data["known_primary_cluster_addrs"] = state.KnownPrimaryClusterAddrs.ToArray();
        data["last_remote_wal"] = state.LastRemoteWal;
        data["merkle_root"] = state.ReportedMerkleRoot;
        data["primaries"] = link is null
            ? []
            : new[]
            {
                new OrderedDictionary<string, object?>
                {
                    ["api_address"] = link.ApiAddress,
                    ["clock_skew_ms"] = Milliseconds(link.ClockSkew),
                    ["cluster_address"] = link.ClusterAddress,
                    ["connection_status"] = state.LinkConnected(link) ? "connected" : "disconnected",
                    ["last_heartbeat"] = Heartbeat(link.LastHeartbeat),
                },
            };
        data["primary_cluster_addr"] = link?.ClusterAddress ?? "";
        data["secondary_id"] = link?.SecondaryId ?? "";
        data["state"] = state.StateText;
    }

    /// <summary>
    /// The merkle trees and the reindex, either role: epochs as unix-seconds strings ("0" for a reindex that never
    /// ran, Go's zero time for a check that never ran); the reindex_* keys only while a reindex runs.
    /// </summary>
    private void AddMaintenanceFields(SortedDictionary<string, object?> data)
    {
        data["corrupted_merkle_tree"] = state.Merkle.AnyCorrupt;
        data["last_corruption_check_epoch"] = state.LastCorruptionCheck is { } checkedAt ? UnixSeconds(checkedAt) : NeverChecked;
        data["last_reindex_epoch"] = state.LastReindex is { } reindexedAt ? UnixSeconds(reindexedAt) : "0";
        if (state.Reindex is { } job)
        {
            var (stage, progress, total) = job.At(state.Now);
            data["reindex_building_progress"] = progress;
            data["reindex_building_total"] = total;
            data["reindex_in_progress"] = true;
            data["reindex_stage"] = stage;
        }
    }

    private string UnixSeconds(DateTimeOffset instant) => state.OnClock(instant).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A peer's clock_skew_ms: a string, as Vault sends its per-peer *_ms fields. UNCONFIRMED: the sign; taken here as
    /// the peer's clock minus this cluster's (positive: the peer runs ahead).
    /// </summary>
    private static string Milliseconds(TimeSpan skew) => ((long)skew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private string Heartbeat(DateTimeOffset? heartbeat) => heartbeat is { } h ? state.Rfc3339(h) : ZeroTime;
}
