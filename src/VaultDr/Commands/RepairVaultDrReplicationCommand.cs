using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Asks Vault to recover replication that stopped syncing after an error (sys/replication/recover, or on a DR secondary
/// sys/replication/dr/secondary/recover with the DR operation token). ConfirmImpact is Medium: a recovery restarts
/// replication where it stopped; it neither wipes data nor moves the primary role.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "VaultDrReplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class RepairVaultDrReplicationCommand : VaultDrMaintenanceChangeCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(
            connection,
            token is null ? "Recover replication (restart syncing after an error)" : "Recover DR secondary replication (restart syncing after an error)",
            (cluster, cancellationToken) => token is null ? cluster.RecoverAsync(cancellationToken) : cluster.RecoverDrSecondaryAsync(token, cancellationToken));
    }
}
