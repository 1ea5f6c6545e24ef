using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Reads a cluster's autopilot settings (GET sys/storage/raft/autopilot/configuration; on a DR secondary the DR
/// operation token is sent as X-Vault-Token).
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultDrAutopilotConfiguration", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(AutopilotConfiguration))]
public sealed class GetVaultDrAutopilotConfigurationCommand : VaultDrMaintenanceReadCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadAutopilotConfigurationAsync(token, cancellationToken)));
    }
}
