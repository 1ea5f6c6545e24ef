using System.Security;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// Vault's documented DR failover, done the same way every time: preflight, get a DR operation token on the secondary
/// and check its Raft peers with it (removing dead voters with -RemoveDeadPeers), demote the old primary (planned),
/// promote, verify, re-attach the old primary as a secondary of the new one, wait for it to catch up, delete the
/// operation tokens generated on the way. Each change is confirmed right before it is made,
/// so a dry run describes the whole plan and sends nothing. Failback is the same run the other way round.
/// </summary>
internal sealed partial class FailoverRunner
{
    private const int ProgressId = 3;

    private readonly IDrEndpoints _primary;
    private readonly IDrEndpoints _secondary;
    private readonly FailoverPlan _plan;
    private readonly WorkflowHost _host;
    private readonly FailoverPreflight _preflight;
    private readonly FailoverRaftPeers _raftPeers;
    private readonly List<FailoverStep> _steps = [];
    private readonly List<(IDrEndpoints Cluster, OperationToken Token)> _generated = [];
    private bool _dryRun;
    private bool _promoteSent;

    /// <summary>The old primary's version, read when it came back after a preflight that could not read it.</summary>
    private string? LateOldPrimaryVersion { get; set; }

    internal FailoverRunner(IDrEndpoints primary, IDrEndpoints secondary, FailoverPlan plan, WorkflowHost host)
    {
        _primary = primary;
        _secondary = secondary;
        _plan = plan;
        _host = host;
        _dryRun = plan.DryRun;
        _preflight = new FailoverPreflight(primary, secondary, plan, host);
        _raftPeers = new FailoverRaftPeers(secondary, plan, host);
    }

    private string PrimaryName => _primary.Connection.Name;

    private string SecondaryName => _secondary.Connection.Name;

    private string ProgressActivity => $"DR failover {PrimaryName} -> {SecondaryName}";

    /// <summary>Runs every step; a failed or declined step ends the run with a report that says what to do next.</summary>
    internal async Task<FailoverOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var started = _host.Time.GetTimestamp();
        var report = new FailoverReport
        {
            Kind = _plan.Planned ? "Planned" : "Unplanned",
            OldPrimary = _primary.Connection.Address,
            NewPrimary = _secondary.Connection.Address,
            WhatIf = _plan.DryRun,
        };

        try
        {
            await RunStepsAsync(cancellationToken).ConfigureAwait(false);
            report.Succeeded = !_dryRun && _steps.All(s => s.Status is FailoverStepStatus.Succeeded or FailoverStepStatus.Skipped);
            if (!_dryRun && _steps.Any(s => s.Kind == FailoverStepKind.ReattachUpdate && s.Status == FailoverStepStatus.Skipped))
            {
                report.NextSafeCommand = VaultVersions.IsOlder(LateOldPrimaryVersion, _preflight.SecondaryVersion) && !_plan.Force
                    ? $"Upgrade {PrimaryName} to Vault {VaultVersions.Release(_preflight.SecondaryVersion)} or later first; then: {FailoverAdvice.Reattach(_plan, PrimaryName, SecondaryName)}"
                    : FailoverAdvice.Reattach(_plan, PrimaryName, SecondaryName);
            }
            else if (!_dryRun && (_preflight.ForcedVersionSkew || (_plan.Force && VaultVersions.IsOlder(LateOldPrimaryVersion, _preflight.SecondaryVersion))))
            {
                report.NextSafeCommand = FailoverAdvice.UpgradeOldPrimary(PrimaryName, _preflight.SecondaryVersion);
            }
        }
        catch (StepFailedException failed)
        {
            report.FailedStep = failed.Step.ToString();
            report.Error = failed.Error.Message;
            report.NextSafeCommand = FailoverAdvice.AfterFailure(failed.Step.Kind, failed.Error.ErrorId, _plan, PrimaryName, SecondaryName);
        }
        catch (StepDeclinedException declined)
        {
            report.FailedStep = declined.Step.ToString();
            report.Error = "Declined at the confirmation prompt; the steps after it were not run.";
            report.NextSafeCommand = "Read Get-VaultDrStatus -Connection on both clusters before doing anything else.";
        }
        finally
        {
            _host.Progress(new WorkflowProgress(ProgressId, ProgressActivity, "Done", Completed: true));
        }

        if (!_promoteSent)
        {
            await DeleteUnusedTokensAsync(cancellationToken).ConfigureAwait(false);
        }

