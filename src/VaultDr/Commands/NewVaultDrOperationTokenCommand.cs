using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.Orchestration;
using VaultDr.Pgp;

namespace VaultDr.Commands;

/// <summary>
/// Runs the whole DR operation token ceremony on a DR secondary: start an attempt (Vault makes the OTP),
/// submit key shares until Vault has enough, decode the token. If the shares run out first, the attempt
/// is cancelled so no half-finished attempt is left behind. With -PgpKeyPath (or -PgpKey) the token comes back
/// encrypted for that OpenPGP key instead, for Unprotect-VaultDrOperationToken -PgpPrivateKeyPath (or gpg) to open.
/// </summary>
[Cmdlet(VerbsCommon.New, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationToken))]
[OutputType(typeof(string))]
public sealed class NewVaultDrOperationTokenCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    private readonly List<SecureString> _shares = new();
    private PgpRecipient? _pgpKey;

    /// <summary>Key shares come by value from the pipeline, so -Connection binds by property name only.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionSet, ValueFromPipelineByPropertyName = true)]
    [VaultDrConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public override VaultDrConnection[] Connection { get; set; } = Array.Empty<VaultDrConnection>();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [SecretTransformation]
    [ValidateNotNullOrEmpty]
    public SecureString[] KeyShare { get; set; } = Array.Empty<SecureString>();

    /// <summary>An OpenPGP public key file (armored or binary): the token comes back encrypted for it (EncodedToken) instead of decoded.</summary>
    [Parameter]
    public string? PgpKeyPath { get; set; }

    /// <summary>The same as base64 of the binary key, as Vault's pgp_key takes it.</summary>
    [Parameter]
    public string? PgpKey { get; set; }

    /// <summary>Cancel an attempt already in progress (someone else's, or a stale one) before starting.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    /// <summary>On an Azure Pipelines agent: also store the token in this secret pipeline variable.</summary>
    [Parameter]
    public string? AzDevOpsVariable { get; set; }

    protected override void BeginProcessing()
    {
        _pgpKey = Checked(() => ArgumentChecks.PgpRecipient(PgpKey, PgpKeyPath is null ? null : FileSystemPaths.Resolve(this, PgpKeyPath, nameof(PgpKeyPath)), DateTime.UtcNow), PgpKeyPath ?? PgpKey);
        Checked(() => AzureDevOpsReporter.CheckVariableName(AzDevOpsVariable), AzDevOpsVariable);
    }

    protected override void ProcessRecord()
    {
        foreach (var share in KeyShare)
        {
            Checked(() => ArgumentChecks.KeyShare(share));
            _shares.Add(share);
        }
    }

    protected override void EndProcessing()
    {
        if (_shares.Count == 0)
        {
            // Only the pipeline can leave -KeyShare empty: an empty list piped in, such as the UnsealKeys of a lab cluster
            // started with -PgpKeyPath, whose shares exist only encrypted.
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrNoKeyShares",
                    "No key share came through the pipeline, so no ceremony was started. Pipe in the key shares (SecureStrings). " +
                    "Shares encrypted with PGP (vault operator init -pgp-keys, or a lab cluster's EncryptedUnsealKeys) must be decrypted first: pipe them through Unprotect-VaultDrKeyShare."),
                null);
        }

        base.ProcessRecord();
    }

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), $"Generate a DR operation token from {_shares.Count} key share(s)"))
        {
            return;
        }

        var token = RunWorkflow((host, cancellationToken) => new OperationTokenCeremony(new DrEndpoints(connection, host.Log), host).RunAsync(_shares, _pgpKey, Force, cancellationToken));
        Streams.Warning($"DR operation tokens do not expire. Delete this one with Revoke-VaultDrOperationToken when the operation on {connection.Name} is done.");
        if (AzDevOpsVariable is not null)
        {
            Agent.SetSecret(AzDevOpsVariable, token.DrOperationToken ?? token.EncodedToken!);
        }

        WriteObject(AsPlainText ? SecretText.Reveal(token.DrOperationToken ?? token.EncodedToken!) : token);
    }
}
