using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads the current DR operation token generation attempt (Vault never shows the OTP here).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrOperationTokenProgress", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationTokenProgress))]
public sealed class GetVaultDrOperationTokenProgressCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection) =>
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadOperationTokenProgressAsync(cancellationToken)));
}
