<#
.SYNOPSIS
    One chaos round, end to end: a fresh lab, the plan's steps with their faults, the checks after every step, the
    way back, the checks at the end. Dot-sourced by build/Chaos.ps1 and tests/Pester/Chaos.Tests.ps1.
#>

foreach ($part in 'Plan', 'Lab', 'Watch', 'Steps', 'Advice', 'Invariants') { . (Join-Path $PSScriptRoot "Chaos.$part.ps1") }

function Get-ChaosReplayCommand($Plan) {
    "dotnet pwsh ./build.ps1 -Task Chaos -Seed $($Plan.Seed) -Round $($Plan.Round)$(if ($Plan.Clusters -ne 2) { " -Clusters $($Plan.Clusters)" })"
}

function Invoke-ChaosRound {
    <#
        Runs the round of -Plan and returns its result: the violations (each naming its invariant), whether the way back
        was needed and how long it took, the faults that landed by kind, and the text a failing round prints.
    #>
    param([Parameter(Mandatory)] $Plan, [Parameter(Mandatory)] $Watcher)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $result = [ordered]@{
        Seed = $Plan.Seed; Round = $Plan.Round; Scenario = $Plan.Scenario; Plan = $Plan; Violations = @(); Error = $null
        StoppedAt = $null; NeededAdvice = $false; RecoveryMs = $null; Faults = @{}; Missed = 0; Duration = $null; Text = ''; Notes = @()
    }
    $context = $null
    $logText = ''
    try {
        $context = New-ChaosSet -Plan $Plan
        $context.Slices = [System.Collections.Generic.List[object]]::new()
        foreach ($step in $Plan.Steps) {
            $context.CurrentStep = $step.Id
            $faults = @($Plan.Faults | Where-Object Step -eq $step.Id)
            $landed = [System.Collections.Generic.List[object]]::new()
            foreach ($fault in $faults | Where-Object Phase -eq 'Before') { Invoke-ChaosFault $context $fault; $landed.Add($fault) }
            $job = Start-ChaosWatch $Watcher $context $step $faults @(Get-ChaosRequestLog $context).Count
            try { $goOn = Invoke-ChaosAction $context $step }
            finally { $null = Stop-ChaosWatch $Watcher $job }
            foreach ($fired in $job.Fired) { if ($fired.Action -eq 'Apply') { $landed.Add($fired.Fault) } }
            foreach ($message in $job.Errors) { $context.Notes.Add("$($step.Id): $message") }
            foreach ($seen in $job.TwoPrimaries) { $context.TwoPrimaries.Add($seen) }
            $healed = @($job.Fired | Where-Object Action -eq 'Heal' | ForEach-Object Fault)
            foreach ($fault in $landed) {
                $context.Applied.Add($fault)
                if ($fault.Heal -in 'AfterStep', 'Inside' -and $healed -notcontains $fault) { Undo-ChaosFault $context $fault }
            }
            $result.Missed += @($faults | Where-Object { $landed -notcontains $_ }).Count
            foreach ($group in Find-ChaosPrimaries @(Get-ChaosTruth $context)) {
                $context.TwoPrimaries.Add(@{ Time = [DateTimeOffset]::UtcNow; Step = $step.Id; Clusters = @($group.Group.Name) })
            }
            foreach ($slice in $context.Slices | Where-Object Step -eq $step.Id) { Test-ChaosAtMostOnce $context $slice }
            if (-not $goOn) { $result.StoppedAt = $step.Id; break }
        }

        # The end of the round: every fault cleared, then the way back when the scenario stopped, then the checks.
        $context.CurrentStep = 'end'
        Reset-ChaosLab $context
        if ($result.StoppedAt) {
            $result.NeededAdvice = $true
            $recovery = [System.Diagnostics.Stopwatch]::StartNew()
            $last = if ($context.Reports.Count) { $context.Reports[$context.Reports.Count - 1] }
            if ($last -and $last.Report.NextSafeCommand) {
                $advice = Invoke-ChaosAdvice -Context $context -Report $last.Report -Failover $last.Parameters
                $context.Notes.Add("way back: $($advice.Ran -join ' | ')$(if ($advice.Skipped.Count) { "; skipped: $($advice.Skipped -join ' | ')" })")
                foreach ($problem in $advice.Problems) { Add-ChaosViolation $context 'AlwaysAWayBack' "the last report's NextSafeCommand, run after the faults were cleared: $problem" }
            }
            elseif ($last) { $context.Notes.Add("way back: the last report ($($last.Report.FailedStep)) has no NextSafeCommand") }
            if ($Plan.Clusters -gt 2) {
                $primary = @(Get-ChaosTruth $context | Where-Object Mode -eq 'primary')
                if ($primary.Count -eq 1) { $null = Invoke-ChaosRepoint -Context $context -Primary $primary[0].Name }
            }
            $why = Test-ChaosConverged $context
            $result.RecoveryMs = $recovery.Elapsed.TotalMilliseconds
            if ($why) { Add-ChaosViolation $context 'AlwaysAWayBack' "after the faults were cleared and the last report's NextSafeCommand was run: $why. NextSafeCommand: $(if ($last) { $last.Report.NextSafeCommand } else { 'none (no report)' })" }
        }
        else {
            $why = Test-ChaosConverged $context
            if ($why) { Add-ChaosViolation $context 'AlwaysAWayBack' "the scenario ran to its end, but after the faults were cleared: $why" }
        }
        foreach ($slice in $context.Slices | Where-Object Step -eq 'end') { Test-ChaosAtMostOnce $context $slice }
        $primaries = @(Get-ChaosTruth $context | Where-Object Mode -eq 'primary')
        if ($primaries.Count -eq 1) { Test-ChaosWrites $context $primaries[0].Name }
        else { $context.Notes.Add('the writes were not checked: there is no single primary') }
        Test-ChaosSplitBrain $context

        $logText = Format-ChaosRequestLog @(Get-ChaosRequestLog $context)
        $texts = [System.Collections.Generic.List[string]]::new()
        foreach ($entry in $context.Records) { foreach ($text in Get-ChaosRecordText $entry.Record) { $texts.Add([string]$text) } }
        foreach ($entry in $context.Reports) { $texts.Add(($entry.Report | Format-List * | Out-String -Width 400)); $texts.Add(($entry.Report.Steps | Format-List * | Out-String -Width 400)) }
        foreach ($line in Get-VaultDrLabLog -Cluster @($context.Clusters.Values)) { $texts.Add("$($line.Cluster) $($line.Level) $($line.Message)") }
        $texts.Add($logText)
        $texts.AddRange([string[]]@($context.Notes))
        Test-ChaosLeaks $context $texts
    }
    catch {
        $result.Error = "$_ ($($_.InvocationInfo.PositionMessage -replace '\s+', ' '))"
    }
    finally {
        if ($context) {
            $processId = $context.Lab.ProcessId
            Stop-VaultDrLab -Lab $context.Lab -Confirm:$false -ErrorAction SilentlyContinue
            if (-not (Test-ChaosProcessGone $processId)) {
                Add-ChaosViolation $context 'NothingLeaks' "the lab process $processId still runs after Stop-VaultDrLab"
            }
            $result.Violations = @($context.Violations)
            $result.Notes = @($context.Notes)
            foreach ($fault in $context.Applied) { $result.Faults[$fault.Kind] = 1 + [int]$result.Faults[$fault.Kind] }
        }
    }
    $result.Duration = $clock.Elapsed
    $result.Text = Format-ChaosRound $result $context $logText
    [pscustomobject]$result
}

