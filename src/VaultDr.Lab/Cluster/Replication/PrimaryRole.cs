using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>A secondary as its primary knows it: made by secondary-token, activated by its first stream call.</summary>
internal sealed class SecondaryEntry(string id, string credential, DateTimeOffset tokenExpiresAt)
{
    public string Id { get; } = id;

    /// <summary>The secret the secondary proves itself with on the replication stream.</summary>
    public string Credential { get; } = credential;

    public DateTimeOffset TokenExpiresAt { get; } = tokenExpiresAt;

    public bool Activated { get; set; }

    public DateTimeOffset? LastHeartbeat { get; set; }

    /// <summary>The secondary's clock minus the primary's, as of its last heartbeat (clock_skew_ms).</summary>
    public TimeSpan ClockSkew { get; set; }

    public string ApiAddress { get; set; } = "";

    public string ClusterAddress { get; set; } = "";
}

/// <summary>A wrapped activation token not yet unwrapped.</summary>
internal sealed record WrappedActivation(string SecondaryId, DateTimeOffset ExpiresAt);

/// <summary>
/// The primary role: sys/replication/dr/primary/{enable, demote, disable, secondary-token, revoke-secondary} and the
/// unwrap of the activation tokens it issued (sys/wrapping/unwrap). Handlers run under the lock.
/// </summary>
internal sealed class PrimaryRole(ClusterState state)
{
    private const string SecondaryTokenPath = "sys/replication/dr/primary/secondary-token";
    private static readonly TimeSpan DefaultActivationTtl = TimeSpan.FromMinutes(30);

    public LabResponse Enable(ApiCall call)
    {
        if (state.Mode == DrModes.Primary)
        {
            return Error(400, VaultMessages.AlreadyPrimary);
        }

        if (state.Mode == DrModes.Secondary)
        {
            return Error(400, VaultMessages.CannotEnablePrimaryOnSecondary);
        }

        state.Mode = DrModes.Primary;
        state.ClusterId = LabCrypto.Uuid();
        state.PrimaryClusterAddrOverride = LabCrypto.ReadString(call.Body, "primary_cluster_addr");
        state.Wrote(); // the replication configuration is a storage write
        return Warnings(VaultMessages.PrimaryEnableWarning);
    }

