using System.Management.Automation;
using System.Security;

namespace VaultDr.Commands;

/// <summary>
/// Points a DR secondary at a (new) primary without wiping it, or with -ClearPrimary makes it forget
/// its primary so it stops trying to reconnect.
/// </summary>
[Cmdlet(VerbsData.Update, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = TokenAddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class UpdateVaultDrPrimaryCommand : VaultDrActivationCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "It is a DR primary: demote it first (Invoke-VaultDrDemote), then point it at the new primary.",
        onDisabled: "It is not in DR replication: Enable-VaultDrSecondary makes it a secondary (and wipes it).");

    // Two ways to say what to do (a new primary's activation token, or -ClearPrimary) times the two ways to reach the
    // cluster (-Connection, or -Address/-Token): four sets, so Get-Command -Syntax shows the token and the switch apart.
    private const string TokenAddressSet = "ActivationTokenAddress";
    private const string TokenConnectionSet = "ActivationTokenConnection";
    private const string ClearAddressSet = "ClearPrimaryAddress";
    private const string ClearConnectionSet = "ClearPrimaryConnection";

    [Parameter(Mandatory = true, ParameterSetName = TokenConnectionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = ClearConnectionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VaultDrConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public override VaultDrConnection[] Connection { get; set; } = Array.Empty<VaultDrConnection>();

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = ClearAddressSet)]
    [ValidateNotNullOrEmpty]
    public override string? Address { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = ClearAddressSet)]
    [SecretTransformation]
    [ValidateNotNull]
    public override SecureString? Token { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = ClearAddressSet)]
    public override string? Namespace { get; set; }

    [Parameter(Mandatory = true)]
    [SecretTransformation]
    public SecureString DrOperationToken { get; set; } = new();

    /// <summary>From New-VaultDrSecondaryToken on the new primary; binds from its output by property name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TokenAddressSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = TokenConnectionSet, ValueFromPipelineByPropertyName = true)]
    [SecretTransformation]
    public SecureString ActivationToken { get; set; } = new();

    // Where and how to reach the new primary: only with an activation token (-ClearPrimary reaches no primary).
    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = TokenConnectionSet)]
    public override string? PrimaryApiAddress { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = TokenConnectionSet)]
    public override string? CAFile { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = TokenConnectionSet)]
    public override string? CAPath { get; set; }

    /// <summary>Sends an empty token: the cluster stays a secondary but forgets its primary.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClearAddressSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClearConnectionSet)]
    public SwitchParameter ClearPrimary { get; set; }

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        var activation = ClearPrimary ? null : ActivationToken;
        if (activation is not null)
        {
            Checked(() => ArgumentChecks.ActivationToken(activation, DateTimeOffset.UtcNow));
        }

        Change(
            connection,
            activation is not null ? "Point this DR secondary at a new primary (data is kept)" : "Clear this DR secondary's primary (it stops reconnecting)",
            (cluster, cancellationToken) => cluster.UpdatePrimaryAsync(DrOperationToken, activation, Target, cancellationToken));
    }
}
