using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads the current DR operation token generation attempt (Vault never shows the OTP here).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrOperationTokenProgress", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationTokenProgress))]
public sealed class GetVaultDrOperationTokenProgressCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadOperationTokenProgressAsync(cancellationToken)));
}