    /// <summary>Becomes a secondary with no primary, keeping its cluster id, data and WAL for a later update-primary.</summary>
    public LabResponse Demote(ApiCall call)
    {
        if (state.Mode != DrModes.Primary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        state.Mode = DrModes.Secondary;
        state.ForgetSecondaries();
        state.ForgetPrimary();
        state.LastRemoteWal = state.LastWal;
        state.DemotedAwaitingToken = true;
        state.StreamStopped = false;
        return Warnings(VaultMessages.DemoteWarning);
    }

    public LabResponse Disable(ApiCall call)
    {
        if (state.Mode != DrModes.Primary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        state.Mode = DrModes.Disabled;
        state.ClusterId = null;
        state.PrimaryClusterAddrOverride = null;
        state.ForgetSecondaries();
        state.StreamStopped = false;
        return Warnings(VaultMessages.DisableWarning);
    }

    public LabResponse RevokeSecondary(ApiCall call)
    {
        if (state.Mode != DrModes.Primary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        var id = LabCrypto.ReadString(call.Body, "id");
        if (string.IsNullOrEmpty(id))
        {
            return Error(400, VaultMessages.MissingSecondaryId);
        }

        if (state.Secondaries.RemoveAll(s => s.Id == id) > 0)
        {
            foreach (var jti in state.WrappedActivations.Where(w => w.Value.SecondaryId == id).Select(w => w.Key).ToList())
            {
                state.WrappedActivations.Remove(jti);
            }

            state.Wrote();
        }

        return NoContent();
    }

    /// <summary>An activation token: wrapped (a JWT to unwrap here), or sealed for the secondary's public key.</summary>
    public LabResponse SecondaryToken(ApiCall call)
    {
        var body = call.Body;
        if (state.Mode != DrModes.Primary)
        {
            return Error(400, VaultMessages.NotADrPrimary);
        }

        var id = LabCrypto.ReadString(body, "id");
        if (string.IsNullOrEmpty(id))
        {
            return Error(400, VaultMessages.MissingSecondaryId);
        }

        if (!LabCrypto.TryReadDuration(body, "ttl", DefaultActivationTtl, out var ttl, out var raw))
        {
            return Error(400, VaultMessages.InvalidTtl(raw));
        }

        var publicKey = LabCrypto.ReadString(body, "secondary_public_key");
        if (!string.IsNullOrEmpty(publicKey) && !SealedBox.IsValidPublicKey(publicKey))
        {
            return Error(400, VaultMessages.InvalidSecondaryPublicKey);
        }

        var now = state.Now;
        var existing = state.Secondaries.FirstOrDefault(s => s.Id == id);
        if (existing is not null)
        {
            if (existing.Activated || existing.TokenExpiresAt > now)
            {
                return Error(400, VaultMessages.SecondaryIdInUse);
            }

            state.Secondaries.Remove(existing); // an activation token that expired unused frees its id
        }

        var entry = new SecondaryEntry(id, LabCrypto.Base62(32), now + ttl);
        state.Secondaries.Add(entry);
        state.Wrote();

        if (!string.IsNullOrEmpty(publicKey))
        {
            var sealedCredentials = SealedBox.Seal(publicKey, JsonSerializer.SerializeToUtf8Bytes(CredentialsFor(entry), LabCrypto.Json));
            return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["token"] = sealedCredentials });
        }

        var jti = LabCrypto.Uuid();
        var expires = now + ttl;
        state.WrappedActivations[jti] = new WrappedActivation(id, expires);
        var wrapInfo = new OrderedDictionary<string, object?>
        {
            ["token"] = state.Signer.Sign(ClusterState.AddressText(state.ApiAddress), state.OnClock(now), state.OnClock(expires), jti),
            ["accessor"] = LabCrypto.Base62(24),
            ["ttl"] = (long)ttl.TotalSeconds,
            ["creation_time"] = state.Rfc3339(now),
            ["creation_path"] = SecondaryTokenPath,
            ["wrapped_accessor"] = "",
        };
        return Ok(EnvelopeBody(null, wrapInfo: wrapInfo));
    }

    /// <summary>sys/wrapping/unwrap: the only wrapped values the lab issues are activation tokens; each unwraps once.</summary>
    public LabResponse Unwrap(ApiCall call)
    {
        var token = call.Request.Token ?? LabCrypto.ReadString(call.Body, "token");
        if (string.IsNullOrEmpty(token) || state.Signer.Verify(token) is not { } jti || !state.WrappedActivations.Remove(jti, out var wrapped))
        {
            return Error(400, VaultMessages.WrappingTokenInvalid);
        }

        var entry = state.Secondaries.FirstOrDefault(s => s.Id == wrapped.SecondaryId);
        if (wrapped.ExpiresAt <= state.Now || entry is null || state.Mode != DrModes.Primary)
        {
            return Error(400, VaultMessages.WrappingTokenInvalid);
        }

        return Envelope(CredentialsFor(entry));
    }

    private ActivationCredentials CredentialsFor(SecondaryEntry entry) => new(
        state.ClusterId ?? "",
        state.PrimaryClusterAddr,
        ClusterState.AddressText(state.ApiAddress),
        entry.Id,
        entry.Credential,
        state.UnsealKeys.Select(k => LabCrypto.Hex(k)).ToArray(),
        state.RecoverySeal,
        state.RecoveryKeys.Select(k => LabCrypto.Hex(k)).ToArray(),
        state.RootToken,
        state.Store.Clone().Tokens);
}
