using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>A generate-operation-token attempt in progress.</summary>
internal sealed class CeremonyAttempt(string nonce)
{
    public string Nonce { get; } = nonce;

    /// <summary>The OTP the cluster made (1.0 and later, without a PGP key).</summary>
    public string? Otp { get; set; }

    /// <summary>The caller's 16-byte OTP (before 1.0, without a PGP key).</summary>
    public byte[]? LegacyOtp { get; set; }

    public VaultPgpKey? PgpKey { get; set; }

    public string PgpFingerprint { get; set; } = "";

    public List<byte[]> Provided { get; } = [];
}

/// <summary>
/// DR operation tokens on a secondary: the key-share ceremony
/// (sys/replication/dr/secondary/generate-operation-token/{attempt,update}), operation-token/delete, and the check
/// of the <c>dr_operation_token</c> that promote, update-primary and disable carry. Handlers run under the lock; the
/// router has already refused them on anything but a DR secondary.
/// </summary>
internal sealed class OperationTokenCeremony(ClusterState state)
{
    public LabResponse AttemptStatus(ApiCall call) => Status(state.Ceremony, otp: "", encodedToken: "", complete: false);

    public LabResponse Cancel(ApiCall call)
    {
        state.Ceremony = null;
        return NoContent();
    }

    public LabResponse Start(ApiCall call)
    {
        if (state.Ceremony is not null)
        {
            return Error(400, VaultMessages.RootGenerationInProgress);
        }

        var body = call.Body;
        var attempt = new CeremonyAttempt(LabCrypto.Uuid());
        var pgpKey = LabCrypto.ReadString(body, "pgp_key");
        if (!string.IsNullOrEmpty(pgpKey))
        {
            if (!string.IsNullOrEmpty(LabCrypto.ReadString(body, "otp")))
            {
                return Error(400, VaultMessages.OtpAndPgpKey);
            }

            attempt.PgpKey = VaultPgpKey.Parse(pgpKey, out var error);
            if (attempt.PgpKey is null)
            {
                return Error(400, error!);
            }

            attempt.PgpFingerprint = attempt.PgpKey.Fingerprint;
        }
        else if (state.Version.OtpLength == 0)
        {
            var otp = LabCrypto.ReadString(body, "otp");
            if (string.IsNullOrEmpty(otp))
            {
                return Error(400, VaultMessages.LegacyOtpRequired);
            }

            try
            {
                attempt.LegacyOtp = Convert.FromBase64String(otp);
            }
            catch (FormatException)
            {
                return Error(400, VaultMessages.LegacyOtpInvalid);
            }

            if (attempt.LegacyOtp.Length != 16)
            {
                return Error(400, VaultMessages.LegacyOtpInvalid);
            }
        }
        else
        {
            attempt.Otp = LabCrypto.Base62(state.Version.OtpLength);
        }

        state.Ceremony = attempt;
        return Status(attempt, otp: attempt.Otp ?? "", encodedToken: "", complete: false);
    }

    public LabResponse Update(ApiCall call)
    {
        var body = call.Body;
        var key = LabCrypto.ReadString(body, "key");
        if (string.IsNullOrEmpty(key))
        {
            return Error(400, VaultMessages.KeyMustBeSpecified);
        }

        if (!LabCrypto.TryDecodeKey(key, out var share))
        {
            return Error(400, VaultMessages.KeyNotHexOrBase64);
        }

        if (state.Ceremony is not { } attempt)
        {
            return Error(400, VaultMessages.NoRootGenerationInProgress);
        }

        if (LabCrypto.ReadString(body, "nonce") != attempt.Nonce)
        {
            return Error(400, VaultMessages.IncorrectNonce(attempt.Nonce));
        }

        if (attempt.Provided.Any(k => k.AsSpan().SequenceEqual(share)))
        {
            return Error(400, VaultMessages.KeyAlreadyProvided);
        }

        attempt.Provided.Add(share);
        if (attempt.Provided.Count < state.Options.KeyThreshold)
        {
            return Status(attempt, otp: "", encodedToken: "", complete: false);
        }

        // Like Vault, a wrong share shows only when the threshold is reached; the progress is reset. The shares are the
        // seal's: unseal keys with Shamir, recovery keys with auto-unseal (after enable, the primary's either way).
        var valid = attempt.Provided.All(state.IsCurrentKey);
        attempt.Provided.Clear();
        if (!valid)
        {
            return Error(400, state.RecoverySeal ? VaultMessages.RecoveryKeySharesRefused : VaultMessages.UnsealKeySharesRefused);
        }

        var (token, encoded, failure) = OperationTokenEncoding.Issue(attempt, state.Version.OtpLength, state.Clock.UtcDateTime);
        state.Ceremony = null;
        if (encoded is null)
        {
            // Like Vault, no token exists unless it could be handed back; the attempt is over.
            return Error(400, failure!);
        }

        state.OperationTokens.Add(token);
        var done = new CeremonyAttempt(attempt.Nonce) { PgpFingerprint = attempt.PgpFingerprint };
        return Status(done, otp: "", encodedToken: encoded, complete: true);
    }

    /// <summary>sys/replication/dr/secondary/operation-token/delete.</summary>
    public LabResponse Delete(ApiCall call)
    {
        var token = LabCrypto.ReadString(call.Body, "dr_operation_token");
        if (string.IsNullOrEmpty(token))
        {
            return Error(400, VaultMessages.OperationTokenNotProvided);
        }

        // Only ceremony-made tokens can be deleted; a batch token ends with its TTL.
        return state.OperationTokens.Remove(token) ? NoContent() : Error(400, VaultMessages.InvalidOperationToken);
    }

    /// <summary>
    /// Null when the body's <c>dr_operation_token</c> authorises <paramref name="path"/>: a ceremony-made token, or a
    /// (batch) token replicated from the primary whose policies name the path. Otherwise the error to answer.
    /// </summary>
    public LabResponse? Refusal(JsonElement? body, string path)
    {
        var token = LabCrypto.ReadString(body, "dr_operation_token");
        if (string.IsNullOrEmpty(token))
        {
            return Error(400, VaultMessages.OperationTokenNotProvided);
        }

        return state.IsDrOperationToken(token, path) ? null : Error(400, VaultMessages.InvalidOperationToken);
    }

    private LabResponse Status(CeremonyAttempt? attempt, string otp, string encodedToken, bool complete) => Ok(new OrderedDictionary<string, object?>
    {
        ["nonce"] = attempt?.Nonce ?? "",
        ["started"] = attempt is not null,
        ["progress"] = complete ? state.Options.KeyThreshold : attempt?.Provided.Count ?? 0,
        ["required"] = state.Options.KeyThreshold,
        ["complete"] = complete,
        ["encoded_token"] = encodedToken,
        ["encoded_root_token"] = "",
        ["pgp_fingerprint"] = attempt?.PgpFingerprint ?? "",
        ["otp"] = otp,
        ["otp_length"] = state.Version.OtpLength,
    });
}