function Format-ChaosRequestLog([object[]] $Requests) {
    <# Each cluster's request log: one line per request (never a body: the digest tells bodies apart). #>
    $lines = foreach ($group in $Requests | Group-Object cluster | Sort-Object Name) {
        "  Request log of $($group.Name):"
        foreach ($r in $group.Group) {
            $time = ([DateTimeOffset]$r.time).UtcDateTime.ToString('HH:mm:ss.fff')
            "    $time $($r.method.PadRight(6)) $("$($r.status)".PadLeft(3))$(if ($r.faulted) { ' fault' } else { '      ' }) $($r.path)$(if ($r.bodyDigest) { " #$($r.bodyDigest)" })"
        }
    }
    $lines -join "`n"
}

function Format-ChaosRound($Result, $Context, [string] $LogText) {
    <# What a round prints when it fails: the replay command, the schedule, what happened, every cluster's request log. #>
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add("Replay alone: $(Get-ChaosReplayCommand $Result.Plan)")
    foreach ($line in Format-ChaosPlan $Result.Plan) { $lines.Add($line) }
    if ($Result.Error) { $lines.Add("  Runner error: $($Result.Error)") }
    foreach ($v in $Result.Violations) { $lines.Add("  VIOLATION $($v.Name) (at $($v.Step)): $($v.Detail)") }
    if ($Context) {
        foreach ($entry in $Context.Reports) {
            $r = $entry.Report
            $lines.Add("  Report of $($entry.Step): $(if ($r.Succeeded) { 'succeeded' } else { "failed at $($r.FailedStep): $($r.Error)" })")
            if ($r.NextSafeCommand) { $lines.Add("    NextSafeCommand: $($r.NextSafeCommand)") }
        }
        foreach ($note in $Context.Notes) { $lines.Add("  Note: $note") }
    }
    if ($Result.StoppedAt) { $lines.Add("  The scenario stopped at $($Result.StoppedAt); the way back took $([Math]::Round($Result.RecoveryMs)) ms") }
    if ($LogText) { $lines.Add($LogText) }
    $lines -join "`n"
}
