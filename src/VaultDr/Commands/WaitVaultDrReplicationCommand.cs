using System.Management.Automation;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// Waits until every DR secondary is healthy and caught up. Reads fast while the secondaries are moving and backs
/// off while nothing changes (see <see cref="Poller"/>); it spends the whole timeout before it gives up, and Ctrl+C
/// stops it at once.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "VaultDrReplication")]
[OutputType(typeof(ReplicationHealth))]
public sealed class WaitVaultDrReplicationCommand : VaultDrReplicationCmdlet
{
    private const int ProgressId = 2;

    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void EndProcessing()
    {
        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        var activity = $"Waiting for DR replication to {string.Join(", ", Secondaries.Select(s => s.Name))}";
        PollOutcome<ReplicationHealth[]> outcome;
        try
        {
            outcome = Wait(timeout, activity);
        }
        catch (VaultDrException e)
        {
            // A listener that serves no replication status never will (disable_replication_status_endpoints): the
            // wait ends at once with that reason instead of running into its timeout.
            ThrowFailure(e, Primary.Address);
            throw; // not reached: ThrowFailure always throws
        }

        if (!outcome.Done)
        {
            var never = outcome.State.Where(r => !r.Healthy).SelectMany(r => r.FailedChecks.Select(check => $"{r.Secondary.Authority}: {check}"));
            ThrowFailure(
                new VaultDrOperationException(
                    "VaultDrReplicationTimeout",
                    $"DR replication was not healthy after {outcome.Elapsed.TotalSeconds:0.0} s (-TimeoutSec {TimeoutSec}). Checks that never passed: {string.Join(" ", never)}"),
                Primary.Address);
        }

        Streams.Verbose($"DR replication healthy after {outcome.Elapsed.TotalMilliseconds:0} ms.");
        WriteObject(outcome.State, enumerateCollection: true);
    }

    private PollOutcome<ReplicationHealth[]> Wait(TimeSpan timeout, string activity) =>
        RunWorkflow((host, cancellationToken) => Probe(host.Log, host.Time).WaitHealthyAsync(
            timeout,
            (results, elapsed) =>
            {
                WarnAboutTwoPrimaries(results, host.Log);
                var status = string.Join("; ", results.Where(r => !r.Healthy).Select(r =>
                    $"{r.Secondary.Authority}: {r.SecondaryState ?? "unreachable"}, {(r.WalLag is { } lag ? $"{lag} WAL(s) behind" : "lag unknown")}"));
                host.Progress(new WorkflowProgress(ProgressId, activity, status, (int)Math.Min(99, 100 * elapsed.TotalSeconds / timeout.TotalSeconds)));
            },
            cancellationToken));
}
