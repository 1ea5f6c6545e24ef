using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Turns DR replication off on a primary; its secondaries can no longer connect.</summary>
[Cmdlet(VerbsLifecycle.Disable, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class DisableVaultDrPrimaryCommand : VaultDrChangeCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Primary(
        onSecondary: "On a DR secondary, Disable-VaultDrSecondary turns DR replication off.",
        onDisabled: "DR replication is off already.");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(
            connection,
            "Disable DR primary replication (secondaries are cut off; re-enabling changes the cluster id and forces them to wipe)",
            (cluster, cancellationToken) => cluster.DisablePrimaryAsync(cancellationToken));
}
