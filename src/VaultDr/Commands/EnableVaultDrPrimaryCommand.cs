using System.Management.Automation;

namespace VaultDr.Commands;

[Cmdlet(VerbsLifecycle.Enable, "VaultDrPrimary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class EnableVaultDrPrimaryCommand : VaultDrChangeCmdlet
{
    /// <summary>The cluster address secondaries should use, when the primary's own is not reachable (load balancer).</summary>
    [Parameter]
    public string? PrimaryClusterAddress { get; set; }

    protected override void BeginProcessing() => PrimaryClusterAddress = Checked(() => ArgumentChecks.Url(PrimaryClusterAddress, nameof(PrimaryClusterAddress)));

    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(connection, "Enable DR primary replication", (cluster, cancellationToken) => cluster.EnablePrimaryAsync(PrimaryClusterAddress, cancellationToken));
}
