using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Deletes a DR operation token. They have no TTL, so delete each one when the operation is done.</summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class RevokeVaultDrOperationTokenCommand : VaultDrChangeCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SecureString DrOperationToken { get; set; } = new();

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        Change(
            connection,
            new VaultRequest(HttpMethod.Post, "sys/replication/dr/secondary/operation-token/delete").With("dr_operation_token", DrOperationToken),
            "Delete the DR operation token");
    }
}
