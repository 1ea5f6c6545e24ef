using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Reads the current DR operation token generation attempt (Vault never shows the OTP here).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrOperationTokenProgress", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationTokenProgress))]
public sealed class GetVaultDrOperationTokenProgressCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection) =>
        WriteObject(OperationTokenCalls.ReadProgress(this, connection));
}
