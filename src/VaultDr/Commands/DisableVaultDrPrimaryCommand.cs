using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Turns DR replication off on a primary; its secondaries can no longer connect.</summary>
[Cmdlet(VerbsLifecycle.Disable, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class DisableVaultDrPrimaryCommand : VaultDrChangeCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(
            connection,
            "Disable DR primary replication (secondaries are cut off; re-enabling changes the cluster id and forces them to wipe)",
            (cluster, cancellationToken) => cluster.DisablePrimaryAsync(cancellationToken));
}
