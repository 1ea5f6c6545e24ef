<#
.SYNOPSIS
    The chaos task's soak run: -Calls Get-VaultDrStatus calls in one session after a warm-up, with the process's working
    set and handle count sampled along the way. Run by build/Chaos.ps1 in a fresh pwsh; writes the curves to -ResultFile.
.DESCRIPTION
    The warm-up lasts until a thousand calls in a row make .NET compile fewer than 20 new methods (at least -MinWarmUp
    calls), as build/Bench.ps1's does: before that the process grows with compiled code (tiered compilation recompiles
    hot code after a while, PowerShell compiles a loop after enough iterations), not with anything VaultDr holds on to.
    Then -Calls measured calls. Every -Every calls the runner collects garbage twice (so a sample counts what is still
    held, not what merely has not been collected yet) and reads the working set and handle count. Growth is measured
    from the sample at the end of the warm-up to the last.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $ResultFile,
    [int] $Calls = 20000,
    [int] $Every = 500,
    [int] $MinWarmUp = 2000,
    [int] $MaxWarmUp = 40000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest

$cluster = Start-VaultDrLab -ClusterCount 1 -Confirm:$false
try {
    Enable-VaultDrPrimary -Connection $cluster.Connection -WarningAction SilentlyContinue
    $connection = $cluster.Connection
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $samples = [System.Collections.Generic.List[object]]::new()
    $state = @{ Done = 0; Failures = 0 }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    function Invoke-Calls([int] $Count) {
        for ($i = 0; $i -lt $Count; $i++) {
            $status = Get-VaultDrStatus -Connection $connection -ErrorAction SilentlyContinue
            if ("$($status.Mode)" -ne 'primary') { $state.Failures++ }
            $state.Done++
            if ($state.Done % $Every -eq 0) {
                [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
                $process.Refresh()
                $samples.Add([ordered]@{ Calls = $state.Done; WorkingSetMB = [Math]::Round($process.WorkingSet64 / 1MB, 2); Handles = $process.HandleCount; Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 2) })
            }
        }
    }
    do {
        $compiled = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        Invoke-Calls 1000
    } while ($state.Done -lt $MaxWarmUp -and ($state.Done -lt $MinWarmUp -or [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $compiled -ge 20))
    $warmUp = $state.Done
    Invoke-Calls $Calls
    $base = $samples | Where-Object { $_.Calls -eq $warmUp } | Select-Object -First 1
    $last = $samples[-1]
    $summary = [ordered]@{
        Calls = $Calls; Every = $Every; WarmUp = $warmUp; Failures = $state.Failures; Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 1)
        WorkingSetGrowthPercent = [Math]::Round(100 * ($last.WorkingSetMB - $base.WorkingSetMB) / $base.WorkingSetMB, 2)
        HandleGrowthPercent = [Math]::Round(100 * ($last.Handles - $base.Handles) / $base.Handles, 2)
        Samples = @($samples)
    }
    $summary | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    Write-Host ("Soak: {0} warm-up calls, then {1} calls; {2} failed; working set {3} -> {4} MB ({5:+0.00;-0.00}%), handles {6} -> {7} ({8:+0.00;-0.00}%)" -f
        $warmUp, $Calls, $state.Failures, $base.WorkingSetMB, $last.WorkingSetMB, $summary.WorkingSetGrowthPercent, $base.Handles, $last.Handles, $summary.HandleGrowthPercent)
}
finally { Stop-VaultDrLab -Confirm:$false }
