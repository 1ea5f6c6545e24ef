using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.Tokens;

namespace VaultDr.Commands;

/// <summary>Decodes an OTP-encoded DR operation token locally (modern and pre-1.0 legacy encodings).</summary>
[Cmdlet(VerbsSecurity.Unprotect, "VaultDrOperationToken")]
[OutputType(typeof(OperationToken))]
[OutputType(typeof(string))]
public sealed class UnprotectVaultDrOperationTokenCommand : VaultDrCmdlet
{
    /// <summary>encoded_token from the final key share's answer; plain text is accepted, it is useless without the OTP.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [EncodedTextTransformation]
    public SecureString EncodedToken { get; set; } = new();

    /// <summary>The OTP from Start-VaultDrOperationToken's answer.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [SecretTransformation]
    public SecureString Otp { get; set; } = new();

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var encoded = ArgumentChecks.Secret(EncodedToken, nameof(EncodedToken));
            var otp = ArgumentChecks.Secret(Otp, nameof(Otp));
            var token = OperationTokenSecrets.Decode(encoded, otp);
            WriteObject(AsPlainText ? SecretText.Reveal(token) : new OperationToken { DrOperationToken = token });
        }
        catch (TokenFormatException e)
        {
            WriteFailure(new VaultDrArgumentException("VaultDrInvalidEncodedToken", e.Message, e), null);
        }
        catch (VaultDrException e)
        {
            WriteFailure(e, null);
        }
    }
}
