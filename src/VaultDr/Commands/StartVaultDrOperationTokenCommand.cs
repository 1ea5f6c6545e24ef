using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;
using VaultDr.Pgp;

namespace VaultDr.Commands;

/// <summary>Starts a DR operation token generation attempt on a DR secondary.</summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationTokenProgress))]
public sealed class StartVaultDrOperationTokenCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    private PgpRecipient? _pgpKey;

    /// <summary>An OpenPGP public key file (armored or binary): the finished token comes back encrypted for it instead of OTP-encoded.</summary>
    [Parameter]
    public string? PgpKeyPath { get; set; }

    /// <summary>The same as base64 of the binary key, as Vault's pgp_key takes it.</summary>
    [Parameter]
    public string? PgpKey { get; set; }

    protected override void BeginProcessing() =>
        _pgpKey = Checked(() => ArgumentChecks.PgpRecipient(PgpKey, PgpKeyPath is null ? null : FileSystemPaths.Resolve(this, PgpKeyPath, nameof(PgpKeyPath)), DateTime.UtcNow), PgpKeyPath ?? PgpKey);

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), "Start a DR operation token generation attempt"))
        {
            return;
        }

        if (_pgpKey is not { } pgpKey)
        {
            WriteObject(Call(connection, (cluster, cancellationToken) => cluster.StartOperationTokenAsync(null, null, cancellationToken)));
            return;
        }

        // The attempt must encrypt for this key: a different pgp_fingerprint in the answer cancels it at once.
        WriteObject(RunWorkflow(async (host, cancellationToken) =>
        {
            var cluster = new DrEndpoints(connection, host.Log);
            var started = await cluster.StartOperationTokenAsync(pgpKey.KeyBase64, null, cancellationToken).ConfigureAwait(false);
            await new OperationTokenCeremony(cluster, host).CheckFingerprintAsync(started, pgpKey, cancellationToken).ConfigureAwait(false);
            return started;
        }));
    }
}
