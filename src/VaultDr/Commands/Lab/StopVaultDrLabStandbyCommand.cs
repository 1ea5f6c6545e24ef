using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>Stops standby nodes of a lab cluster: their listeners close, and autopilot sees dead raft peers.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VaultDrLabStandby", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StopVaultDrLabStandbyCommand : VaultDrLabStandbyCmdlet
{
    internal override string Action => "Stop the standby: its listener closes, and autopilot sees a dead raft peer";

    internal override Task ApplyAsync(LabControlEndpoints control, string nodeId, CancellationToken cancellationToken) =>
        control.StopStandbyAsync(Cluster, nodeId, cancellationToken);
}
