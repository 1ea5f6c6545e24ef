using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Cuts a DR secondary off the primary at once; it needs a new activation token to return.</summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class RevokeVaultDrSecondaryCommand : VaultDrChangeCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Id { get; set; } = string.Empty;

    protected override void BeginProcessing() => Id = Checked(() => ArgumentChecks.Text(Id, nameof(Id)));

    internal override void ProcessConnection(VaultDrConnection connection) =>
        Change(connection, $"Revoke DR secondary '{Id}' (it is disconnected immediately)", (cluster, cancellationToken) => cluster.RevokeSecondaryAsync(Id, cancellationToken));
}
