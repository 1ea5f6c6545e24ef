using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// The failover's first step: read both clusters (their DR status, and their versions from sys/health) and refuse,
/// before anything changes, a failover that cannot work or would lose data without being told to: a secondary not
/// caught up, too few key shares, a Vault 2.x ceremony without a Vault token, or a re-attach that would make an older
/// cluster the secondary of a newer one.
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

    /// <summary>The old primary's Vault version (sys/health; null when it did not say).</summary>
    internal string? PrimaryVersion { get; private set; }

    /// <summary>The secondary's Vault version (sys/health; null when it did not say).</summary>
    internal string? SecondaryVersion { get; private set; }

    /// <summary>-Force let the failover re-attach an older old primary to a newer new primary.</summary>
    internal bool ForcedVersionSkew { get; private set; }

    /// <summary>Passes with a one-line finding, or throws the reason to refuse.</summary>
    internal async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var versions = Task.WhenAll(_primary.TryReadVersionAsync(cancellationToken), _secondary.TryReadVersionAsync(cancellationToken));
        var secondary = await ReadAsync(_secondary, "the secondary", cancellationToken).ConfigureAwait(false);
        SecondaryBefore = secondary;
        (PrimaryVersion, SecondaryVersion) = await versions.ConfigureAwait(false) is [var p, var s] ? (p, s) : (null, null);
        if (!secondary.IsSecondary)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", $"{_secondary.Connection} is in mode '{secondary.Mode}', not a DR secondary: there is nothing to promote.");
        }

        if (_plan.UsesKeyShares)
        {
            await CheckCeremonyAsync(cancellationToken).ConfigureAwait(false);
        }

        var finding = _plan.Planned ? await CheckPlannedAsync(secondary, cancellationToken).ConfigureAwait(false) : await CheckUnplannedAsync(cancellationToken).ConfigureAwait(false);
        CheckVersions();
        return finding;
    }

    /// <summary>
    /// The re-attach makes the old primary the secondary of the new one: never an older cluster the secondary of a
    /// newer one (the typical case: a failover to a DR cluster upgraded first, as HashiCorp's upgrade order asks).
    /// </summary>
    private void CheckVersions()
    {
        if (!VaultVersions.IsOlder(PrimaryVersion, SecondaryVersion))
        {
            return;
        }

        var skew = $"{_primary.Connection} runs Vault {PrimaryVersion}, older than {_secondary.Connection}'s {SecondaryVersion}: after the failover it would be " +
            $"re-attached as the DR secondary of {_secondary.Connection}, and it is not safe to replicate from a newer version of Vault to an older one.";
        if (!_plan.Force)
        {
            throw new VaultDrOperationException(
                "VaultDrVersionSkew",
                $"{skew} Nothing was changed. Upgrade {_primary.Connection} to {VaultVersions.Release(SecondaryVersion)} or later first, or add -Force.");
        }

        ForcedVersionSkew = true;
        _host.Log.Warning($"-Force: {skew} Upgrade {_primary.Connection.Name} to {VaultVersions.Release(SecondaryVersion)} or later as soon as possible.");
    }

    /// <summary>
    /// Before anything changes: enough shares for the ceremony, no attempt in the way, and on Vault 2.x a Vault token
    /// the ceremony takes (the attempt's status is read with it: a 403 there is the ceremony's 403).
    /// </summary>
    private async Task CheckCeremonyAsync(CancellationToken cancellationToken)
    {
        if (VaultVersions.Is2OrLater(SecondaryVersion) && !_secondary.Connection.HasToken)
        {
            throw Vault2TokenRequired(_secondary, SecondaryVersion, "no Vault token is configured for it");
        }

        if (VaultVersions.Is2OrLater(PrimaryVersion) && !_primary.Connection.HasToken)
        {
            // The re-attach runs the ceremony on the old primary too, after the promote: find out now, not then.
            throw Vault2TokenRequired(_primary, PrimaryVersion, "no Vault token is configured for it, and the re-attach runs the ceremony there after the promote");
        }

        OperationTokenProgress attempt;
        try
        {
            attempt = await _secondary.ReadOperationTokenProgressAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VaultApiException e) when (e.StatusCode == 403)
        {
            throw Vault2TokenRequired(_secondary, SecondaryVersion, "the token configured for it was refused (403 permission denied)", e);
        }

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
            // The report says it too: a report read later, without the warnings, must not hide a lossy failover.
            return $"not caught up ({WalLine(primary.LastWal, secondary.LastRemoteWal)}); continuing because of -Force: writes not yet replicated to {_secondary.Connection.Name} are lost";
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
        var loss = $"writes {_primary.Connection.Name} took after WAL {SecondaryBefore?.LastRemoteWal} (the last {_secondary.Connection.Name} replicated) are lost";
        return old is null ? $"the old primary is down; the secondary is ready; {loss}" : $"the old primary answers in mode '{old.Mode}'; {loss}";
    }

    /// <summary>The refusal of a ceremony Vault 2.x would refuse, with the ways out (a batch token, or break-glass).</summary>
    private static VaultDrOperationException Vault2TokenRequired(IDrEndpoints cluster, string? version, string why, Exception? cause = null) => new(
        "VaultDrVaultTokenRequired",
        $"{cluster.Connection} runs Vault {version ?? "2.x"}: since Vault 2.0 the DR operation token ceremony needs a Vault token as well as the key shares, " +
        $"and {why}. Nothing was changed. Give the connection a token made on the primary (a 2.x DR secondary takes the primary's root token), or fail " +
        "over without the ceremony: -DrOperationToken with a batch DR operation token prepared on the primary (New-VaultDrBatchOperationToken), or, as " +
        "break-glass, add \"generate-operation-token\" to enable_unauthenticated_access in the cluster's server configuration and reload it (SIGHUP).",
        System.Management.Automation.ErrorCategory.PermissionDenied,
        cause);

    private static string WalLine(long? primaryWal, long? secondaryWal) => $"the secondary has WAL {secondaryWal ?? 0} of {primaryWal ?? 0}";

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
