using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// Rebuilds a cluster's replication index (sys/replication/reindex, or on a DR secondary sys/replication/dr/secondary/reindex
/// with the DR operation token). A reindex can take hours and make the cluster unavailable, hence ConfirmImpact High;
/// HashiCorp advises a Merkle check (Invoke-VaultDrMerkleCheck) first. -Wait follows it to the end with a progress bar.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrReindex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class StartVaultDrReindexCommand : VaultDrMaintenanceChangeCmdlet
{
    private DrStatus? _before;

    /// <summary>diff=true: a slower reindex that checks every key.</summary>
    [Parameter]
    public SwitchParameter Diff { get; set; }

    /// <summary>force=true: a complete reindex that scans only the data in storage.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>skip_flush=true: skips the tree flushing stage; another reindex may be needed afterwards.</summary>
    [Parameter]
    public SwitchParameter SkipFlush { get; set; }

    /// <summary>Follow the reindex until it is over, then return the cluster's DR status.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: how long to follow it before giving up (the reindex goes on in Vault).</summary>
    [Parameter]
    [ValidateRange(1, 604800)]
    public int TimeoutSec { get; set; } = 3600;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        var options = new ReindexOptions(Diff, Force, SkipFlush);
        if (SkipFlush)
        {
            Streams.Warning($"-SkipFlush on {connection}: Vault skips the tree flushing stage, and another reindex may be needed afterwards.");
        }

        var kind = string.Join(", ", new[] { Diff ? "diff" : null, Force ? "force" : null, SkipFlush ? "skip_flush" : null }.Where(o => o is not null));
        Change(
            connection,
            $"Reindex replication{(kind.Length > 0 ? $" ({kind})" : string.Empty)}: the cluster may be unavailable until it is done",
            (cluster, cancellationToken) => token is null ? cluster.ReindexAsync(options, cancellationToken) : cluster.ReindexDrSecondaryAsync(token, options, cancellationToken),
            check: Wait ? () => _before = ReadStatus(connection) : null);
    }

    /// <summary>With -Wait: follow the reindex, then write the status it ended with.</summary>
    internal override void AfterChange(VaultDrConnection connection)
    {
        if (!Wait)
        {
            return;
        }

        var before = _before!;
        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        WriteObject(RunWorkflow((host, cancellationToken) => new ReindexWatch(new DrEndpoints(connection, host.Log), host).WaitAsync(before, timeout, cancellationToken)));
    }

    /// <summary>-Wait already wrote the status; -PassThru alone reads it once.</summary>
    internal override void WritePassThru(VaultDrConnection connection)
    {
        if (!Wait)
        {
            base.WritePassThru(connection);
        }
    }
}
