using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads sys/health, where Vault reports a node's role through the status code (472 = DR secondary).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrHealth", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(VaultHealth))]
public sealed class GetVaultDrHealthCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadHealthAsync(cancellationToken)));
}
