using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.Tokens;

namespace VaultDr.Commands;

/// <summary>
/// The DR operation token ceremony, shared by New-VaultDrOperationToken and Invoke-VaultDrFailover: start
/// an attempt (Vault makes the OTP), submit key shares until Vault has enough, decode the token. If the
/// shares run out or a share is refused, the attempt is cancelled so no half-finished attempt is left.
/// </summary>
internal static class OperationTokenCeremony
{
    internal static OperationToken Run(VaultDrCmdlet cmdlet, VaultDrConnection connection, IReadOnlyList<SecureString> shares, string? pgpKey, bool force)
    {
        var current = OperationTokenCalls.ReadProgress(cmdlet, connection);
        if (current.Started)
        {
            if (!force)
            {
                throw new VaultDrOperationException(
                    "VaultDrOperationTokenAttemptInProgress",
                    $"A DR operation token attempt is already in progress on {connection} ({current.Progress} of {current.Required} key shares given). " +
                    "Use -Force to cancel it and start over, or Stop-VaultDrOperationToken.");
            }

            cmdlet.WriteVerbose($"Cancelling the attempt already in progress on {connection} (-Force).");
            OperationTokenCalls.Cancel(cmdlet, connection);
        }

        var started = OperationTokenCalls.Start(cmdlet, connection, pgpKey);
        var otp = started.Otp;
        if (pgpKey is null && otp is null && started.OtpLength is null or 0)
        {
            // Vault before 1.0 makes no OTP of its own: it wants the caller's, 16 random bytes in base64.
            cmdlet.WriteVerbose($"{connection} did not make an OTP (Vault before 1.0); starting again with one of VaultDr's own.");
            OperationTokenCalls.Cancel(cmdlet, connection);
            otp = LegacyOtp.Create();
            started = OperationTokenCalls.Start(cmdlet, connection, null, otp);
        }

        if (started.Nonce is null || (pgpKey is null && otp is null))
        {
            CancelQuietly(cmdlet, connection);
            throw new VaultResponseException("Vault started the attempt but did not return its nonce and OTP; the attempt was cancelled.");
        }

        var progress = SubmitShares(cmdlet, connection, shares, started);
        if (!progress.Complete || progress.EncodedToken is null)
        {
            CancelQuietly(cmdlet, connection);
            throw new VaultDrOperationException(
                "VaultDrNotEnoughKeyShares",
                $"{shares.Count} key share(s) were given but Vault needs {progress.Required} (progress {progress.Progress} of {progress.Required}). " +
                "The attempt was cancelled; no token was generated.");
        }

        return pgpKey is not null
            ? new OperationToken { EncodedToken = progress.EncodedToken, PgpFingerprint = progress.PgpFingerprint, Address = connection.Address }
            : new OperationToken { DrOperationToken = Decode(progress.EncodedToken, otp!), Address = connection.Address };
    }

    private static OperationTokenProgress SubmitShares(VaultDrCmdlet cmdlet, VaultDrConnection connection, IReadOnlyList<SecureString> shares, OperationTokenProgress started)
    {
        var activity = $"Generating a DR operation token on {connection.Name}";
        var progress = started;
        try
        {
            for (var i = 0; i < shares.Count && !progress.Complete; i++)
            {
                var required = Math.Max(progress.Required, 1);
                cmdlet.WriteProgress(new ProgressRecord(1, activity, $"Key shares accepted: {progress.Progress} of {required}")
                {
                    PercentComplete = Math.Min(100, 100 * progress.Progress / required),
                });
                progress = OperationTokenCalls.Submit(cmdlet, connection, shares[i], started.Nonce!);
            }
        }
        catch (VaultDrException)
        {
            CancelQuietly(cmdlet, connection);
            throw;
        }
        finally
        {
            cmdlet.WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        return progress;
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
    private static void CancelQuietly(VaultDrCmdlet cmdlet, VaultDrConnection connection)
    {
        try
        {
            OperationTokenCalls.Cancel(cmdlet, connection);
            cmdlet.WriteVerbose($"Cancelled the DR operation token attempt on {connection}.");
        }
        catch (VaultDrException e)
        {
            cmdlet.WriteWarning($"Could not cancel the DR operation token attempt on {connection}: {e.Message} Cancel it with Stop-VaultDrOperationToken.");
        }
    }
}
