using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Deletes a DR operation token. They have no TTL, so delete each one when the operation is done.</summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class RevokeVaultDrOperationTokenCommand : VaultDrOperationTokenCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(connection, "Delete the DR operation token", (cluster, cancellationToken) => cluster.DeleteOperationTokenAsync(token, cancellationToken));
    }
}
