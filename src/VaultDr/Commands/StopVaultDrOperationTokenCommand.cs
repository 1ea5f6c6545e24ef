using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Cancels the DR operation token generation attempt in progress, discarding the key shares given so far.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class StopVaultDrOperationTokenCommand : VaultDrChangeCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(connection, "Cancel the DR operation token generation attempt", (cluster, cancellationToken) => cluster.CancelOperationTokenAsync(cancellationToken));
}
