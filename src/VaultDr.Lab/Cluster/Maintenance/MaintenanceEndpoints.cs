using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// The replication repair paths, each in two forms: sys/replication/{reindex, merkle-check, recover} with a Vault
/// token anywhere but on a DR secondary (the router refuses them there), and
/// sys/replication/dr/secondary/{reindex, merkle-check, recover} on a DR secondary, authorised by the body's
/// dr_operation_token like promote. Handlers run under the lock.
/// </summary>
internal sealed class MaintenanceEndpoints(ClusterState state, OperationTokenCeremony operationTokens)
{
    private const string Secondary = "sys/replication/dr/secondary/";

    public LabResponse Reindex(ApiCall call) => StartReindex(call.Body);

    public LabResponse SecondaryReindex(ApiCall call) => operationTokens.Refusal(call.Body, Secondary + "reindex") ?? StartReindex(call.Body);

    public LabResponse MerkleCheck(ApiCall call) => Check();

    public LabResponse SecondaryMerkleCheck(ApiCall call) => operationTokens.Refusal(call.Body, Secondary + "merkle-check") ?? Check();

    public LabResponse Recover(ApiCall call) => RestartStream();

    public LabResponse SecondaryRecover(ApiCall call) => operationTokens.Refusal(call.Body, Secondary + "recover") ?? RestartStream();

    /// <summary>Starts a reindex (<see cref="ReindexJob"/>); with no delays configured it has completed when this answers.</summary>
    private LabResponse StartReindex(JsonElement? body)
    {
        if (state.Reindex is not null)
        {
            return Error(400, VaultMessages.ReindexInProgress);
        }

        var diff = LabCrypto.ReadBool(body, "diff");
        var force = LabCrypto.ReadBool(body, "force");
        var skipFlush = LabCrypto.ReadBool(body, "skip_flush");
        var store = state.Store;
        var keys = store.Kv.Count + store.Policies.Count + store.Roles.Count + store.Tokens.Count;
        state.Reindex = new ReindexJob(state.Now, state.Options, diff, skipFlush, keys);
        state.Log.Info(state.Now, $"replication.index: starting reindex: diff={Go(diff)} force={Go(force)} skip_flush={Go(skipFlush)}");
        state.CatchUpWithClock();
        return skipFlush ? Warnings(VaultMessages.ReindexWarning, VaultMessages.ReindexSkipFlushWarning) : Warnings(VaultMessages.ReindexWarning);
    }

    /// <summary>Vault's merkle_corruption_report: the root, then the replicated ("1") and local ("2") trees.</summary>
    private LabResponse Check()
    {
        var now = state.Now;
        state.LastCorruptionCheck = now;
        var corrupt = state.Merkle.CorruptTrees;
        if (corrupt.Count > 0)
        {
            state.Log.Warn(now, $"replication.index: merkle check found corrupted merkle trees: {string.Join(", ", corrupt)}");
        }
        else
        {
            state.Log.Info(now, "replication.index: merkle check found no corruption");
        }

        var localHash = LabCrypto.Sha1Hex($"local:{state.Name}:{state.HealthClusterId}:{state.Merkle.DamageOf(MerkleTrees.Local)}");
        var report = new OrderedDictionary<string, object?>
        {
            ["corrupted_root"] = state.Merkle.DamageOf(MerkleTrees.Root) is not null,
            ["corrupted_tree_map"] = new OrderedDictionary<string, object?>
            {
                ["1"] = Tree(MerkleTrees.Replicated, state.ReportedMerkleRoot),
                ["2"] = Tree(MerkleTrees.Local, localHash),
            },
            ["last_corruption_check_epoch"] = LabCrypto.Rfc3339Nano(state.OnClock(now), state.Time.LocalTimeZone),
        };
        return Envelope(new OrderedDictionary<string, object?> { ["merkle_corruption_report"] = report });
    }

    /// <summary>One tree of the report: its corrupt page (with its corrupt subpage), or null when sound.</summary>
    private OrderedDictionary<string, object?> Tree(string tree, string rootHashHex) => new()
    {
        ["corrupted_index_tuples_map"] = state.Merkle.DamageOf(tree) is { } damage
            ? new OrderedDictionary<string, object?>
            {
                [damage.Page.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OrderedDictionary<string, object?>
                {
                    ["corrupted"] = false,
                    ["subpages"] = new[] { damage.Subpage },
                },
            }
            : null,
        ["corrupted_subtree_root"] = false,
        ["root_hash"] = Convert.ToBase64String(Convert.FromHexString(rootHashHex)),
        ["tree_type"] = tree,
    };

    /// <summary>
    /// Restarts replication that stopped syncing: a secondary that is not streaming walks the sync states again; a
    /// primary serves its secondaries again (they reconnect at their next heartbeat).
    /// </summary>
    private LabResponse RestartStream()
    {
        if (state.Mode == DrModes.Disabled)
        {
            return Error(400, VaultMessages.ReplicationNotEnabled);
        }

        var wasStopped = state.StreamStopped;
        state.StreamStopped = false;
        state.Log.Info(state.Now, wasStopped
            ? "replication: recovery requested: restarting the replication stream"
            : "replication: recovery requested: the replication stream is running");
        if (state.Mode == DrModes.Secondary && state.Link is not null && state.SecondaryState != SecondaryStates.StreamWals)
        {
            state.RestartSync();
        }

        return Warnings(VaultMessages.RecoverWarning);
    }

    private static string Go(bool value) => value ? "true" : "false";
}
