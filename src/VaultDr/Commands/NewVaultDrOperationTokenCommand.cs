using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.Tokens;

namespace VaultDr.Commands;

/// <summary>
/// Runs the whole DR operation token ceremony on a DR secondary: start an attempt (Vault makes the OTP),
/// submit key shares until Vault has enough, decode the token. If the shares run out first, the attempt
/// is cancelled so no half-finished attempt is left behind.
/// </summary>
[Cmdlet(VerbsCommon.New, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationToken))]
[OutputType(typeof(string))]
public sealed class NewVaultDrOperationTokenCommand : VaultDrConnectedCmdlet
{
    private readonly List<SecureString> _shares = new();

    /// <summary>Key shares come by value from the pipeline, so -Connection binds by property name only.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public override VaultDrConnection[] Connection { get; set; } = Array.Empty<VaultDrConnection>();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public SecureString[] KeyShare { get; set; } = Array.Empty<SecureString>();

    /// <summary>Base64 PGP public key: the token comes back encrypted for it (EncodedToken) instead of decoded.</summary>
    [Parameter]
    public string? PgpKey { get; set; }

    /// <summary>Cancel an attempt already in progress (someone else's, or a stale one) before starting.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void BeginProcessing() => PgpKey = PgpKey is null ? null : Checked(() => ArgumentChecks.Text(PgpKey, nameof(PgpKey)));

    protected override void ProcessRecord()
    {
        foreach (var share in KeyShare)
        {
            Checked(() => ArgumentChecks.KeyShare(share));
            _shares.Add(share);
        }
    }

    protected override void EndProcessing() => base.ProcessRecord();

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!ShouldChange(connection.ToString(), $"Generate a DR operation token from {_shares.Count} key share(s)"))
        {
            return;
        }

        var current = OperationTokenCalls.ReadProgress(this, connection);
        if (current.Started)
        {
            if (!Force)
            {
                throw new VaultDrOperationException(
                    "VaultDrOperationTokenAttemptInProgress",
                    $"A DR operation token attempt is already in progress on {connection} ({current.Progress} of {current.Required} key shares given). " +
                    "Use -Force to cancel it and start over, or Stop-VaultDrOperationToken.");
            }

            WriteVerbose($"Cancelling the attempt already in progress on {connection} (-Force).");
            OperationTokenCalls.Cancel(this, connection);
        }

        var started = OperationTokenCalls.Start(this, connection, PgpKey);
        var otp = started.Otp;
        if (PgpKey is null && otp is null && started.OtpLength is null or 0)
        {
            // Vault before 1.0 makes no OTP of its own: it wants the caller's, 16 random bytes in base64.
            WriteVerbose($"{connection} did not make an OTP (Vault before 1.0); starting again with one of VaultDr's own.");
            OperationTokenCalls.Cancel(this, connection);
            otp = LegacyOtp.Create();
            started = OperationTokenCalls.Start(this, connection, null, otp);
        }

        if (started.Nonce is null || (PgpKey is null && otp is null))
        {
            CancelQuietly(connection);
            throw new VaultResponseException("Vault started the attempt but did not return its nonce and OTP; the attempt was cancelled.");
        }

        var progress = SubmitShares(connection, started);
        if (!progress.Complete || progress.EncodedToken is null)
        {
            CancelQuietly(connection);
            throw new VaultDrOperationException(
                "VaultDrNotEnoughKeyShares",
                $"{_shares.Count} key share(s) were given but Vault needs {progress.Required} (progress {progress.Progress} of {progress.Required}). " +
                "The attempt was cancelled; no token was generated.");
        }

        var token = PgpKey is not null
            ? new OperationToken { EncodedToken = progress.EncodedToken, PgpFingerprint = progress.PgpFingerprint, Address = connection.Address }
            : new OperationToken { DrOperationToken = Decode(progress.EncodedToken, otp!), Address = connection.Address };
        WriteWarning($"DR operation tokens do not expire. Delete this one with Revoke-VaultDrOperationToken when the operation on {connection.Name} is done.");
        WriteObject(AsPlainText ? SecretText.Reveal(token.DrOperationToken ?? token.EncodedToken!) : token);
    }

    private OperationTokenProgress SubmitShares(VaultDrConnection connection, OperationTokenProgress started)
    {
        var activity = $"Generating a DR operation token on {connection.Name}";
        var progress = started;
        try
        {
            for (var i = 0; i < _shares.Count && !progress.Complete; i++)
            {
                var required = Math.Max(progress.Required, 1);
                WriteProgress(new ProgressRecord(1, activity, $"Key shares accepted: {progress.Progress} of {required}")
                {
                    PercentComplete = Math.Min(100, 100 * progress.Progress / required),
                });
                progress = OperationTokenCalls.Submit(this, connection, _shares[i], started.Nonce!);
            }
        }
        catch (VaultDrException)
        {
            CancelQuietly(connection);
            throw;
        }
        finally
        {
            WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
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
    private void CancelQuietly(VaultDrConnection connection)
    {
        try
        {
            OperationTokenCalls.Cancel(this, connection);
            WriteVerbose($"Cancelled the DR operation token attempt on {connection}.");
        }
        catch (VaultDrException e)
        {
            WriteWarning($"Could not cancel the DR operation token attempt on {connection}: {e.Message} Cancel it with Stop-VaultDrOperationToken.");
        }
    }
}
