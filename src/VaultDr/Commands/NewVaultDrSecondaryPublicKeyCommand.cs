using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Makes the secondary generate a key pair so the primary can encrypt its activation token for it.</summary>
[Cmdlet(VerbsCommon.New, "VaultDrSecondaryPublicKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(SecondaryPublicKey))]
public sealed class NewVaultDrSecondaryPublicKeyCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.NotPrimary(
        onPrimary: "Run it on the cluster that is to become the DR secondary, before Enable-VaultDrSecondary; the primary makes the activation token (New-VaultDrSecondaryToken -SecondaryPublicKey).");

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), "Generate a DR secondary public key"))
        {
            return;
        }

        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.GenerateSecondaryPublicKeyAsync(cancellationToken)));
    }
}
