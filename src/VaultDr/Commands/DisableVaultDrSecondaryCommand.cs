using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Turns DR replication off on a secondary; it stops following its primary.</summary>
[Cmdlet(VerbsLifecycle.Disable, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class DisableVaultDrSecondaryCommand : VaultDrOperationTokenCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "On a DR primary, Disable-VaultDrPrimary turns DR replication off.",
        onDisabled: "DR replication is off already.");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(
            connection,
            "Disable DR secondary replication (re-enabling later wipes this cluster's data)",
            (cluster, cancellationToken) => cluster.DisableSecondaryAsync(token, cancellationToken));
    }
}
