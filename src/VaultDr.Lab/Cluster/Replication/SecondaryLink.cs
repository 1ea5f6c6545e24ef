using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>A secondary's link to its primary, as its heartbeats (<see cref="ReplicationLoop"/>) see it.</summary>
internal sealed class PrimaryLink(string apiAddress, string clusterAddress, string secondaryId, string credential)
{
    public string ApiAddress { get; set; } = apiAddress;

    public string ClusterAddress { get; set; } = clusterAddress;

    public string SecondaryId { get; } = secondaryId;

    public string Credential { get; } = credential;

    public bool Connected { get; set; }

    public bool EverConnected { get; set; }

    public DateTimeOffset? LastHeartbeat { get; set; }

    /// <summary>The primary's clock minus the secondary's, as of the primary's last answer (clock_skew_ms).</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>The primary's WAL index and merkle root in its last answer.</summary>
    public long SeenWal { get; set; }

    public string? SeenMerkle { get; set; }

    /// <summary>The primary's store from its last answer, applied when the secondary has caught up.</summary>
    public string? PendingStore { get; set; }

    /// <summary>The primary said its replicated merkle tree (or root) is corrupt: no merkle diff with it comes out clean.</summary>
    public bool PrimaryTreeCorrupt { get; set; }
}

/// <summary>Who a secondary is to its primary: the id and stream credential its activation token carried.</summary>
internal sealed record StreamIdentity(string SecondaryId, string Credential);

/// <summary>
/// How a DR secondary joins, changes and leaves its primary: sys/replication/dr/secondary/{enable, update-primary,
/// promote, disable}. Enable and update-primary redeem an activation token (a peer call), so they take the lock
/// only for their checks and their state change; promote and disable run under the lock.
/// </summary>
internal sealed class SecondaryLink(ClusterState state, ActivationTokenRedeemer activation, OperationTokenCeremony operationTokens, PrimaryAddressUpdate addressUpdate)
{
    private const string UpdatePrimaryPath = "sys/replication/dr/secondary/update-primary";
    private const string PromotePath = "sys/replication/dr/secondary/promote";
    private const string DisablePath = "sys/replication/dr/secondary/disable";

