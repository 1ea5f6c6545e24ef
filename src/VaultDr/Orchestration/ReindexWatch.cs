using System.Globalization;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// Follows a reindex through its stages (scanning, building, wal-replay, commit) in the cluster's status, with a
/// progress bar, until it is done: Start-VaultDrReindex -Wait. Reads go through the one <see cref="Poller"/>; a read
/// that fails is a finding, not an error (Vault may not answer status while a reindex holds its write lock).
/// </summary>
internal sealed class ReindexWatch
{
    internal const int ProgressId = 4;

    private readonly IDrEndpoints _cluster;
    private readonly WorkflowHost _host;

    internal ReindexWatch(IDrEndpoints cluster, WorkflowHost host)
    {
        _cluster = cluster;
        _host = host;
    }

    /// <summary>
    /// Waits until the reindex is over: the status no longer says it is in progress, after it was seen in progress or
    /// after last_reindex_epoch moved past <paramref name="before"/> (a fast reindex may end before the first read).
    /// </summary>
    /// <param name="before">The status read right before the reindex was asked for.</param>
    internal async Task<DrStatus> WaitAsync(DrStatus before, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var activity = $"Reindexing {_cluster.Connection.Name}";
        var seenRunning = false;
        try
        {
            var outcome = await new Poller(_host.Time).UntilAsync(
                async ct =>
                {
                    var status = await _cluster.TryReadStatusAsync(ct).ConfigureAwait(false);
                    seenRunning |= status?.ReindexInProgress == true;
                    return status;
                },
                status => IsDone(before, status, seenRunning),
                Fingerprint,
                timeout,
                (status, _) => _host.Progress(new WorkflowProgress(ProgressId, activity, Describe(status, seenRunning), status?.ReindexProgress?.PercentComplete)),
                cancellationToken).ConfigureAwait(false);
            if (!outcome.Done)
            {
                throw new VaultDrOperationException(
                    "VaultDrReindexTimeout",
                    $"The reindex of {_cluster.Connection} was not over after {timeout.TotalSeconds:0.#} s ({Describe(outcome.State, seenRunning)}). " +
                    "It goes on in Vault: follow it with Get-VaultDrStatus (ReindexInProgress, ReindexStage, ReindexProgress), or wait longer with a larger -TimeoutSec.",
                    System.Management.Automation.ErrorCategory.OperationTimeout);
            }

            return outcome.State!;
        }
        finally
        {
            _host.Progress(new WorkflowProgress(ProgressId, activity, "Done", Completed: true));
        }
    }

    /// <summary>Over: a status that says no reindex runs, once one was seen running or the last reindex time moved on.</summary>
    internal static bool IsDone(DrStatus before, DrStatus? status, bool seenRunning) =>
        status is { ReindexInProgress: not true } && (seenRunning || (status.LastReindex is { } last && (before.LastReindex is null || last > before.LastReindex)));

    /// <summary>The progress bar's status line.</summary>
    internal static string Describe(DrStatus? status, bool seenRunning) => status switch
    {
        null => "status not readable just now (Vault may hold a write lock while it replays WALs and commits)",
        { ReindexInProgress: true, ReindexStage: "building", ReindexProgress: { } progress } =>
            string.Create(CultureInfo.InvariantCulture, $"stage building: {progress.Building} of {progress.Total} keys"),
        { ReindexInProgress: true } => $"stage {status.ReindexStage ?? "unknown"}",
        _ when seenRunning => "finishing",
        _ => "waiting for the reindex to start",
    };

    private static string Fingerprint(DrStatus? status) =>
        status is null ? "unreadable" : $"{status.ReindexInProgress}/{status.ReindexStage}/{status.ReindexProgress}/{status.LastReindexEpoch}/{status.State}";
}
