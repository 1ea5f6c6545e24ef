using System.Security.Cryptography;
using System.Text;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// The primary's side of the replication stream, on the cluster listener (a protocol internal to the lab):
/// POST /replication/stream with
///   {"secondary_id","credential","cluster_id","last_remote_wal","merkle_root","api_address","cluster_address","clock_offset_ms"}
/// answered with 200
///   {"cluster_id","api_address","cluster_address","last_wal","merkle_root","merkle_corrupted","store":&lt;ReplicatedStore&gt;|null,"clock_offset_ms"}
/// (clock_offset_ms: how far the sender's clock runs from the machine's. The lab's clusters share one machine clock,
/// so each side tells its offset and the other takes the difference as the clock skew; a real cluster estimates it
/// from the heartbeat's timestamps, which here would only add the loopback's jitter.)
/// (store only when the secondary's WAL or merkle root differs; merkle_corrupted when the primary's replicated tree
/// or root is corrupt), 403 for a revoked / unknown secondary or a wrong credential, 400 when the answering cluster
/// is not a DR primary or belongs to another cluster id, 503 when sealed or while its replication has stopped
/// syncing. One call is both the heartbeat and the WAL stream; <see cref="ReplicationLoop"/> makes it.
/// POST /replication/ping with {"cluster_id"} is update_primary_addrs' ping: 200 {"cluster_id","api_address",
/// "cluster_address"} from a primary, 400 otherwise, 503 when sealed.
/// </summary>
internal sealed class ReplicationStream(ClusterState state)
{
    public const string Path = "/replication/stream";

    public const string PingPath = "/replication/ping";

    /// <summary>
    /// The cluster listener's routes. The stream answers sealed and secondary clusters itself, in the protocol's
    /// order (after the method check), so no gate applies.
    /// </summary>
    public RouteTable Routes()
    {
        var table = new RouteTable();
        table.Exact(Path.TrimStart('/'), RouteAccess.Open, GateExemptions.Sealed | GateExemptions.DrSecondary).On(ApiMethods.Post, Answer);
        table.Exact(PingPath.TrimStart('/'), RouteAccess.Open, GateExemptions.Sealed | GateExemptions.DrSecondary).On(ApiMethods.Post, Ping);
        return table;
    }

    /// <summary>Runs under the lock.</summary>
    public LabResponse Answer(ApiCall call)
    {
        var body = call.Body;
        if (state.Sealed)
        {
            return Error(503, VaultMessages.Sealed);
        }

        if (state.Mode != DrModes.Primary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        if (LabCrypto.ReadString(body, "cluster_id") != state.ClusterId)
        {
            return Error(400, InternalMessages.ClusterIdMismatch);
        }

        if (state.StreamStopped)
        {
            return Error(503, InternalMessages.StreamStopped);
        }

        var id = LabCrypto.ReadString(body, "secondary_id");
        var credential = LabCrypto.ReadString(body, "credential") ?? "";
        var entry = state.Secondaries.FirstOrDefault(s => s.Id == id);
        if (entry is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(entry.Credential), Encoding.UTF8.GetBytes(credential)))
        {
            return Error(403, InternalMessages.SecondaryRevoked);
        }

        entry.Activated = true;
        entry.LastHeartbeat = state.Now;
        entry.ClockSkew = ReadClockOffset(body) - state.ClockSkew;
        entry.ApiAddress = LabCrypto.ReadString(body, "api_address") ?? "";
        entry.ClusterAddress = LabCrypto.ReadString(body, "cluster_address") ?? "";
        var remoteWal = body is { } b && b.TryGetProperty("last_remote_wal", out var w) && w.TryGetInt64(out var n) ? n : -1;
        var upToDate = remoteWal == state.LastWal && LabCrypto.ReadString(body, "merkle_root") == state.MerkleRoot;
        return Ok(new OrderedDictionary<string, object?>
        {
            ["cluster_id"] = state.ClusterId,
            ["api_address"] = ClusterState.AddressText(state.ApiAddress),
            ["cluster_address"] = state.PrimaryClusterAddr,
            ["last_wal"] = state.LastWal,
            ["merkle_root"] = state.MerkleRoot,
            ["merkle_corrupted"] = state.Merkle.BreaksReplication,
            ["store"] = upToDate ? null : state.Store,
            ["clock_offset_ms"] = (long)state.ClockSkew.TotalMilliseconds,
        });
    }

    /// <summary>The clock_offset_ms a peer sent (none: the machine's clock).</summary>
    public static TimeSpan ReadClockOffset(System.Text.Json.JsonElement? body) =>
        body is { } b && b.TryGetProperty("clock_offset_ms", out var offset) && offset.TryGetInt64(out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;

    /// <summary>Runs under the lock.</summary>
    public LabResponse Ping(ApiCall call)
    {
        if (state.Sealed)
        {
            return Error(503, VaultMessages.Sealed);
        }

        return state.Mode != DrModes.Primary
            ? Error(400, VaultMessages.NotADrPrimary)
            : Ok(new OrderedDictionary<string, object?>
            {
                ["cluster_id"] = state.ClusterId,
                ["api_address"] = ClusterState.AddressText(state.ApiAddress),
                ["cluster_address"] = state.PrimaryClusterAddr,
            });
    }
}

/// <summary>Texts of the lab's internal cluster-listener protocol (never shown by Vault's API).</summary>
internal static class InternalMessages
{
    public const string ClusterIdMismatch = "replication stream refused: cluster id mismatch";
    public const string SecondaryRevoked = "replication stream refused: secondary revoked or unknown";
    public const string StreamStopped = "replication stream refused: replication on this primary has stopped syncing (sys/replication/recover restarts it)";
}
