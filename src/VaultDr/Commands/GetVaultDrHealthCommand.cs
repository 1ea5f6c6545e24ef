using System.Management.Automation;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// Reads sys/health, where Vault reports a node's role through the status code (472 = DR secondary), and, on an
/// unsealed node, its DR status, so that a corrupted Merkle tree makes the node unhealthy.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultDrHealth", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(VaultHealth))]
public sealed class GetVaultDrHealthCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var health = Call(connection, (cluster, cancellationToken) => cluster.ReadHealthAsync(cancellationToken));
        StatusRead? read = null;
        if (NodeHealthRules.CanReadStatus(health))
        {
            read = Call(connection, (cluster, cancellationToken) => cluster.ReadStatusOrErrorAsync(cancellationToken));
            if (read.Error is { } error)
            {
                Streams.Warning($"{connection.Name}: the Merkle tree state was not checked, the DR status could not be read: {error.Message}");
            }
        }

        WriteObject(NodeHealthRules.Judge(health, read?.Status));
    }
}
