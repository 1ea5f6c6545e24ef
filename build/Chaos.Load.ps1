<#
.SYNOPSIS
    The chaos task's load run: 16 runspaces read status and health from 10 lab clusters without pause while failovers
    run. Run by build/Chaos.ps1 in a fresh pwsh; writes its figures to -ResultFile as JSON.
.DESCRIPTION
    The clusters are five DR pairs; the first pair fails over and back -Failovers times while the readers run. Every
    answer must be correct (the status of a cluster of the right replication set, in a mode that set can be in; a
    health whose role matches its DR mode) or exactly one ErrorRecord with a VaultDr error id and no stack trace.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $ResultFile,
    [int] $Readers = 16,
    [int] $Clusters = 10,
    [int] $Failovers = 8
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest

$lab = @(Start-VaultDrLab -ClusterCount $Clusters -StateStepDelayMs 30 -CatchUpDelayMs 60 -Confirm:$false)
try {
    # Five pairs: vault-1 -> vault-2, vault-3 -> vault-4, ...; a secondary's connection takes its primary's root token.
    $connections = [ordered]@{}
    $expected = @{}
    for ($i = 0; $i -lt $Clusters; $i += 2) {
        $p, $s = $lab[$i], $lab[$i + 1]
        Enable-VaultDrPrimary -Connection $p.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $p.Connection -Id $s.Name | Enable-VaultDrSecondary -Connection $s.Connection -Confirm:$false -WarningAction SilentlyContinue
        foreach ($c in $p, $s) {
            $connections[$c.Name] = New-VaultDrConnection -Name $c.Name -Address $c.Address -Token $p.RootToken -MaxRetries 2 -TimeoutSec 10
        }
        $null = Wait-VaultDrReplication -Primary $connections[$p.Name] -Secondary $connections[$s.Name] -TimeoutSec 30
        $id = (Get-VaultDrStatus -Connection $connections[$p.Name]).ClusterId
        # The first pair fails over and back: either of its clusters may be either role. The others keep theirs.
        $moving = $i -eq 0
        $expected[$p.Name] = @{ ClusterId = $id; Modes = $(if ($moving) { 'primary', 'secondary' } else { , 'primary' }) }
        $expected[$s.Name] = @{ ClusterId = $id; Modes = $(if ($moving) { 'primary', 'secondary' } else { , 'secondary' }) }
    }

    $shared = [hashtable]::Synchronized(@{ Go = $false; Stop = $false; Ready = [System.Collections.Concurrent.ConcurrentQueue[int]]::new() })
    $pool = [runspacefactory]::CreateRunspacePool(1, $Readers)
    $pool.Open()
    $readerJobs = foreach ($n in 0..($Readers - 1)) {
        $ps = [powershell]::Create()
        $ps.RunspacePool = $pool
        $null = $ps.AddScript({
                param($Manifest, $Connections, $Expected, $Shared, $Offset)
                Import-Module $Manifest
                $names = @($Connections.Keys)
                $Shared.Ready.Enqueue($Offset)
                while (-not $Shared.Go) { Start-Sleep -Milliseconds 5 }
                $latencies = [System.Collections.Generic.List[double]]::new()
                $counts = @{ Ok = 0; Errors = 0; Wrong = 0 }
                $wrong = [System.Collections.Generic.List[string]]::new()
                $errorIds = @{}
                $i = $Offset
                while (-not $Shared.Stop) {
                    $name = $names[$i % $names.Count]
                    $health = ($i % 2) -eq 1
                    $i++
                    $Error.Clear()
                    $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                    $out = @(if ($health) { Get-VaultDrHealth -Connection $Connections[$name] -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
                        else { Get-VaultDrStatus -Connection $Connections[$name] -ErrorAction SilentlyContinue -WarningAction SilentlyContinue })
                    $latencies.Add([System.Diagnostics.Stopwatch]::GetElapsedTime($t0).TotalMilliseconds)
                    $errors = @($Error)
                    $want = $Expected[$name]
                    if ($out.Count -eq 1 -and $errors.Count -eq 0) {
                        $answer = $out[0]
                        $right = if ($health) {
                            # sys/health's cluster_id is the Vault cluster's own id, not the replication set's: the name identifies it.
                            $answer.ClusterName -eq $name -and $answer.ReplicationDrMode -in $want.Modes -and
                            (($answer.Role -eq 'active' -and $answer.ReplicationDrMode -eq 'primary') -or ($answer.Role -eq 'dr-secondary' -and $answer.ReplicationDrMode -eq 'secondary'))
                        }
                        else { $answer.ClusterId -eq $want.ClusterId -and "$($answer.Mode)" -in $want.Modes }
                        if ($right) { $counts.Ok++ } else { $counts.Wrong++; if ($wrong.Count -lt 5) { $wrong.Add("$name $(if ($health) { "health $($answer.Role)/$($answer.ReplicationDrMode)" } else { "status $($answer.Mode)" })") } }
                    }
                    elseif ($out.Count -eq 0 -and $errors.Count -eq 1 -and $errors[0].FullyQualifiedErrorId -like 'VaultDr*' -and $errors[0].Exception.Message -notmatch '(?m)^\s+at ') {
                        $counts.Errors++
                        $id = $errors[0].FullyQualifiedErrorId.Split(',')[0]
                        $errorIds[$id] = 1 + [int]$errorIds[$id]
                    }
                    else {
                        $counts.Wrong++
                        if ($wrong.Count -lt 5) { $wrong.Add("$name gave $($out.Count) object(s) and $($errors.Count) error(s): $($errors | Select-Object -First 1)") }
                    }
                }
                [pscustomobject]@{ Latencies = $latencies.ToArray(); Counts = $counts; Wrong = $wrong.ToArray(); ErrorIds = $errorIds }
            }).AddArgument($ModuleManifest).AddArgument($connections).AddArgument($expected).AddArgument($shared).AddArgument($n)
        @{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }

    # Once every reader has imported the module, all start at once, and the first pair fails over and back while they read.
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while ($shared.Ready.Count -lt $Readers -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    $shared.Go = $true
    $shares = @($lab[0].UnsealKeys | Select-Object -First $lab[0].KeyThreshold)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $failoverRuns = foreach ($k in 1..$Failovers) {
        $from, $to = if ($k % 2) { 'vault-1', 'vault-2' } else { 'vault-2', 'vault-1' }
        $report = Invoke-VaultDrFailover -Primary $connections[$from] -Secondary $connections[$to] -KeyShare $shares -SecondaryId "$from-load-$k" -Confirm:$false -WarningAction SilentlyContinue
        [ordered]@{ From = $from; To = $to; Succeeded = $report.Succeeded; Seconds = [Math]::Round($report.Duration.TotalSeconds, 2) }
    }
    $shared.Stop = $true
    $window = $clock.Elapsed.TotalSeconds
    $results = foreach ($r in $readerJobs) { $r.PowerShell.EndInvoke($r.Handle); $r.PowerShell.Dispose() }
    $pool.Dispose()

    $latencies = [double[]]@($results | ForEach-Object { $_.Latencies })
    [Array]::Sort($latencies)
    $at = { param($q) $latencies[[Math]::Min($latencies.Length - 1, [int][Math]::Floor($q * $latencies.Length))] }
    $errorIds = @{}
    foreach ($r in $results) { foreach ($k in $r.ErrorIds.Keys) { $errorIds[$k] = [int]$errorIds[$k] + $r.ErrorIds[$k] } }
    $summary = [ordered]@{
        Readers = $Readers; Clusters = $Clusters; Failovers = @($failoverRuns); WindowSeconds = [Math]::Round($window, 1)
        Reads = $latencies.Length; Ok = [int]($results | Measure-Object { $_.Counts.Ok } -Sum).Sum; Errors = [int]($results | Measure-Object { $_.Counts.Errors } -Sum).Sum
        Wrong = [int]($results | Measure-Object { $_.Counts.Wrong } -Sum).Sum; WrongExamples = @($results | ForEach-Object { $_.Wrong } | Select-Object -First 5)
        ErrorIds = $errorIds; P50Ms = [Math]::Round((& $at 0.5), 3); P99Ms = [Math]::Round((& $at 0.99), 3); MaxMs = [Math]::Round($latencies[-1], 3)
    }
    $summary | ConvertTo-Json -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    Write-Host ("Load: {0} reads by {1} runspaces from {2} clusters in {3:0.0} s, {4} failovers: {5} correct, {6} clear errors, {7} wrong; p50 {8} ms, p99 {9} ms, max {10} ms" -f
        $summary.Reads, $Readers, $Clusters, $window, $Failovers, $summary.Ok, $summary.Errors, $summary.Wrong, $summary.P50Ms, $summary.P99Ms, $summary.MaxMs)
}
finally { Stop-VaultDrLab -Confirm:$false }
