using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// The failover's first step: read both clusters and refuse, before anything changes, a failover that cannot work
/// or would lose data without being told to.
/// </summary>
internal sealed class FailoverPreflight
{
    private readonly IDrEndpoints _primary;
    private readonly IDrEndpoints _secondary;
    private readonly FailoverPlan _plan;
    private readonly WorkflowHost _host;

    internal FailoverPreflight(IDrEndpoints primary, IDrEndpoints secondary, FailoverPlan plan, WorkflowHost host)
    {
        _primary = primary;
        _secondary = secondary;
        _plan = plan;
        _host = host;
    }

    /// <summary>The secondary as the preflight read it.</summary>
    internal DrStatus? SecondaryBefore { get; private set; }

    /// <summary>The primary as the preflight read it (null when it did not answer).</summary>
    internal DrStatus? PrimaryBefore { get; private set; }

    /// <summary>Passes with a one-line finding, or throws the reason to refuse.</summary>
    internal async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var secondary = await ReadAsync(_secondary, "the secondary", cancellationToken).ConfigureAwait(false);
        SecondaryBefore = secondary;
        if (!secondary.IsSecondary)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", $"{_secondary.Connection} is in mode '{secondary.Mode}', not a DR secondary: there is nothing to promote.");
        }

        if (_plan.UsesKeyShares)
        {
            await CheckCeremonyAsync(cancellationToken).ConfigureAwait(false);
        }

        return _plan.Planned ? await CheckPlannedAsync(secondary, cancellationToken).ConfigureAwait(false) : await CheckUnplannedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Before anything changes: enough shares for the ceremony, and no attempt in the way.</summary>
    private async Task CheckCeremonyAsync(CancellationToken cancellationToken)
    {
        var attempt = await _secondary.ReadOperationTokenProgressAsync(cancellationToken).ConfigureAwait(false);
        if (attempt.Required > _plan.KeyShares.Count)
        {
            throw new VaultDrOperationException(
                "VaultDrNotEnoughKeyShares",
                $"{_plan.KeyShares.Count} key share(s) were given but {_secondary.Connection} needs {attempt.Required} for a DR operation token. Nothing was changed.");
        }

        if (attempt.Started && !_plan.Force)
        {
            throw new VaultDrOperationException(
                "VaultDrOperationTokenAttemptInProgress",
                $"A DR operation token attempt is already in progress on {_secondary.Connection} ({attempt.Progress} of {attempt.Required}). Nothing was changed; stop it with Stop-VaultDrOperationToken or add -Force.");
        }
    }

    private async Task<string> CheckPlannedAsync(DrStatus secondary, CancellationToken cancellationToken)
    {
        var primary = PrimaryBefore = await _primary.TryReadStatusAsync(cancellationToken).ConfigureAwait(false) ?? throw new VaultDrOperationException(
            "VaultDrPreflightFailed",
            $"{_primary.Connection} does not answer, and a planned failover needs both clusters. If it is down, use -Unplanned.");
        if (!primary.IsPrimary)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", $"{_primary.Connection} is in mode '{primary.Mode}', not a DR primary.");
        }

        var health = ReplicationHealthRules.Evaluate(primary, secondary, _host.Time.GetUtcNow());
        if (health.TwoPrimaries || !health.ClusterIdMatch)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", string.Join(" ", health.FailedChecks));
        }

        if (!health.Healthy)
        {
            if (!_plan.Force)
            {
                throw new VaultDrOperationException(
                    "VaultDrSecondaryNotCaughtUp",
                    $"Refusing to fail over: {string.Join(" ", health.FailedChecks)} Wait with Wait-VaultDrReplication, or add -Force to accept losing the writes not yet replicated.");
            }

            _host.Log.Warning($"-Force: failing over although {string.Join(" ", health.FailedChecks)} Writes not yet replicated to {_secondary.Connection} will be lost.");
            return "not caught up; continuing because of -Force";
        }

        return $"caught up at WAL {primary.LastWal}, merkle roots equal";
    }

    private async Task<string> CheckUnplannedAsync(CancellationToken cancellationToken)
    {
        var old = PrimaryBefore = await _primary.TryReadStatusAsync(cancellationToken).ConfigureAwait(false);
        if (old is { IsPrimary: true })
        {
            throw new VaultDrOperationException(
                "VaultDrPrimaryStillActive",
                $"{_primary.Connection} answers and is still a DR primary: an unplanned failover now would leave two primaries. Use -Planned, or stop {_primary.Connection} first.");
        }

        _host.Log.Warning($"Unplanned failover: VaultDr cannot confirm that {_secondary.Connection} had every write of {_primary.Connection}; anything not yet replicated is lost.");
        return old is null ? "the old primary is down; the secondary is ready" : $"the old primary answers in mode '{old.Mode}'";
    }

    private static async Task<DrStatus> ReadAsync(IDrEndpoints cluster, string role, CancellationToken cancellationToken)
    {
        try
        {
            return await cluster.ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VaultDrException e)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", $"The status of {role} {cluster.Connection} could not be read: {e.Message}", e);
        }
    }
}
