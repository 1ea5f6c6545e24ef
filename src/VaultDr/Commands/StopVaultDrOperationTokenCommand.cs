using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Cancels the DR operation token generation attempt in progress, discarding the key shares given so far.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VaultDrOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class StopVaultDrOperationTokenCommand : VaultDrChangeCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(connection, "Cancel the DR operation token generation attempt", (cluster, cancellationToken) => cluster.CancelOperationTokenAsync(cancellationToken));
}
