using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Demotes a DR primary to a secondary that keeps its data and cluster id (the first step of a planned failover).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VaultDrDemote", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class InvokeVaultDrDemoteCommand : VaultDrChangeCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Primary(
        onSecondary: "It is a DR secondary already: there is nothing to demote.",
        onDisabled: "DR replication is not enabled on it: there is nothing to demote.");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(connection, "Demote the DR primary to a secondary (it stops serving clients)", (cluster, cancellationToken) => cluster.DemotePrimaryAsync(cancellationToken));
}
