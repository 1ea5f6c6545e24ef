using System.Management.Automation;
using System.Security;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>Turns a cluster into a DR secondary of the primary that issued the activation token. WIPES the cluster's data.</summary>
[Cmdlet(VerbsLifecycle.Enable, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class EnableVaultDrSecondaryCommand : VaultDrActivationCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.NotInReplication(
        onPrimary: "It is a DR primary: demote it (Invoke-VaultDrDemote) or turn DR off (Disable-VaultDrPrimary) first. Enabling wipes its data.",
        onSecondary: "It is a DR secondary already: Update-VaultDrPrimary points it at another primary and keeps its data.");

    /// <summary>From New-VaultDrSecondaryToken; binds from its output by property name.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [SecretTransformation]
    public SecureString ActivationToken { get; set; } = new();

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.ActivationToken(ActivationToken, DateTimeOffset.UtcNow));
        Change(
            connection,
            "Enable as DR secondary: ALL DATA ON THIS CLUSTER WILL BE DELETED and replaced by the primary's",
            (cluster, cancellationToken) => cluster.EnableSecondaryAsync(ActivationToken, Target, cancellationToken));
    }

    /// <summary>
    /// A lab cluster's connection follows its DR join: the cluster now takes its primary's tokens, so the connection
    /// (and the LabCluster's RootToken) switch to the primary's root token, and <c>$dr.Connection</c> keeps working.
    /// </summary>
    internal override void AfterChange(VaultDrConnection connection)
    {
        if (LabRegistry.ClusterOf(connection) is not { } cluster)
        {
            return;
        }

        try
        {
            var token = Run((log, cancellationToken) => new LabControlEndpoints(cluster.Lab, log).ReadRootTokenAsync(cluster, cancellationToken));
            connection.Token = token;
            connection.TokenOrigin = $"the lab's root token of {cluster.Name}'s DR primary (it took its primary's tokens when it joined)";
            cluster.RootToken = token;
            Streams.Verbose($"{cluster.Name} now uses its primary's tokens; its Connection and RootToken follow.");
        }
        catch (VaultDrException e)
        {
            Streams.Warning($"{cluster.Name} now uses its primary's tokens, but its Connection could not be updated ({e.Message}). Use the primary's RootToken with it.");
        }
    }
}