        report.Steps = [.. _steps];
        report.RaftPeersBefore = _raftPeers.Before;
        report.RaftPeersAfter = _raftPeers.After;
        report.WhatIf = _dryRun;
        report.OldPrimaryStatusBefore = _preflight.PrimaryBefore;
        report.NewPrimaryStatusBefore = _preflight.SecondaryBefore;
        report.OldPrimaryVersion = _preflight.PrimaryVersion ?? LateOldPrimaryVersion;
        report.NewPrimaryVersion = _preflight.SecondaryVersion;
        if (!_dryRun)
        {
            report.OldPrimaryStatus = await _primary.TryReadStatusAsync(cancellationToken).ConfigureAwait(false);
            report.NewPrimaryStatus = await _secondary.TryReadStatusAsync(cancellationToken).ConfigureAwait(false);
            if (report.OldPrimaryStatus is { IsPrimary: true } && report.NewPrimaryStatus is { IsPrimary: true })
            {
                _host.Log.Warning(
                    $"TWO PRIMARIES: {_primary.Connection} and {_secondary.Connection} are both DR primaries. Demote one now: Invoke-VaultDrDemote -Connection <the one clients do not use>.");
            }
        }

        report.Duration = _host.Time.GetElapsedTime(started);
        return new FailoverOutcome(report, report.FailedStep is null ? null : Failure(report));
    }

    private VaultDrOperationException Failure(FailoverReport report) => new(
        "VaultDrFailoverStepFailed",
        $"The failover stopped at step {report.FailedStep}: {report.Error} " +
        $"Now: {FailoverAdvice.Describe(report.OldPrimaryStatus, PrimaryName)}; {FailoverAdvice.Describe(report.NewPrimaryStatus, SecondaryName)}. Next: {report.NextSafeCommand}");

    /// <summary>
    /// One step: confirm it when it changes something, run it, record how it went. Under -WhatIf the step is only
    /// described (its confirmation prints the plan line) and nothing runs.
    /// </summary>
    private async Task StepAsync(FailoverStepKind kind, IDrEndpoints target, string? action, Func<CancellationToken, Task<string?>> work, CancellationToken cancellationToken)
    {
        var step = new FailoverStep { Number = _steps.Count + 1, Kind = kind, Name = FailoverPlan.NameOf(kind), Target = target.Connection.ToString() };
        _steps.Add(step);
        if (action is not null && !_dryRun)
        {
            switch (await _host.ConfirmAsync(target.Connection.ToString(), action).ConfigureAwait(false))
            {
                case Confirmation.Declined:
                    step.Status = FailoverStepStatus.Declined;
                    throw new StepDeclinedException(step);
                case Confirmation.WhatIf:
                    _dryRun = true;
                    break;
            }
        }
        else if (action is not null)
        {
            await _host.ConfirmAsync(target.Connection.ToString(), action).ConfigureAwait(false);
        }

        if (_dryRun)
        {
            step.Status = FailoverStepStatus.WhatIf;
            return;
        }

        _host.Section($"Failover step {step.Number}: {step.Name}");
        _host.Progress(new WorkflowProgress(ProgressId, ProgressActivity, $"Step {step.Number}: {step.Name}"));
        var started = _host.Time.GetTimestamp();
        try
        {
            step.Detail = await work(cancellationToken).ConfigureAwait(false);
            step.Status = FailoverStepStatus.Succeeded;
            _host.Log.Verbose($"Step {step.Number} ({step.Name}): {step.Detail}");
        }
        catch (VaultDrException e)
        {
            step.Status = FailoverStepStatus.Failed;
            step.Detail = e.Message;
            throw new StepFailedException(step, e);
        }
        finally
        {
            step.Duration = _host.Time.GetElapsedTime(started);
            _host.Section(null);
        }
    }

    private void Skip(FailoverStepKind kind, IDrEndpoints target, string reason) => _steps.Add(new FailoverStep
    {
        Number = _steps.Count + 1,
        Kind = kind,
        Name = FailoverPlan.NameOf(kind),
        Target = target.Connection.ToString(),
        Status = _dryRun ? FailoverStepStatus.WhatIf : FailoverStepStatus.Skipped,
        Detail = reason,
    });

    private string CeremonyAction => $"Generate a DR operation token from {_plan.KeyShares.Count} key share(s)";

    /// <summary>A DR operation token for <paramref name="cluster"/>: the one given, or one made from the key shares.</summary>
    private async Task<(SecureString Token, string Detail)> OperationTokenForAsync(IDrEndpoints cluster, string givenDetail, CancellationToken cancellationToken)
    {
        if (_plan.DrOperationToken is { } given)
        {
            return (given, givenDetail);
        }

        var token = await new OperationTokenCeremony(cluster, _host).RunAsync(_plan.KeyShares, null, _plan.Force, cancellationToken).ConfigureAwait(false);
        _generated.Add((cluster, token));
        return (token.DrOperationToken!, "generated from the key shares");
    }

    private sealed class StepFailedException(FailoverStep step, VaultDrException error) : Exception(error.Message, error)
    {
        internal FailoverStep Step { get; } = step;

        internal VaultDrException Error { get; } = error;
    }

    private sealed class StepDeclinedException(FailoverStep step) : Exception("Declined at the confirmation prompt.")
    {
        internal FailoverStep Step { get; } = step;
    }
}

/// <summary>The report of a failover run, and the error to raise when a step failed or was declined.</summary>
internal sealed record FailoverOutcome(FailoverReport Report, VaultDrException? Failure);
