using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Cuts a DR secondary off the primary at once; it needs a new activation token to return.</summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class RevokeVaultDrSecondaryCommand : VaultDrChangeCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Primary(
        onSecondary: "Secondaries are revoked on their primary: run it with the primary's connection.",
        onDisabled: "DR replication is not enabled on it: it has no secondaries.");

    /// <summary>Completes with the ids the primary lists (it is read when Tab is pressed).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(SecondaryIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>Send the revoke even when the primary does not list the id (Vault accepts it and does nothing).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing() => Id = Checked(() => ArgumentChecks.Text(Id, nameof(Id)));

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection) => Change(
        connection,
        $"Revoke DR secondary '{Id}' (it is disconnected immediately)",
        (cluster, cancellationToken) => cluster.RevokeSecondaryAsync(Id, cancellationToken),
        check: () => RefuseUnknownId(connection));

    // Vault revokes an unknown id quietly, so a typo would look like success: check against the primary's list first.
    // The read is made only once the revoke is confirmed: -WhatIf and a refused confirmation send nothing at all.
    private void RefuseUnknownId(VaultDrConnection connection)
    {
        if (!Force && ReadStatus(connection) is { IsPrimary: true } status && !status.KnownSecondaries.Contains(Id, StringComparer.Ordinal))
        {
            var known = status.KnownSecondaries.Length > 0 ? string.Join(", ", status.KnownSecondaries.Select(id => $"'{id}'")) : "none";
            throw new VaultDrOperationException(
                "VaultDrUnknownSecondaryId",
                $"{connection} lists no DR secondary '{Id}' (known: {known}). Nothing was revoked. Check the id (Tab completes it), or add -Force to send the revoke anyway.",
                ErrorCategory.ObjectNotFound);
        }
    }
}
