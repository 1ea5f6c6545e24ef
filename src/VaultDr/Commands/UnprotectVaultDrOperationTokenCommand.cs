using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.Pgp;
using VaultDr.Tokens;

namespace VaultDr.Commands;

/// <summary>
/// Turns an encoded DR operation token into the token, locally: with the attempt's OTP (modern and pre-1.0 legacy
/// encodings), or, for a token encrypted for a PGP key, with that key's private key.
/// </summary>
[Cmdlet(VerbsSecurity.Unprotect, "VaultDrOperationToken", DefaultParameterSetName = OtpSet)]
[OutputType(typeof(OperationToken))]
[OutputType(typeof(string))]
public sealed class UnprotectVaultDrOperationTokenCommand : VaultDrCmdlet
{
    private const string OtpSet = "Otp";
    private const string PgpSet = "Pgp";

    /// <summary>encoded_token from the final key share's answer; plain text is accepted, it is useless without the OTP or the private key.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [EncodedTextTransformation]
    public SecureString EncodedToken { get; set; } = new();

    /// <summary>The OTP from Start-VaultDrOperationToken's answer.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = OtpSet)]
    [SecretTransformation]
    public SecureString Otp { get; set; } = new();

    /// <summary>The private key file(s) of the PGP key the token was encrypted for (armored or binary; gpg --export-secret-keys).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PgpSet)]
    [ValidateNotNullOrEmpty]
    public string[] PgpPrivateKeyPath { get; set; } = [];

    /// <summary>The private key's passphrase, when it has one.</summary>
    [Parameter(ParameterSetName = PgpSet)]
    [SecretTransformation]
    public SecureString? PgpPassphrase { get; set; }

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var encoded = ArgumentChecks.Secret(EncodedToken, nameof(EncodedToken));
            var token = ParameterSetName == PgpSet
                ? PgpSecrets.DecryptOperationToken(encoded, PgpKeyFiles.ReadPrivateKeyFiles(PgpPrivateKeyPath.Select(p => FileSystemPaths.Resolve(this, p, nameof(PgpPrivateKeyPath))), nameof(PgpPrivateKeyPath)), PgpPassphrase)
                : OperationTokenSecrets.Decode(encoded, ArgumentChecks.Secret(Otp, nameof(Otp)));
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
