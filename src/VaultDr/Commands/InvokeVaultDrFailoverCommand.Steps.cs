using System.Diagnostics;
using System.Management.Automation;
using System.Security;
using System.Text.RegularExpressions;
using VaultDr.Client;
using VaultDr.Pipeline;
using VaultDr.Replication;

namespace VaultDr.Commands;

/// <summary>The steps of Invoke-VaultDrFailover, in Vault's documented order.</summary>
public sealed partial class InvokeVaultDrFailoverCommand
{
    private const string Preflight = "Preflight: read both clusters and check the secondary can take over";
    private const string Demote = "Demote the old primary";
    private const string TokenOnSecondary = "Get a DR operation token on the secondary";
    private const string Promote = "Promote the secondary";
    private const string Verify = "Verify the new primary is running";
    private const string CheckOld = "Check the old primary";
    private const string ReattachToken = "Re-attach: get a DR operation token on the old primary";
    private const string ReattachActivation = "Re-attach: create an activation token on the new primary";
    private const string ReattachUpdate = "Re-attach: point the old primary at the new primary";
    private const string ReattachWait = "Re-attach: wait for the old primary to catch up";
    private const string DeleteTokens = "Delete the DR operation tokens this failover generated";

    private void RunSteps()
    {
        Step(Preflight, Secondary, null, RunPreflight);
        if (IsPlanned)
        {
            Step(Demote, Primary, "Demote the DR primary to a secondary (planned failover)", () =>
            {
                Send(Primary, new VaultRequest(HttpMethod.Post, "sys/replication/dr/primary/demote"));
                return "demoted; it keeps its data and cluster id";
            });
        }

        SecureString? promoteToken = ParameterSetName == TokenSet ? DrOperationToken : null;
        Step(TokenOnSecondary, Secondary, ParameterSetName == TokenSet ? null : $"Generate a DR operation token from {KeyShare.Length} key share(s)", () =>
        {
            if (ParameterSetName == TokenSet)
            {
                return "using the given DR operation token";
            }

            var token = OperationTokenCeremony.Run(this, Secondary, KeyShare, null, Force);
            _generated.Add((Secondary, token));
            promoteToken = token.DrOperationToken;
            return "generated from the key shares";
        });

        Step(Promote, Secondary, Force ? "Promote to DR primary with force=true (safety checks skipped)" : "Promote to DR primary", () =>
        {
            Send(Secondary, new VaultRequest(HttpMethod.Post, "sys/replication/dr/secondary/promote")
                .With("dr_operation_token", promoteToken)
                .With("force", Force ? true : null));
            return Force ? "promote sent with force=true" : "promote sent";
        });

        Step(Verify, Secondary, null, () =>
        {
            var status = PollUntil(Secondary, s => s.IsPrimary && s.State == "running", "report mode primary and state running");
            return $"mode {status.Mode}, state {status.State}";
        });

        var oldReachable = true;
        Step(CheckOld, Primary, null, () =>
        {
            var status = TryReadStatus(Primary);
            if (status is null && IsPlanned)
            {
                // A planned failover promises a re-attached old primary; it died after the demote.
                throw new VaultDrOperationException(
                    "VaultDrOldPrimaryUnreachable",
                    $"{Primary} stopped answering after it was demoted, so it cannot be re-attached now; {Secondary} is the primary.");
            }

            if (status is null)
            {
                oldReachable = false;
                return "unreachable: it will be re-attached later";
            }

            if (status.IsPrimary)
            {
                // It came back as a primary while the new one runs: demote it at once, before clients write to it.
                if (!ShouldChange(Primary.ToString(), "Demote the old primary, which is back and still a primary (two primaries)"))
                {
                    throw new VaultDrOperationException("VaultDrTwoPrimaries", $"{Primary} is still a DR primary next to {Secondary}; it was not demoted.");
                }

                try
                {
                    Send(Primary, new VaultRequest(HttpMethod.Post, "sys/replication/dr/primary/demote"));
                }
                catch (VaultDrException e)
                {
                    throw new VaultDrOperationException("VaultDrTwoPrimaries", $"{Primary} is still a DR primary next to {Secondary}; demoting it failed: {e.Message}", e);
                }

                return "it was back as a primary, and is now demoted";
            }

            return $"reachable, mode {status.Mode}";
        });

        if (!oldReachable)
        {
            foreach (var name in new[] { ReattachToken, ReattachActivation, ReattachUpdate, ReattachWait })
            {
                Skip(name, Primary, "the old primary is unreachable");
            }
        }
        else
        {
            SecureString? reattachToken = ParameterSetName == TokenSet ? DrOperationToken : null;
            Step(ReattachToken, Primary, ParameterSetName == TokenSet ? null : $"Generate a DR operation token from {KeyShare.Length} key share(s)", () =>
            {
                if (ParameterSetName == TokenSet)
                {
                    return "using the given DR operation token (a batch token replicates to every cluster)";
                }

                var token = OperationTokenCeremony.Run(this, Primary, KeyShare, null, Force);
                _generated.Add((Primary, token));
                reattachToken = token.DrOperationToken;
                return "generated from the key shares";
            });

            SecondaryActivationToken? activation = null;
            Step(ReattachActivation, Secondary, $"Create DR secondary activation token '{SecondaryId}' for {Primary}", () =>
            {
                var response = Send(Secondary, new VaultRequest(HttpMethod.Post, "sys/replication/dr/primary/secondary-token")
                    .With("id", SecondaryId)
                    .With("ttl", "1800s"));
                activation = ResponseParsers.ActivationToken(response, SecondaryId!);
                return $"secondary id '{SecondaryId}'";
            });

            Step(ReattachUpdate, Primary, "Point this DR secondary at the new primary (data is kept)", () =>
            {
                Send(Primary, new VaultRequest(HttpMethod.Post, "sys/replication/dr/secondary/update-primary")
                    .With("dr_operation_token", reattachToken)
                    .With("token", activation?.ActivationToken));
                return $"following {Secondary}";
            });

            Step(ReattachWait, Primary, null, WaitForCatchUp);
        }

        Step(DeleteTokens, Secondary, ParameterSetName == KeyShareSet ? "Delete the DR operation tokens generated by this failover" : null, DeleteGeneratedTokens);
    }

