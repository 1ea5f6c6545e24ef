using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Reads sys/seal-status: the seal type and which key shares the cluster takes, unseal keys (Shamir) or recovery keys
/// (auto-unseal), with their threshold. On a DR secondary these are its primary's keys, which its DR operation token
/// ceremony takes. Unauthenticated in Vault, and served while sealed and on a DR secondary.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultDrSealStatus", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(VaultSealStatus))]
public sealed class GetVaultDrSealStatusCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadSealStatusAsync(cancellationToken)));
}
