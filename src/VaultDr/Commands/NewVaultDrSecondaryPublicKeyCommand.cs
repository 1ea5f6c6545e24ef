using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Makes the secondary generate a key pair so the primary can encrypt its activation token for it.</summary>
[Cmdlet(VerbsCommon.New, "VaultDrSecondaryPublicKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(SecondaryPublicKey))]
public sealed class NewVaultDrSecondaryPublicKeyCommand : VaultDrConnectedCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), "Generate a DR secondary public key"))
        {
            return;
        }

        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.GenerateSecondaryPublicKeyAsync(cancellationToken)));
    }
}
