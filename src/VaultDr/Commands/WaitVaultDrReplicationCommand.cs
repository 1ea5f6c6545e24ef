using System.Management.Automation;
using VaultDr.Replication;

namespace VaultDr.Commands;

/// <summary>
/// Waits until every DR secondary is healthy and caught up. Polls fast while the secondaries converge and
/// backs off while nothing changes (never more often than every 100 ms); Ctrl+C stops it at once.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "VaultDrReplication")]
[OutputType(typeof(ReplicationHealth))]
public sealed class WaitVaultDrReplicationCommand : VaultDrReplicationCmdlet
{
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(TimeoutSec);
        var poll = new AdaptivePoll();
        var activity = $"Waiting for DR replication to {string.Join(", ", Secondary.Select(s => s.Name))}";
        ReplicationHealth[] results;
        try
        {
            while (true)
            {
                results = Probe();
                WarnAboutTwoPrimaries(results);
                if (results.All(r => r.Healthy))
                {
                    break;
                }

                var status = string.Join("; ", results.Where(r => !r.Healthy).Select(r =>
                    $"{r.Secondary.Authority}: {r.SecondaryState ?? "unreachable"}, {(r.WalLag is { } lag ? $"{lag} WAL(s) behind" : "lag unknown")}"));
                WriteProgress(new ProgressRecord(2, activity, status)
                {
                    PercentComplete = (int)Math.Min(99, 100 * clock.Elapsed.TotalSeconds / deadline.TotalSeconds),
                });

                var wait = poll.Next(results.Sum(r => (r.WalLag ?? 1000) + r.FailedChecks.Length));
                if (clock.Elapsed + wait > deadline)
                {
                    var never = results.Where(r => !r.Healthy).SelectMany(r => r.FailedChecks.Select(check => $"{r.Secondary.Authority}: {check}"));
                    ThrowFailure(
                        new VaultDrOperationException(
                            "VaultDrReplicationTimeout",
                            $"DR replication was not healthy within {TimeoutSec} s. Checks that never passed: {string.Join(" ", never)}"),
                        Primary.Address);
                }

                if (CancelToken.WaitHandle.WaitOne(wait))
                {
                    throw new PipelineStoppedException();
                }
            }
        }
        finally
        {
            WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        WriteVerbose($"DR replication healthy after {clock.Elapsed.TotalMilliseconds:0} ms.");
        WriteObject(results, enumerateCollection: true);
    }
}
