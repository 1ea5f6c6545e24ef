using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// Reads a primary and its DR secondaries at once and judges each secondary by Vault's criteria
/// (<see cref="ReplicationHealthRules"/>). What Test-VaultDrReplication, Wait-VaultDrReplication and the failover's
/// catch-up step read. A cluster that does not answer is an unhealthy result, not an error.
/// </summary>
internal sealed class ReplicationProbe
{
    private readonly IDrEndpoints _primary;
    private readonly IReadOnlyList<IDrEndpoints> _secondaries;
    private readonly TimeProvider _time;

    internal ReplicationProbe(IDrEndpoints primary, IReadOnlyList<IDrEndpoints> secondaries, TimeProvider time)
    {
        _primary = primary;
        _secondaries = secondaries;
        _time = time;
    }

    /// <summary>One health result per secondary, in the order given.</summary>
    internal async Task<ReplicationHealth[]> CheckAsync(CancellationToken cancellationToken) =>
        Judge(await StatusReads.ReadAllAsync(new[] { _primary }.Concat(_secondaries), cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Polls until every secondary is healthy and caught up, or the timeout has passed. A listener that does not serve
    /// replication status (disable_replication_status_endpoints) never will: that error ends the wait at once.
    /// </summary>
    internal Task<PollOutcome<ReplicationHealth[]>> WaitHealthyAsync(TimeSpan timeout, Action<ReplicationHealth[], TimeSpan>? onEach, CancellationToken cancellationToken) =>
        new Poller(_time).UntilAsync(CheckOrStopAsync, results => results.All(r => r.Healthy), Fingerprint, timeout, onEach, cancellationToken);

    private async Task<ReplicationHealth[]> CheckOrStopAsync(CancellationToken cancellationToken)
    {
        var reads = await StatusReads.ReadAllAsync(new[] { _primary }.Concat(_secondaries), cancellationToken).ConfigureAwait(false);
        if (reads.FirstOrDefault(r => r.Error?.ErrorId == "VaultDrStatusEndpointsDisabled")?.Error is { } disabled)
        {
            throw disabled;
        }

        return Judge(reads);
    }

    private ReplicationHealth[] Judge(StatusRead[] reads)
    {
        var now = _time.GetUtcNow();
        var primary = reads[0];
        return _secondaries.Select((cluster, i) =>
        {
            var secondary = reads[i + 1];
            if (primary.Status is null)
            {
                return ReplicationHealthRules.Unreadable(_primary.Connection.Address, cluster.Connection.Address, $"The primary's status could not be read: {primary.Error?.Message}", now);
            }

            return secondary.Status is null
                ? ReplicationHealthRules.Unreadable(_primary.Connection.Address, cluster.Connection.Address, $"The secondary's status could not be read: {secondary.Error?.Message}", now)
                : ReplicationHealthRules.Evaluate(primary.Status, secondary.Status, now);
        }).ToArray();
    }

    /// <summary>Everything a secondary's catch-up shows: a change in any of it is progress.</summary>
    internal static string Fingerprint(IEnumerable<ReplicationHealth> results) => string.Join(
        ";",
        results.Select(r =>
            $"{r.PrimaryStatus?.Mode}/{r.PrimaryStatus?.LastWal}|{r.SecondaryStatus?.Mode}/{r.SecondaryState}/{r.SecondaryStatus?.LastRemoteWal}/{r.SecondaryStatus?.MerkleRoot}|{r.Connected}|{string.Join(" ", r.FailedChecks)}"));
}
