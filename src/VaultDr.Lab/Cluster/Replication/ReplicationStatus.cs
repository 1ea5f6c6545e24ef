using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>sys/replication/status and sys/replication/dr/status: what either role shows. Handlers run under the lock.</summary>
internal sealed class ReplicationStatus(ClusterState state)
{
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    public LabResponse All(ApiCall call) => Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
    {
        ["dr"] = DrData(),
        ["performance"] = new SortedDictionary<string, object?> { ["mode"] = "disabled" },
    });

    public LabResponse Dr(ApiCall call) => Envelope(DrData());

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

        return data;
    }

    private void AddPrimaryFields(SortedDictionary<string, object?> data)
    {
        data["cluster_id"] = state.ClusterId;
        data["corrupted_merkle_tree"] = false;
        data["known_secondaries"] = state.Secondaries.Select(s => s.Id).ToArray();
        data["last_dr_wal"] = state.LastWal;
        data["last_reindex_epoch"] = "0";
        data["last_wal"] = state.LastWal;
        data["merkle_root"] = state.MerkleRoot;
        data["primary_cluster_addr"] = state.PrimaryClusterAddr;
        data["secondaries"] = state.Secondaries.Where(s => s.Activated).Select(s => new OrderedDictionary<string, object?>
        {
            ["api_address"] = s.ApiAddress,
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
        data["corrupted_merkle_tree"] = false;
        data["known_primary_cluster_addrs"] = state.KnownPrimaryClusterAddrs.ToArray();
        data["last_reindex_epoch"] = "0";
        data["last_remote_wal"] = state.LastRemoteWal;
        data["merkle_root"] = state.MerkleRoot;
        data["primaries"] = link is null
            ? []
            : new[]
            {
                new OrderedDictionary<string, object?>
                {
                    ["api_address"] = link.ApiAddress,
                    ["cluster_address"] = link.ClusterAddress,
                    ["connection_status"] = state.LinkConnected(link) ? "connected" : "disconnected",
                    ["last_heartbeat"] = Heartbeat(link.LastHeartbeat),
                },
            };
        data["primary_cluster_addr"] = link?.ClusterAddress ?? "";
        data["secondary_id"] = link?.SecondaryId ?? "";
        data["state"] = state.StateText;
    }

    private string Heartbeat(DateTimeOffset? heartbeat) => heartbeat is { } h ? state.Rfc3339(h) : ZeroTime;
}
