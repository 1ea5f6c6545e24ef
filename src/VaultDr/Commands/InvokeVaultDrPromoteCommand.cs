using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Promotes a DR secondary to primary. Only one cluster is promoted per call: promoting two at once
/// would create two primaries (split brain).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VaultDrPromote", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class InvokeVaultDrPromoteCommand : VaultDrOperationTokenCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "It is the primary already.",
        onDisabled: "It is not in DR replication: make it a secondary first (New-VaultDrSecondaryToken | Enable-VaultDrSecondary).");

    private Uri? _promoted;

    [Parameter]
    public string? PrimaryClusterAddress { get; set; }

    /// <summary>Sends force=true: promote even if safety checks fail (data not fully replicated may be lost).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing() => PrimaryClusterAddress = Checked(() => ArgumentChecks.Url(PrimaryClusterAddress, nameof(PrimaryClusterAddress)));

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        if (_promoted is not null && _promoted != connection.Address)
        {
            ThrowFailure(
                new VaultDrOperationException(
                    "VaultDrPromoteOneClusterOnly",
                    $"Not promoting {connection}: {_promoted} was already promoted by this command, and two primaries at once risk data loss. Promote one cluster per call."),
                connection.Address);
        }

        if (Force)
        {
            Streams.Warning($"Promoting {connection} with force=true: Vault skips its safety checks, and writes not yet replicated from the old primary may be lost.");
        }

        var action = Force ? "Promote to DR primary with force=true (safety checks skipped)" : "Promote to DR primary";
        if (!Confirmations.ShouldChange(connection.ToString(), action))
        {
            return;
        }

        _promoted = connection.Address;
        Call(connection, (cluster, cancellationToken) => cluster.PromoteAsync(token, PrimaryClusterAddress, Force, cancellationToken));
        if (PassThru)
        {
            WriteObject(ReadStatus(connection));
        }
    }
}
