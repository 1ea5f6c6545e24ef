using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads DR and performance replication status in one call (GET sys/replication/status).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrReplicationStatus", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(ReplicationStatus))]
public sealed class GetVaultDrReplicationStatusCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadReplicationStatusAsync(cancellationToken)));
}
