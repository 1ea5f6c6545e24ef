using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Turns DR replication off on a secondary; it stops following its primary.</summary>
[Cmdlet(VerbsLifecycle.Disable, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class DisableVaultDrSecondaryCommand : VaultDrOperationTokenCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(
            connection,
            "Disable DR secondary replication (re-enabling later wipes this cluster's data)",
            (cluster, cancellationToken) => cluster.DisableSecondaryAsync(token, cancellationToken));
    }
}
