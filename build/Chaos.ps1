<#
.SYNOPSIS
    Seeded chaos runs of failover and failback against the lab, with invariants; then load and soak; writes
    docs/reliability.md. Run by build.ps1 -Task Chaos in a fresh pwsh.
.DESCRIPTION
    Rounds 1 to -Rounds of -Seed, each in a fresh lab of -Clusters clusters (round r of seed s is the same plan on
    every run: build/Chaos.Plan.ps1). A failing round prints the command that replays it alone, its schedule and every
    cluster's request log. With -Round, only that round runs (a replay): no load, no soak, no page. Otherwise the load and
    soak runs follow, each in a fresh pwsh (build/Chaos.Load.ps1, build/Chaos.Soak.ps1), and -OutputFile is written.
    Exits 1 when any round broke an invariant, the runner itself failed, the load got a wrong answer, the soak grew by
    5% or more, or a process the run started outlived it.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [long] $Seed = 20261130,
    [ValidateRange(1, 100000)][int] $Rounds = 300,
    [ValidateRange(0, 100000)][int] $Round = 0,
    [ValidateRange(2, 9)][int] $Clusters = 2,
    [string] $OutputFile,
    [string] $ResultFile,
    # Write -OutputFile again from the -ResultFile of an earlier run, without running anything.
    [string] $ReportFrom
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Off
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
Import-Module $ModuleManifest
. (Join-Path $PSScriptRoot 'Chaos.Round.ps1')
. (Join-Path $PSScriptRoot 'Chaos.Report.ps1')

if ($ReportFrom) {
    $earlier = Get-Content -Raw $ReportFrom | ConvertFrom-Json
    Write-ChaosReport -Summary $earlier -Load $earlier.Load -Soak $earlier.Soak -OutputFile $OutputFile -ModuleManifest $ModuleManifest
    Write-Host "    $OutputFile (from $ReportFrom)"
    exit 0
}

$runClock = [System.Diagnostics.Stopwatch]::StartNew()
$numbers = if ($Round -gt 0) { @($Round) } else { 1..$Rounds }
$results = [System.Collections.Generic.List[object]]::new()
$watcher = Start-ChaosWatcher -ModuleManifest $ModuleManifest
try {
    foreach ($number in $numbers) {
        $plan = New-ChaosPlan -Seed $Seed -Round $number -Clusters $Clusters
        $result = Invoke-ChaosRound -Plan $plan -Watcher $watcher
        $results.Add($result)
        $verdict = if ($result.Error) { 'RUNNER ERROR' } elseif ($result.Violations.Count) { "$($result.Violations.Count) VIOLATION(S)" } else { 'ok' }
        $faults = ($result.Faults.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Value)" }) -join ', '
        Write-Host ("Round {0,4} {1,-9} {2,5:0.0} s  {3}{4}{5}" -f $number, $plan.Scenario, $result.Duration.TotalSeconds, $verdict,
            $(if ($result.NeededAdvice) { ', way back' } else { '' }), $(if ($faults) { "  [$faults]" } else { '' }))
        if ($Round -gt 0 -or $result.Error -or $result.Violations.Count) { Write-Host $result.Text }
    }
}
finally { Stop-ChaosWatcher $watcher }

$failed = @($results | Where-Object { $_.Error -or $_.Violations.Count })
$roundSeconds = $runClock.Elapsed.TotalSeconds
Write-Host ("Chaos: {0} round(s) of seed {1} in {2:0} s: {3} failed" -f $results.Count, $Seed, $roundSeconds, $failed.Count)

$load = $soak = $null
if ($Round -eq 0) {
    # Each in a fresh pwsh: the soak measures one session from its start, and neither inherits the rounds' memory.
    $work = Join-Path ([IO.Path]::GetTempPath()) "vaultdr-chaos-$PID"
    New-Item -ItemType Directory -Force -Path $work | Out-Null
    foreach ($part in 'Load', 'Soak') {
        $file = Join-Path $work "$part.json"
        dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot "Chaos.$part.ps1") -ModuleManifest $ModuleManifest -ResultFile $file
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $file)) { Write-Host "The $part run failed (exit code $LASTEXITCODE)."; $failed += "$part run" ; continue }
        Set-Variable -Name $part.ToLowerInvariant() -Value (Get-Content -Raw $file | ConvertFrom-Json)
    }
    Remove-Item -Recurse -Force $work
    if ($load -and $load.Wrong) { $failed += 'load'; Write-Host "LOAD: $($load.Wrong) answer(s) neither correct nor one clear error: $($load.WrongExamples -join '; ')" }
    if ($soak -and ($soak.WorkingSetGrowthPercent -ge 5 -or $soak.HandleGrowthPercent -ge 5)) { $failed += 'soak'; Write-Host 'SOAK: the working set or the handle count grew by 5% or more after the warm-up.' }
}

$leftOver = @(Get-ChaosChildProcesses)
if ($leftOver) { Write-Host "NOTHING LEAKS: $($leftOver.Count) process(es) this run started still run: $(($leftOver | ForEach-Object { "$($_.Id) $($_.ProcessName)" }) -join ', ')" }
$summary = [ordered]@{
    Seed = $Seed; Clusters = $Clusters; Rounds = $results.Count; Failed = $failed.Count; LeftOverProcesses = $leftOver.Count
    Seconds = [Math]::Round($roundSeconds, 1); TaskSeconds = [Math]::Round($runClock.Elapsed.TotalSeconds, 1)
    Date = [DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture); Load = $load; Soak = $soak
    Results = @($results | ForEach-Object {
            [ordered]@{
                Round = $_.Round; Scenario = $_.Scenario; Seconds = [Math]::Round($_.Duration.TotalSeconds, 2); Error = $_.Error
                Violations = @($_.Violations | ForEach-Object { [ordered]@{ Invariant = $_.Invariant; Name = $_.Name; Detail = $_.Detail } })
                NeededAdvice = $_.NeededAdvice; RecoveryMs = $_.RecoveryMs; Faults = $_.Faults; Missed = $_.Missed; StoppedAt = $_.StoppedAt
            }
        })
}
if ($ResultFile) { $summary | ConvertTo-Json -Depth 6 | Set-Content -Path $ResultFile -Encoding utf8NoBOM }
if ($Round -eq 0 -and $OutputFile) {
    # Read back from JSON, as a later -ResultFile would be: one shape for the page, however it was made.
    Write-ChaosReport -Summary ($summary | ConvertTo-Json -Depth 6 | ConvertFrom-Json) -Load $load -Soak $soak -OutputFile $OutputFile -ModuleManifest $ModuleManifest
    Write-Host "    $OutputFile"
}
if ($failed.Count -or $leftOver.Count) { exit 1 }
exit 0