    public async Task<LabResponse> EnableAsync(ApiCall call, CancellationToken cancellationToken)
    {
        string token;
        lock (state.Gate)
        {
            if (NotDisabled() is { } refused)
            {
                return refused;
            }

            token = LabCrypto.ReadString(call.Body, "token") ?? "";
            if (token.Length == 0)
            {
                return Error(400, VaultMessages.MissingActivationToken);
            }
        }

        var (credentials, failure) = await activation.RedeemAsync(token, LabCrypto.ReadString(call.Body, "primary_api_addr"), cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        lock (state.Gate)
        {
            if (NotDisabled() is { } refused)
            {
                return refused;
            }

            // Wipe: the secondary keeps nothing of its own; data arrives by replication.
            state.Store = new ReplicatedStore { Tokens = credentials!.TokenStore };
            state.MerkleRoot = state.Store.MerkleRoot();
            state.LastWal = 0;
            state.LastRemoteWal = 0;
            state.RecoverySeal = credentials.RecoverySeal;
            state.UnsealKeys = credentials.UnsealKeysHex.Select(Convert.FromHexString).ToList();
            state.RecoveryKeys = (credentials.RecoveryKeysHex ?? []).Select(Convert.FromHexString).ToList();
            state.RootToken = credentials.RootToken;
            state.ClusterId = credentials.ClusterId;
            state.Mode = DrModes.Secondary;
            state.PrimaryClusterAddrOverride = null;
            state.ForgetSecondaries();
            state.OperationTokens.Clear();
            state.Ceremony = null;
            state.UnsealProgress.Clear();
            state.SecondaryKey?.Dispose();
            state.SecondaryKey = null;
            Follow(credentials);
            return Warnings(VaultMessages.SecondaryEnableWarning);
        }
    }

    /// <summary>
    /// Follows another primary of the same replication set, keeping the data; an empty token forgets the primary;
    /// update_primary_addrs (instead of a token) re-points it at its primary's cluster addresses.
    /// </summary>
    public async Task<LabResponse> UpdatePrimaryAsync(ApiCall call, CancellationToken cancellationToken)
    {
        string token;
        List<string> addresses;
        lock (state.Gate)
        {
            if (NotSecondary() is { } refused)
            {
                return refused;
            }

            if (operationTokens.Refusal(call.Body, UpdatePrimaryPath) is { } error)
            {
                return error;
            }

            token = LabCrypto.ReadString(call.Body, "token") ?? "";
            addresses = LabCrypto.ReadStringList(call.Body, "update_primary_addrs");
            if (addresses.Count > 0 && PrimaryAddressUpdate.Refusal(state, token) is { } addressError)
            {
                return addressError;
            }

            if (addresses.Count == 0 && token.Length == 0)
            {
                // Stay a secondary, forget the primary (and stop trying to reach it).
                // UNCONFIRMED: 204 for the clearing form.
                state.ForgetPrimary();
                return NoContent();
            }
        }

        if (addresses.Count > 0)
        {
            return await addressUpdate.ApplyAsync(addresses, cancellationToken).ConfigureAwait(false);
        }

        var (credentials, failure) = await activation.RedeemAsync(token, LabCrypto.ReadString(call.Body, "primary_api_addr"), cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        lock (state.Gate)
        {
            if (NotSecondary() is { } refused)
            {
                return refused;
            }

            if (!string.Equals(credentials!.ClusterId, state.ClusterId, StringComparison.Ordinal))
            {
                return Error(400, VaultMessages.ClusterIdMismatch);
            }

            // No wipe: the data stays and is brought in line with the new primary by the sync.
            Follow(credentials);
            return Warnings(VaultMessages.UpdatePrimaryWarning);
        }
    }

    /// <summary>Becomes a primary; without force, refused while connected to a primary it has not caught up with.</summary>
    public LabResponse Promote(ApiCall call)
    {
        if (operationTokens.Refusal(call.Body, PromotePath) is { } error)
        {
            return error;
        }

        if (!LabCrypto.ReadBool(call.Body, "force") && state.Link is { } link && state.LinkConnected(link)
            && (state.SecondaryState != SecondaryStates.StreamWals || state.IsBehind(link)))
        {
            return Error(503, VaultMessages.PromoteNotCaughtUp);
        }

        state.Mode = DrModes.Primary;
        state.LastWal = Math.Max(state.LastWal, state.LastRemoteWal);
        state.ForgetPrimary();
        state.Identity = null;
        state.DemotedAwaitingToken = false;
        state.StreamStopped = false;
        state.PrimaryClusterAddrOverride = LabCrypto.ReadString(call.Body, "primary_cluster_addr");
        state.OperationTokens.Clear();
        state.Ceremony = null;
        state.Wrote();
        return Warnings(VaultMessages.PromoteWarning);
    }

    public LabResponse Disable(ApiCall call)
    {
        if (operationTokens.Refusal(call.Body, DisablePath) is { } error)
        {
            return error;
        }

        state.Mode = DrModes.Disabled;
        state.ClusterId = null;
        state.ForgetPrimary();
        state.Identity = null;
        state.DemotedAwaitingToken = false;
        state.StreamStopped = false;
        state.OperationTokens.Clear();
        state.Ceremony = null;
        return Warnings(VaultMessages.DisableWarning);
    }

    private LabResponse? NotDisabled() => state.Mode switch
    {
        DrModes.Primary => Error(400, VaultMessages.CannotEnableSecondaryOnPrimary),
        DrModes.Secondary => Error(400, VaultMessages.AlreadySecondary),
        _ => null,
    };

    /// <summary>
    /// The router checked the role, but an unlocked handler takes the lock afresh (and again after its peer call):
    /// the role may have changed meanwhile.
    /// </summary>
    private LabResponse? NotSecondary() => state.Mode == DrModes.Secondary ? null : Error(400, VaultMessages.NotADrSecondary);

    /// <summary>An activation token points the secondary at its (new) primary; it is no longer a newly demoted one.</summary>
    private void Follow(ActivationCredentials credentials)
    {
        state.Follow(new PrimaryLink(credentials.PrimaryApiAddr, credentials.PrimaryClusterAddr, credentials.SecondaryId, credentials.Credential), [credentials.PrimaryClusterAddr]);
        state.DemotedAwaitingToken = false;
    }
}
