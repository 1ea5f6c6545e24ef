using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.OpenPgp;
using VaultDr.Pgp;

namespace VaultDr.Commands;

/// <summary>
/// Decrypts key shares that Vault encrypted for PGP keys (vault operator init or rekey with -pgp-keys) with the key
/// holder's private key, into SecureString shares that pipe into New-VaultDrOperationToken or Submit-VaultDrKeyShare.
/// </summary>
[Cmdlet(VerbsSecurity.Unprotect, "VaultDrKeyShare")]
[OutputType(typeof(SecureString))]
[OutputType(typeof(string))]
public sealed class UnprotectVaultDrKeyShareCommand : VaultDrCmdlet
{
    private IReadOnlyList<PgpPrivateKeyFile> _keys = [];

    /// <summary>
    /// An encrypted share: hex (keys) or base64 (keys_base64) of the OpenPGP message, or the message armored. Plain text:
    /// without the private key it is no secret, and it is printed by vault operator init for everyone to see.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] EncryptedKeyShare { get; set; } = [];

    /// <summary>The private key file(s): each share is decrypted with whichever key it was encrypted for.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] PgpPrivateKeyPath { get; set; } = [];

    /// <summary>The private key's passphrase, when it has one.</summary>
    [Parameter]
    [SecretTransformation]
    public SecureString? PgpPassphrase { get; set; }

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void BeginProcessing() =>
        _keys = Checked(() => PgpKeyFiles.ReadPrivateKeyFiles(PgpPrivateKeyPath.Select(p => FileSystemPaths.Resolve(this, p, nameof(PgpPrivateKeyPath))).ToArray(), nameof(PgpPrivateKeyPath)));

    protected override void ProcessRecord()
    {
        foreach (var encrypted in EncryptedKeyShare)
        {
            try
            {
                var share = PgpSecrets.DecryptKeyShare(encrypted, _keys, PgpPassphrase);
                WriteObject(AsPlainText ? SecretText.Reveal(share) : share);
            }
            catch (VaultDrException e)
            {
                // One share that does not open (another holder's key) does not stop the others.
                WriteFailure(e, null);
            }
        }
    }
}
