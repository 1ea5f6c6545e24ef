using System.Security;
using VaultDr.Client;
using VaultDr.Pgp;
using VaultDr.Tokens;

namespace VaultDr.Orchestration;

/// <summary>
/// The DR operation token ceremony, shared by New-VaultDrOperationToken and Invoke-VaultDrFailover: start an attempt
/// (Vault makes the OTP), submit key shares until Vault has enough, decode the token. If the shares run out or a
/// share is refused, the attempt is cancelled so no half-finished attempt is left.
/// </summary>
internal sealed class OperationTokenCeremony
{
    private const int ProgressId = 1;

    private readonly IDrEndpoints _cluster;
    private readonly WorkflowHost _host;

    internal OperationTokenCeremony(IDrEndpoints cluster, WorkflowHost host)
    {
        _cluster = cluster;
        _host = host;
    }

    private VaultDrConnection Connection => _cluster.Connection;

    /// <param name="shares">Unseal (or recovery) key shares, already checked to be hex or base64.</param>
    /// <param name="pgpKey">An OpenPGP public key, already read and checked: the token comes back encrypted for it, not decoded.</param>
    /// <param name="force">Cancel an attempt already in progress instead of refusing.</param>
    internal async Task<OperationToken> RunAsync(IReadOnlyList<SecureString> shares, PgpRecipient? pgpKey, bool force, CancellationToken cancellationToken)
    {
        var current = await _cluster.ReadOperationTokenProgressAsync(cancellationToken).ConfigureAwait(false);
        if (current.Started)
        {
            if (!force)
            {
                throw new VaultDrOperationException(
                    "VaultDrOperationTokenAttemptInProgress",
                    $"A DR operation token attempt is already in progress on {Connection} ({current.Progress} of {current.Required} key shares given). " +
                    "Use -Force to cancel it and start over, or Stop-VaultDrOperationToken.");
            }

            _host.Log.Verbose($"Cancelling the attempt already in progress on {Connection} (-Force).");
            await _cluster.CancelOperationTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        var started = await _cluster.StartOperationTokenAsync(pgpKey?.KeyBase64, null, cancellationToken).ConfigureAwait(false);
        if (pgpKey is not null)
        {
            await CheckFingerprintAsync(started, pgpKey, cancellationToken).ConfigureAwait(false);
        }

        var otp = started.Otp;
        if (pgpKey is null && otp is null && started.OtpLength is null or 0)
        {
            // Vault before 1.0 makes no OTP of its own: it wants the caller's, 16 random bytes in base64.
            _host.Log.Verbose($"{Connection} did not make an OTP (Vault before 1.0); starting again with one of VaultDr's own.");
            await _cluster.CancelOperationTokenAsync(cancellationToken).ConfigureAwait(false);
            otp = LegacyOtp.Create();
            started = await _cluster.StartOperationTokenAsync(null, otp, cancellationToken).ConfigureAwait(false);
        }

        if (started.Nonce is null || (pgpKey is null && otp is null))
        {
            await CancelQuietlyAsync(cancellationToken).ConfigureAwait(false);
            throw new VaultResponseException("Vault started the attempt but did not return its nonce and OTP; the attempt was cancelled.");
        }

        var progress = await SubmitSharesAsync(shares, started, cancellationToken).ConfigureAwait(false);
        if (!progress.Complete || progress.EncodedToken is null)
        {
            await CancelQuietlyAsync(cancellationToken).ConfigureAwait(false);
            throw new VaultDrOperationException(
                "VaultDrNotEnoughKeyShares",
                $"{shares.Count} key share(s) were given but Vault needs {progress.Required} (progress {progress.Progress} of {progress.Required}). " +
                "The attempt was cancelled; no token was generated.");
        }

        if (pgpKey is not null && !FingerprintMatches(progress, pgpKey))
        {
            throw FingerprintMismatch(progress, pgpKey, "The token it generated is encrypted for that key, not yours: do not use it; revoke it on the cluster and find out who changed the key.");
        }

        return pgpKey is not null
            ? new OperationToken { EncodedToken = progress.EncodedToken, PgpFingerprint = progress.PgpFingerprint, Address = Connection.Address }
            : new OperationToken { DrOperationToken = Decode(progress.EncodedToken, otp!), Address = Connection.Address };
    }

    /// <summary>
    /// Vault names the key it will encrypt for (pgp_fingerprint). Anything but the fingerprint of the key read locally
    /// means the key was changed on the way (or the cluster is not what it claims): no share is given to that attempt.
    /// </summary>
    internal async Task CheckFingerprintAsync(OperationTokenProgress started, PgpRecipient pgpKey, CancellationToken cancellationToken)
    {
        if (!FingerprintMatches(started, pgpKey))
        {
            await CancelQuietlyAsync(cancellationToken).ConfigureAwait(false);
            throw FingerprintMismatch(started, pgpKey, "No key share was given to it and the attempt was cancelled. Check the key file and the address, then start again.");
        }
    }

    private static bool FingerprintMatches(OperationTokenProgress progress, PgpRecipient pgpKey) =>
        string.Equals(progress.PgpFingerprint?.Trim(), pgpKey.Fingerprint, StringComparison.OrdinalIgnoreCase);

    private VaultDrOperationException FingerprintMismatch(OperationTokenProgress progress, PgpRecipient pgpKey, string advice) => new(
        "VaultDrPgpFingerprintMismatch",
        $"{Connection} reports that it encrypts for the PGP key '{progress.PgpFingerprint}', but the key given is '{pgpKey.Fingerprint}'. {advice}",
        System.Management.Automation.ErrorCategory.SecurityError);

    private async Task<OperationTokenProgress> SubmitSharesAsync(IReadOnlyList<SecureString> shares, OperationTokenProgress started, CancellationToken cancellationToken)
    {
        var activity = $"Generating a DR operation token on {Connection.Name}";
        var progress = started;
        try
        {
            for (var i = 0; i < shares.Count && !progress.Complete; i++)
            {
                var required = Math.Max(progress.Required, 1);
                _host.Progress(new WorkflowProgress(ProgressId, activity, $"Key shares accepted: {progress.Progress} of {required}", Math.Min(100, 100 * progress.Progress / required)));
                progress = await _cluster.SubmitKeyShareAsync(shares[i], started.Nonce!, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (VaultApiException e) when (KeyShareAdvice.IsRefusal(e))
        {
            await CancelQuietlyAsync(cancellationToken).ConfigureAwait(false);
            throw await WhoseKeysAsync(e, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultDrException)
        {
            await CancelQuietlyAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _host.Progress(new WorkflowProgress(ProgressId, activity, "Done", Completed: true));
        }

        return progress;
    }

    /// <summary>
    /// Vault refused the shares: say which keys this cluster takes, from its seal status and DR status (both
    /// unauthenticated reads; what cannot be read is left out of the advice, never a second error).
    /// </summary>
    private async Task<VaultDrException> WhoseKeysAsync(VaultApiException refusal, CancellationToken cancellationToken)
    {
        VaultSealStatus? seal = null;
        DrStatus? status = null;
        try
        {
            seal = await _cluster.ReadSealStatusAsync(cancellationToken).ConfigureAwait(false);
            status = await _cluster.ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VaultDrException e)
        {
            _host.Log.Verbose($"Could not read which keys {Connection} takes: {e.Message}");
        }

        return KeyShareAdvice.Explain(refusal, Connection, seal, status, attemptCancelled: true);
    }

    private static SecureString Decode(SecureString encoded, SecureString otp)
    {
        try
        {
            return OperationTokenSecrets.Decode(encoded, otp);
        }
        catch (TokenFormatException e)
        {
            throw new VaultResponseException($"Vault's encoded token could not be decoded with the attempt's OTP: {e.Message}", e);
        }
    }

    /// <summary>Best effort: the caller is already reporting the real failure.</summary>
    private async Task CancelQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _cluster.CancelOperationTokenAsync(cancellationToken).ConfigureAwait(false);
            _host.Log.Verbose($"Cancelled the DR operation token attempt on {Connection}.");
        }
        catch (VaultDrException e)
        {
            _host.Log.Warning($"Could not cancel the DR operation token attempt on {Connection}: {e.Message} Cancel it with Stop-VaultDrOperationToken.");
        }
    }
}
