using System.Management.Automation;
using System.Security;

namespace VaultDr.Commands;

/// <summary>Turns a cluster into a DR secondary of the primary that issued the activation token. WIPES the cluster's data.</summary>
[Cmdlet(VerbsLifecycle.Enable, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class EnableVaultDrSecondaryCommand : VaultDrActivationCmdlet
{
    /// <summary>From New-VaultDrSecondaryToken; binds from its output by property name.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SecureString ActivationToken { get; set; } = new();

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.ActivationToken(ActivationToken, DateTimeOffset.UtcNow));
        Change(
            connection,
            "Enable as DR secondary: ALL DATA ON THIS CLUSTER WILL BE DELETED and replaced by the primary's",
            (cluster, cancellationToken) => cluster.EnableSecondaryAsync(ActivationToken, Target, cancellationToken));
    }
}
