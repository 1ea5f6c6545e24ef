using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// Points a DR secondary at a (new) primary without wiping it, or with -ClearPrimary makes it forget
/// its primary so it stops trying to reconnect.
/// </summary>
[Cmdlet(VerbsData.Update, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class UpdateVaultDrPrimaryCommand : VaultDrActivationCmdlet
{
    [Parameter(Mandatory = true)]
    public SecureString DrOperationToken { get; set; } = new();

    /// <summary>From New-VaultDrSecondaryToken on the new primary; binds from its output by property name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? ActivationToken { get; set; }

    /// <summary>Sends an empty token: the cluster stays a secondary but forgets its primary.</summary>
    [Parameter]
    public SwitchParameter ClearPrimary { get; set; }

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        var hasToken = !SecretText.IsEmpty(ActivationToken);
        if (hasToken == ClearPrimary.IsPresent)
        {
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrActivationTokenOrClearPrimary",
                    "Give exactly one of -ActivationToken (point the secondary at a new primary) or -ClearPrimary (make it forget its primary)."),
                connection.Address);
        }

        if (hasToken)
        {
            Checked(() => ArgumentChecks.ActivationToken(ActivationToken!, DateTimeOffset.UtcNow));
        }

        Change(
            connection,
            hasToken ? "Point this DR secondary at a new primary (data is kept)" : "Clear this DR secondary's primary (it stops reconnecting)",
            (cluster, cancellationToken) => cluster.UpdatePrimaryAsync(DrOperationToken, hasToken ? ActivationToken : null, Target, cancellationToken));
    }
}
