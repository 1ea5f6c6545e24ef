using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Turns DR replication off on a secondary; it stops following its primary.</summary>
[Cmdlet(VerbsLifecycle.Disable, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class DisableVaultDrSecondaryCommand : VaultDrChangeCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SecureString DrOperationToken { get; set; } = new();

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        Change(
            connection,
            new VaultRequest(HttpMethod.Post, "sys/replication/dr/secondary/disable").With("dr_operation_token", DrOperationToken),
            "Disable DR secondary replication (re-enabling later wipes this cluster's data)");
    }
}