    private string? RunPreflight()
    {
        var secondary = ReadStatus(Secondary, "the secondary");
        if (!secondary.IsSecondary)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", $"{Secondary} is in mode '{secondary.Mode}', not a DR secondary: there is nothing to promote.");
        }

        if (ParameterSetName == KeyShareSet)
        {
            // Before anything changes: enough shares for the ceremony, and no attempt in the way.
            var attempt = OperationTokenCalls.ReadProgress(this, Secondary);
            if (attempt.Required > KeyShare.Length)
            {
                throw new VaultDrOperationException(
                    "VaultDrNotEnoughKeyShares",
                    $"{KeyShare.Length} key share(s) were given but {Secondary} needs {attempt.Required} for a DR operation token. Nothing was changed.");
            }

            if (attempt.Started && !Force)
            {
                throw new VaultDrOperationException(
                    "VaultDrOperationTokenAttemptInProgress",
                    $"A DR operation token attempt is already in progress on {Secondary} ({attempt.Progress} of {attempt.Required}). Nothing was changed; stop it with Stop-VaultDrOperationToken or add -Force.");
            }
        }

        if (IsPlanned)
        {
            var primary = TryReadStatus(Primary) ?? throw new VaultDrOperationException(
                "VaultDrPreflightFailed",
                $"{Primary} does not answer, and a planned failover needs both clusters. If it is down, use -Unplanned.");
            if (!primary.IsPrimary)
            {
                throw new VaultDrOperationException("VaultDrPreflightFailed", $"{Primary} is in mode '{primary.Mode}', not a DR primary.");
            }

            var health = ReplicationHealthRules.Evaluate(primary, secondary, DateTimeOffset.UtcNow);
            if (health.TwoPrimaries || !health.ClusterIdMatch)
            {
                throw new VaultDrOperationException("VaultDrPreflightFailed", string.Join(" ", health.FailedChecks));
            }

            if (!health.Healthy)
            {
                if (!Force)
                {
                    throw new VaultDrOperationException(
                        "VaultDrSecondaryNotCaughtUp",
                        $"Refusing to fail over: {string.Join(" ", health.FailedChecks)} Wait with Wait-VaultDrReplication, or add -Force to accept losing the writes not yet replicated.");
                }

                WriteWarning($"-Force: failing over although {string.Join(" ", health.FailedChecks)} Writes not yet replicated to {Secondary} will be lost.");
                return "not caught up; continuing because of -Force";
            }

            return $"caught up at WAL {primary.LastWal}, merkle roots equal";
        }

