using System.Management.Automation;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// Removes a server from a cluster's Raft configuration (PUT sys/storage/raft/remove-peer, with the DR operation token
/// on a DR secondary). Once the removal is confirmed it reads the configuration and refuses, sending nothing, to remove
/// the leader, the last voter or an id the cluster does not list. ConfirmImpact High: a wrong removal costs quorum.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VaultDrRaftPeer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(RaftPeer))]
public sealed class RemoveVaultDrRaftPeerCommand : VaultDrMaintenanceChangeCmdlet
{
    /// <summary>Completes with the servers the cluster lists (read only when Tab is pressed), the leader left out.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(RaftServerIdCompleter))]
    public string ServerId { get; set; } = string.Empty;

    protected override void BeginProcessing() => ServerId = Checked(() => ArgumentChecks.Text(ServerId, nameof(ServerId)));

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(
            connection,
            $"Remove Raft peer '{ServerId}' from this cluster's configuration",
            (cluster, cancellationToken) => cluster.RemoveRaftPeerAsync(ServerId, token, cancellationToken),
            check: () =>
            {
                var peers = Call(connection, (cluster, cancellationToken) => cluster.ReadRaftPeersAsync(token, cancellationToken));
                if (RaftPeerRules.RefuseRemoval(ServerId, peers, connection) is { } refusal)
                {
                    throw refusal;
                }
            });
    }

    /// <summary>-PassThru: the Raft peers left.</summary>
    internal override void WritePassThru(VaultDrConnection connection)
    {
        var token = DrOperationToken;
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadRaftPeersAsync(token, cancellationToken)), enumerateCollection: true);
    }
}
