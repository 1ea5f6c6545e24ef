using System.Management.Automation;
using System.Security;

namespace VaultDr.Commands;

/// <summary>
/// Points a DR secondary at a (new) primary without wiping it: with a new primary's activation token, or with
/// -PrimaryClusterAddress the primary's cluster addresses (the lighter way, Vault 1.13.3+); or with -ClearPrimary makes
/// it forget its primary so it stops trying to reconnect.
/// </summary>
[Cmdlet(VerbsData.Update, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = TokenAddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class UpdateVaultDrPrimaryCommand : VaultDrActivationCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "It is a DR primary: demote it first (Invoke-VaultDrDemote), then point it at the new primary.",
        onDisabled: "It is not in DR replication: Enable-VaultDrSecondary makes it a secondary (and wipes it).");

    // Three ways to say what to do (a new primary's activation token, its cluster addresses, or -ClearPrimary) times the
    // two ways to reach the cluster (-Connection, or -Address/-Token): six sets, so Get-Command -Syntax shows them apart.
    private const string TokenAddressSet = "ActivationTokenAddress";
    private const string TokenConnectionSet = "ActivationTokenConnection";
    private const string AddressesAddressSet = "PrimaryClusterAddressAddress";
    private const string AddressesConnectionSet = "PrimaryClusterAddressConnection";
    private const string ClearAddressSet = "ClearPrimaryAddress";
    private const string ClearConnectionSet = "ClearPrimaryConnection";

    [Parameter(Mandatory = true, ParameterSetName = TokenConnectionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = AddressesConnectionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = ClearConnectionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VaultDrConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public override VaultDrConnection[] Connection { get; set; } = Array.Empty<VaultDrConnection>();

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = AddressesAddressSet)]
    [Parameter(ParameterSetName = ClearAddressSet)]
    [ValidateNotNullOrEmpty]
    public override string? Address { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = AddressesAddressSet)]
    [Parameter(ParameterSetName = ClearAddressSet)]
    [SecretTransformation]
    [ValidateNotNull]
    public override SecureString? Token { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = AddressesAddressSet)]
    [Parameter(ParameterSetName = ClearAddressSet)]
    public override string? Namespace { get; set; }

    [Parameter(Mandatory = true)]
    [OperationTokenTransformation]
    public SecureString DrOperationToken { get; set; } = new();

    /// <summary>From New-VaultDrSecondaryToken on the new primary; binds from its output by property name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TokenAddressSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = TokenConnectionSet, ValueFromPipelineByPropertyName = true)]
    [SecretTransformation]
    public SecureString ActivationToken { get; set; } = new();

    // Where and how to reach the new primary: only with an activation token (-ClearPrimary reaches no primary, and
    // cluster addresses are the primary's already).
    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = TokenConnectionSet)]
    public override string? PrimaryApiAddress { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = TokenConnectionSet)]
    public override string? CAFile { get; set; }

    [Parameter(ParameterSetName = TokenAddressSet)]
    [Parameter(ParameterSetName = TokenConnectionSet)]
    public override string? CAPath { get; set; }

    /// <summary>update_primary_addrs: Vault pings them in turn and records the first that answers as its primary's.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AddressesAddressSet)]
    [Parameter(Mandatory = true, ParameterSetName = AddressesConnectionSet)]
    [ValidateNotNullOrEmpty]
    public string[] PrimaryClusterAddress { get; set; } = [];

    /// <summary>
    /// Sends the addresses to a secondary that knows no primary. Its status cannot tell a secondary whose primary was
    /// cleared (-ClearPrimary), which takes addresses, from a primary newly demoted in a failover, which Vault refuses
    /// them; without -Force VaultDr refuses both.
    /// </summary>
    [Parameter(ParameterSetName = AddressesAddressSet)]
    [Parameter(ParameterSetName = AddressesConnectionSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>Sends an empty token: the cluster stays a secondary but forgets its primary.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClearAddressSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClearConnectionSet)]
    public SwitchParameter ClearPrimary { get; set; }

    private bool ByAddresses => ParameterSetName is AddressesAddressSet or AddressesConnectionSet;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ByAddresses)
        {
            PrimaryClusterAddress = PrimaryClusterAddress.Select(address => Checked(() => ArgumentChecks.ClusterAddress(address, nameof(PrimaryClusterAddress)))).ToArray();
        }
    }

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        if (ByAddresses)
        {
            Change(
                connection,
                $"Point this DR secondary at the primary cluster address(es) {string.Join(", ", PrimaryClusterAddress)} (data is kept)",
                (cluster, cancellationToken) => cluster.UpdatePrimaryAddressesAsync(DrOperationToken, PrimaryClusterAddress, cancellationToken),
                check: Force ? null : () => RefuseNewlyDemoted(connection));
            return;
        }

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

    // Vault refuses cluster addresses on a DR secondary newly demoted by a failover: it needs an activation token. A
    // demoted primary, like a secondary told to forget its primary, knows no primary at all: no primary_cluster_addr, no
    // known_primary_cluster_addrs and no primaries. One status read, made once the change is confirmed (-WhatIf sends
    // nothing); when the status cannot be read, Vault itself is left to judge.
    private void RefuseNewlyDemoted(VaultDrConnection connection)
    {
        DrStatus status;
        try
        {
            status = ReadStatus(connection);
        }
        catch (VaultDrException e)
        {
            Streams.Verbose($"The status of {connection} could not be read to check for a newly demoted secondary ({e.Message}); Vault will judge.");
            return;
        }

        if (status.IsSecondary && string.IsNullOrEmpty(status.PrimaryClusterAddr) && status.KnownPrimaryClusterAddrs.Length == 0 && status.Primaries.Length == 0)
        {
            throw new VaultDrOperationException(
                "VaultDrActivationTokenRequired",
                $"{connection} is a DR secondary that knows no primary, as a primary demoted in a failover is until it is re-attached: Vault does not take " +
                "cluster addresses there, only an activation token. Nothing was sent. Point it at the new primary with one: New-VaultDrSecondaryToken " +
                $"-Connection <new primary> -Id <id> | Update-VaultDrPrimary -Connection <{connection.Name}> -DrOperationToken <token> -Confirm:$false. " +
                "If it is a secondary whose primary was cleared (-ClearPrimary) rather than a demoted primary, add -Force to send the addresses.");
        }
    }
}
