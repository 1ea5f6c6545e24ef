using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>Starts stopped standby nodes of a lab cluster again, on the same ports: healthy raft peers once more.</summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrLabStandby", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StartVaultDrLabStandbyCommand : VaultDrLabStandbyCmdlet
{
    internal override string Action => "Start the standby again on its port";

    internal override Task ApplyAsync(LabControlEndpoints control, string nodeId, CancellationToken cancellationToken) =>
        control.StartStandbyAsync(Cluster, nodeId, cancellationToken);
}