        var old = TryReadStatus(Primary);
        if (old is { IsPrimary: true })
        {
            throw new VaultDrOperationException(
                "VaultDrPrimaryStillActive",
                $"{Primary} answers and is still a DR primary: an unplanned failover now would leave two primaries. Use -Planned, or stop {Primary} first.");
        }

        WriteWarning($"Unplanned failover: VaultDr cannot confirm that {Secondary} had every write of {Primary}; anything not yet replicated is lost.");
        return old is null ? "the old primary is down; the secondary is ready" : $"the old primary answers in mode '{old.Mode}'";
    }

    private string WaitForCatchUp()
    {
        var clock = Stopwatch.StartNew();
        var poll = new AdaptivePoll();
        while (true)
        {
            var newPrimary = TryReadStatus(Secondary);
            var oldPrimary = TryReadStatus(Primary);
            if (newPrimary is not null && oldPrimary is not null)
            {
                var health = ReplicationHealthRules.Evaluate(newPrimary, oldPrimary, DateTimeOffset.UtcNow);
                if (health.Healthy)
                {
                    return $"caught up at WAL {newPrimary.LastWal} after {clock.Elapsed.TotalSeconds:0.0} s";
                }

                var wait = poll.Next((health.WalLag ?? 1000) + health.FailedChecks.Length);
                if (clock.Elapsed + wait > TimeSpan.FromSeconds(TimeoutSec))
                {
                    throw new VaultDrOperationException("VaultDrReplicationTimeout", $"{Primary} did not catch up within {TimeoutSec} s: {string.Join(" ", health.FailedChecks)}");
                }

                Pause(wait);
            }
            else
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(TimeoutSec))
                {
                    throw new VaultDrOperationException("VaultDrReplicationTimeout", $"The clusters' status could not be read within {TimeoutSec} s.");
                }

                Pause(poll.Next(long.MaxValue / 2));
            }
        }
    }

    private string DeleteGeneratedTokens()
    {
        if (_generated.Count == 0)
        {
            return ParameterSetName == TokenSet ? "none generated (a batch token ends with its TTL)" : "none generated";
        }

        var notes = new List<string>();
        foreach (var (cluster, token) in _generated)
        {
            if (TryReadStatus(cluster) is { IsSecondary: true })
            {
                Send(cluster, new VaultRequest(HttpMethod.Post, "sys/replication/dr/secondary/operation-token/delete").With("dr_operation_token", token.DrOperationToken));
                notes.Add($"deleted the token on {cluster.Name}");
            }
            else
            {
                notes.Add($"the token used to promote {cluster.Name} cannot be deleted through the DR API now that it is a primary");
            }
        }

        return string.Join("; ", notes);
    }

    private void Step(string name, VaultDrConnection target, string? action, Func<string?> work)
    {
        var step = new FailoverStep { Number = _steps.Count + 1, Name = name, Target = target.ToString() };
        _steps.Add(step);
        if (_whatIf)
        {
            if (action is not null)
            {
                ShouldChange(target.ToString(), action);
            }

            step.Status = "WhatIf";
            return;
        }

        if (action is not null && !ShouldChange(target.ToString(), action))
        {
            step.Status = "Declined";
            throw new StepDeclined();
        }

        ToAgent(AzureDevOps.GroupStart($"Failover step {step.Number}: {name}"));
        WriteProgress(new ProgressRecord(3, $"DR failover {Primary.Name} -> {Secondary.Name}", $"Step {step.Number}: {name}"));
        var clock = Stopwatch.StartNew();
        try
        {
            step.Detail = work();
            step.Status = "Succeeded";
            WriteVerbose($"Step {step.Number} ({name}): {step.Detail}");
        }
        catch (VaultDrException e)
        {
            step.Status = "Failed";
            step.Detail = e.Message;
            throw new StepFailed(step, e);
        }
        finally
        {
            step.Duration = clock.Elapsed;
            ToAgent(AzureDevOps.GroupEnd);
        }
    }

    private void Skip(string name, VaultDrConnection target, string reason) =>
        _steps.Add(new FailoverStep { Number = _steps.Count + 1, Name = name, Target = target.ToString(), Status = _whatIf ? "WhatIf" : "Skipped", Detail = reason });

    private DrStatus ReadStatus(VaultDrConnection connection, string role)
    {
        try
        {
            return ResponseParsers.Status(Send(connection, new VaultRequest(HttpMethod.Get, "sys/replication/dr/status")));
        }
        catch (VaultDrException e)
        {
            throw new VaultDrOperationException("VaultDrPreflightFailed", $"The status of {role} {connection} could not be read: {e.Message}", e);
        }
    }

    private DrStatus? TryReadStatus(VaultDrConnection connection)
    {
        try
        {
            return ResponseParsers.Status(Send(connection, new VaultRequest(HttpMethod.Get, "sys/replication/dr/status")));
        }
        catch (VaultDrException)
        {
            return null;
        }
    }

    private DrStatus PollUntil(VaultDrConnection connection, Func<DrStatus, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (TryReadStatus(connection) is { } status && condition(status))
            {
                return status;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(TimeoutSec))
            {
                throw new VaultDrOperationException("VaultDrFailoverVerifyFailed", $"{connection} did not {what} within {TimeoutSec} s.");
            }

            Pause(delay);
            delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(500).Ticks, delay.Ticks * 2));
        }
    }

    private void Pause(TimeSpan wait)
    {
        if (CancelToken.WaitHandle.WaitOne(wait))
        {
            throw new PipelineStoppedException();
        }
    }

    private string NextSafeCommand(FailoverStep failed, VaultDrException error) => failed.Name switch
    {
        Preflight when error.ErrorId == "VaultDrSecondaryNotCaughtUp" =>
            $"Nothing was changed. Wait with Wait-VaultDrReplication -Primary <{Primary.Name}> -Secondary <{Secondary.Name}>, or add -Force to accept losing unreplicated writes.",
        Preflight => "Nothing was changed. Fix what the preflight reported, then run the failover again.",
        Demote => $"Nothing was promoted. Check Get-VaultDrStatus -Connection <{Primary.Name}>: if it is still a primary, clients can keep using it.",
        TokenOnSecondary or Promote =>
            (IsPlanned ? $"No cluster is primary now ({Primary.Name} is demoted). " : string.Empty) +
            $"Promote {Secondary.Name}: $op = <key shares> | New-VaultDrOperationToken -Connection <{Secondary.Name}> -Force; $op | Invoke-VaultDrPromote -Connection <{Secondary.Name}> -Confirm:$false. " +
            "Do not promote any other cluster.",
        Verify => $"The promote was sent. Watch Get-VaultDrStatus -Connection <{Secondary.Name}> until it reports mode primary; do not promote any other cluster meanwhile.",
        CheckOld when error.ErrorId == "VaultDrTwoPrimaries" =>
            $"TWO PRIMARIES may be active: demote {Primary.Name} now with Invoke-VaultDrDemote -Connection <{Primary.Name}> -Confirm:$false.",
        _ => ReattachCommand(),
    };

    private string ReattachCommand() =>
        $"{Secondary.Name} is the primary. Re-attach {Primary.Name} when it is reachable" +
        (IsPlanned ? ": " : $"; it will come back as a primary, so demote it first (Invoke-VaultDrDemote -Connection <{Primary.Name}> -Confirm:$false), then: ") +
        $"$op = <key shares> | New-VaultDrOperationToken -Connection <{Primary.Name}>; " +
        $"New-VaultDrSecondaryToken -Connection <{Secondary.Name}> -Id {SecondaryId} | Update-VaultDrPrimary -Connection <{Primary.Name}> -DrOperationToken $op.DrOperationToken -Confirm:$false; " +
        $"then delete $op with Revoke-VaultDrOperationToken.";

    private static string Describe(DrStatus? status, VaultDrConnection connection) =>
        status is null ? $"{connection.Name} does not answer" : $"{connection.Name} is {status.Mode}{(status.State is { } state ? $" ({state})" : string.Empty)}";

    internal static string DefaultSecondaryId(VaultDrConnection oldPrimary, DateTimeOffset now) =>
        $"{UnsafeIdCharacters().Replace(oldPrimary.Name, "-").Trim('-')}-{now:yyyyMMddHHmmss}";

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeIdCharacters();

    private sealed class StepFailed : Exception
    {
        internal StepFailed(FailoverStep step, VaultDrException error)
            : base(error.Message, error)
        {
            Step = step;
            Error = error;
        }

        internal FailoverStep Step { get; }

        internal VaultDrException Error { get; }
    }

    private sealed class StepDeclined : Exception
    {
    }
}
