using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Reads autopilot's view of a cluster's Raft servers: health, failure tolerance, leader, voters (GET
/// sys/storage/raft/autopilot/state; on a DR secondary the DR operation token is sent as X-Vault-Token).
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultDrAutopilotState", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(AutopilotState))]
public sealed class GetVaultDrAutopilotStateCommand : VaultDrMaintenanceReadCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadAutopilotStateAsync(token, cancellationToken)));
    }
}
