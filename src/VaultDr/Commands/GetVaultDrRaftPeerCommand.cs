using System.Management.Automation;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// Lists a cluster's Raft servers (GET sys/storage/raft/configuration; on a DR secondary, PUT with the DR operation
/// token in the body, as "vault operator raft list-peers -dr-token" does).
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultDrRaftPeer", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(RaftPeer))]
public sealed class GetVaultDrRaftPeerCommand : VaultDrMaintenanceReadCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadRaftPeersAsync(token, cancellationToken)), enumerateCollection: true);
    }
}
