using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Deletes a DR operation token. They have no TTL, so delete each one when the operation is done.</summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class RevokeVaultDrOperationTokenCommand : VaultDrOperationTokenCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(connection, "Delete the DR operation token", (cluster, cancellationToken) => cluster.DeleteOperationTokenAsync(token, cancellationToken));
    }
}
