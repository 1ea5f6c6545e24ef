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
    private readonly bool _readVersions;

    /// <param name="readVersions">
    /// Also read each cluster's version (sys/health) and fail a secondary older than its primary. Test-VaultDrReplication
    /// does; a wait does not, as waiting never fixes it.
    /// </param>
    internal ReplicationProbe(IDrEndpoints primary, IReadOnlyList<IDrEndpoints> secondaries, TimeProvider time, bool readVersions = false)
    {
        _primary = primary;
        _secondaries = secondaries;
        _time = time;
        _readVersions = readVersions;
    }

    /// <summary>One health result per secondary, in the order given.</summary>
    internal async Task<ReplicationHealth[]> CheckAsync(CancellationToken cancellationToken) =>
        (await ReadAndCheckAsync(cancellationToken).ConfigureAwait(false)).Results;

    /// <summary>The health results, with the reads they were judged from (the primary's first, then each secondary's).</summary>
    internal async Task<ProbeReading> ReadAndCheckAsync(CancellationToken cancellationToken)
    {
        var (reads, versions) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ProbeReading(reads, versions, Judge(reads, versions));
    }

    /// <summary>
    /// Polls until every secondary is healthy and caught up, or the timeout has passed. A listener that does not serve
    /// replication status (disable_replication_status_endpoints) never will: that error ends the wait at once.
    /// </summary>
    internal Task<PollOutcome<ReplicationHealth[]>> WaitHealthyAsync(TimeSpan timeout, Action<ReplicationHealth[], TimeSpan>? onEach, CancellationToken cancellationToken) =>
        new Poller(_time).UntilAsync(CheckOrStopAsync, results => results.All(r => r.Healthy), Fingerprint, timeout, onEach, cancellationToken);

    private async Task<ReplicationHealth[]> CheckOrStopAsync(CancellationToken cancellationToken)
    {
        var (reads, versions) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reads.FirstOrDefault(r => r.Error?.ErrorId == "VaultDrStatusEndpointsDisabled")?.Error is { } disabled)
        {
            throw disabled;
        }

        return Judge(reads, versions);
    }

    private async Task<(StatusRead[] Reads, VersionRead[] Versions)> ReadAsync(CancellationToken cancellationToken)
    {
        var clusters = new[] { _primary }.Concat(_secondaries).ToArray();
        var versionReads = _readVersions
            ? Task.WhenAll(clusters.Select(cluster => cluster.ReadVersionOrErrorAsync(cancellationToken)))
            : Task.FromResult(clusters.Select(_ => new VersionRead(null, null)).ToArray());
        var reads = await StatusReads.ReadAllAsync(clusters, cancellationToken).ConfigureAwait(false);
        return (reads, await versionReads.ConfigureAwait(false));
    }

    private ReplicationHealth[] Judge(StatusRead[] reads, VersionRead[] versions)
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
                : ReplicationHealthRules.Evaluate(primary.Status, secondary.Status, now, versions[0].Version, versions[i + 1].Version);
        }).ToArray();
    }

    /// <summary>Everything a secondary's catch-up shows: a change in any of it is progress.</summary>
    internal static string Fingerprint(IEnumerable<ReplicationHealth> results) => string.Join(
        ";",
        results.Select(r =>
            $"{r.PrimaryStatus?.Mode}/{r.PrimaryStatus?.LastWal}|{r.SecondaryStatus?.Mode}/{r.SecondaryState}/{r.SecondaryStatus?.LastRemoteWal}/{r.SecondaryStatus?.MerkleRoot}|{r.Connected}|{string.Join(" ", r.FailedChecks)}"));
}

/// <summary>What one probe read (the primary first, then each secondary) and the health results judged from it.</summary>
internal sealed record ProbeReading(StatusRead[] Statuses, VersionRead[] Versions, ReplicationHealth[] Results);
