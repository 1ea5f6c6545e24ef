using System.Management.Automation;

namespace VaultDr.Commands;

[Cmdlet(VerbsLifecycle.Enable, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class EnableVaultDrPrimaryCommand : VaultDrChangeCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.NotInReplication(
        onPrimary: "It is a DR primary already; Get-VaultDrStatus shows its secondaries.",
        onSecondary: "A DR secondary becomes the primary by promotion: Invoke-VaultDrFailover, or Invoke-VaultDrPromote with a DR operation token.");

    /// <summary>The cluster address secondaries should use, when the primary's own is not reachable (load balancer).</summary>
    [Parameter]
    public string? PrimaryClusterAddress { get; set; }

    protected override void BeginProcessing() => PrimaryClusterAddress = Checked(() => ArgumentChecks.Url(PrimaryClusterAddress, nameof(PrimaryClusterAddress)));

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(connection, "Enable DR primary replication", (cluster, cancellationToken) => cluster.EnablePrimaryAsync(PrimaryClusterAddress, cancellationToken));
}
