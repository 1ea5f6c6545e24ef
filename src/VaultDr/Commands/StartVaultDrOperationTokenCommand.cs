using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Starts a DR operation token generation attempt on a DR secondary.</summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationTokenProgress))]
public sealed class StartVaultDrOperationTokenCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    /// <summary>Base64 PGP public key: the finished token comes back encrypted for it instead of OTP-encoded.</summary>
    [Parameter]
    public string? PgpKey { get; set; }

    protected override void BeginProcessing() => PgpKey = PgpKey is null ? null : Checked(() => ArgumentChecks.Text(PgpKey, nameof(PgpKey)));

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), "Start a DR operation token generation attempt"))
        {
            return;
        }

        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.StartOperationTokenAsync(PgpKey, null, cancellationToken)));
    }
}
