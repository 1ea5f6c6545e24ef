<#
.SYNOPSIS
    Measures VaultDr against its floors on this machine, prints a table and writes docs/performance.md.
.DESCRIPTION
    Run by build.ps1 -Task Bench in a fresh pwsh after Build. One lab run (50 clusters) serves every
    lab measurement:
      1. per-call cost of Get-VaultDrStatus vs a raw HttpClient GET vs Invoke-RestMethod (same URL);
      2. Import-Module time vs an empty module, in fresh processes;
      3. a 50-cluster concurrent status read vs one cluster vs a sequential loop;
      4. Wait-VaultDrReplication's return vs the moment the lab first shows caught-up (when present);
      5. planned failover + failback with Invoke-VaultDrFailover vs the lab's configured delays (when present).
    Performance is measured here, never asserted in timed tests.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [string] $OutputFile = (Join-Path $PSScriptRoot '../docs/performance.md'),
    [int] $Calls = 2000,
    [int] $WarmUpCalls = 4000,
    [int] $MaxWarmUpCalls = 40000,
    [int] $ImportRuns = 20,
    [int] $FleetRuns = 100,
    [int] $RoundTripMs = 20
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModuleManifest = (Resolve-Path $ModuleManifest).Path
Import-Module $ModuleManifest -Force
$total = [System.Diagnostics.Stopwatch]::StartNew()
$TicksPerMs = [System.Diagnostics.Stopwatch]::Frequency / 1000.0

# Lab delays, passed explicitly so the floor of the failover benchmark is known.
$StateStepDelayMs = 200
$CatchUpDelayMs = 400

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $n = $sorted.Count
    if ($n -eq 0) { return [double]::NaN }
    if ($n % 2) { return $sorted[($n - 1) / 2] }
    return ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2
}

function Get-ElapsedMs([long] $From, [long] $To) { ($To - $From) / $TicksPerMs }

function Format-Ms([double] $Ms) {
    if ([double]::IsNaN($Ms)) { return 'n/a' }
    if ($Ms -lt 10) { return '{0:0.000} ms' -f $Ms }
    return '{0:0.0} ms' -f $Ms
}

function Format-Ratio([double] $Ratio) { if ([double]::IsNaN($Ratio)) { 'n/a' } else { '{0:0.00}x' -f $Ratio } }

$results = [System.Collections.Generic.List[object]]::new()
function Add-Result {
    param([string] $Benchmark, [string] $Measure, [double] $MedianMs, [double] $Ratio = [double]::NaN, [string] $Target = '', [string] $Result = '')
    $results.Add([pscustomobject]@{
            Benchmark = $Benchmark; Measure = $Measure; Median = (Format-Ms $MedianMs); Ratio = (Format-Ratio $Ratio); Target = $Target; Result = $Result
            MedianMs = $MedianMs; RatioValue = $Ratio
        })
}

# Where a secondary is caught up, the modules Import-Module is compared with, and the report: each in its own file.
. (Join-Path $PSScriptRoot 'Bench.CaughtUp.ps1')
. (Join-Path $PSScriptRoot 'Bench.Floors.ps1')
. (Join-Path $PSScriptRoot 'Bench.Report.ps1')

function Get-PlainText([securestring] $Secret) { [System.Net.NetworkCredential]::new('', $Secret).Password }

function Wait-Until([scriptblock] $Condition, [string] $Because, [int] $TimeoutSec = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting until $Because." }
        Start-Sleep -Milliseconds 20
    }
}

# --- 2. Import-Module, in fresh processes (before the lab, so the lab does not share the CPUs) ----------
Write-Host "==> Import-Module: $ImportRuns fresh processes each, interleaved"
$benchTemp = Join-Path ([System.IO.Path]::GetTempPath()) "vaultdr-bench-$PID"
$floors = New-ImportFloorModule -Path $benchTemp

$measureImport = {
    param($Path)
    $probe = "`$sw = [System.Diagnostics.Stopwatch]::StartNew(); Import-Module '$Path'; `$sw.Stop(); [Console]::Out.WriteLine(`$sw.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture))"
    $text = dotnet pwsh -NoProfile -NonInteractive -Command $probe
    if ($LASTEXITCODE -ne 0) { throw "Importing $Path in a fresh pwsh failed." }
    [double]::Parse((@($text)[-1]), [cultureinfo]::InvariantCulture)
}
$importVaultDr = [System.Collections.Generic.List[double]]::new()
$importEmpty = [System.Collections.Generic.List[double]]::new()
$importShape = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $ImportRuns; $i++) {
    $importVaultDr.Add((& $measureImport $ModuleManifest))
    $importEmpty.Add((& $measureImport $floors.Empty))
    $importShape.Add((& $measureImport $floors.Shape))
}
Remove-Item -Recurse -Force $benchTemp
$importMedian = Get-Median $importVaultDr
$emptyMedian = Get-Median $importEmpty
$shapeMedian = Get-Median $importShape
$importAdded = $importMedian - $emptyMedian
Add-Result 'Import-Module' 'empty module (floor)' $emptyMedian 1
Add-Result 'Import-Module' 'one-cmdlet compiled module with a one-view format file (floor of this shape)' $shapeMedian ($shapeMedian / $emptyMedian)
Add-Result 'Import-Module' 'VaultDr' $importMedian ($importMedian / $emptyMedian) "empty floor + at most 20 ms (+$(Format-Ms $importAdded))" $(if ($importAdded -le 20) { 'PASS' } else { 'MISS' })

Write-Host "==> Start-VaultDrLab -ClusterCount 50 -StateStepDelayMs $StateStepDelayMs -CatchUpDelayMs $CatchUpDelayMs"
$labClock = [System.Diagnostics.Stopwatch]::StartNew()
$clusters = @(Start-VaultDrLab -ClusterCount 50 -StateStepDelayMs $StateStepDelayMs -CatchUpDelayMs $CatchUpDelayMs)
$labStartMs = $labClock.Elapsed.TotalMilliseconds
try {
    # --- 1. per-call cost ---------------------------------------------------------------------------------
    $target = $clusters[2]
    $connection = $target.Connection
    $url = [Uri]::new($connection.Address, 'v1/sys/replication/dr/status').AbsoluteUri
    $token = Get-PlainText $target.RootToken
    $http = [System.Net.Http.HttpClient]::new()
    $http.DefaultRequestHeaders.Add('X-Vault-Request', 'true')
    $http.DefaultRequestHeaders.Add('X-Vault-Token', $token)
    $headers = @{ 'X-Vault-Request' = 'true'; 'X-Vault-Token' = $token }

    # The RestSharp floor: the same RestSharp.dll the module ships, loaded into a context of its own (the module's
    # copy sits in its private context), one RestClient with default options and one reused request.
    $restSharpContext = [System.Runtime.Loader.AssemblyLoadContext]::new('VaultDrBenchRestSharp')
    $restSharp = $restSharpContext.LoadFromAssemblyPath((Join-Path (Split-Path $ModuleManifest) 'dependencies/RestSharp.dll'))
    $restOptions = [Activator]::CreateInstance($restSharp.GetType('RestSharp.RestClientOptions'), [object[]]@($connection.Address))
    $rest = [Activator]::CreateInstance($restSharp.GetType('RestSharp.RestClient'), [object[]]@($restOptions, $null, $null, $false))
    $restRequest = [Activator]::CreateInstance($restSharp.GetType('RestSharp.RestRequest'), [object[]]@([Uri]$url, [Enum]::Parse($restSharp.GetType('RestSharp.Method'), 'Get')))
    $restExtensions = $restSharp.GetType('RestSharp.RestRequestExtensions')
    $null = $restExtensions::AddHeader($restRequest, 'X-Vault-Request', 'true')
    $null = $restExtensions::AddHeader($restRequest, 'X-Vault-Token', $token)
    $none = [System.Threading.CancellationToken]::None
    $epoch = [datetime]::UnixEpoch
    $probe = $rest.ExecuteAsync($restRequest, $none).GetAwaiter().GetResult()
    if ([int]$probe.StatusCode -ne 200) { throw "The RestSharp floor got $([int]$probe.StatusCode) from $url." }

    Write-Host "==> Per call: warm-up until .NET has compiled the hot code, then $Calls measured calls of Get-VaultDrStatus / HttpClient / RestSharp / Invoke-RestMethod"
    # .NET compiles hot code again, optimised, after it has run a while (tiered compilation, with profile-guided
    # instrumentation in between), and PowerShell compiles a loop after enough iterations. The warm-up runs every
    # method, $WarmUpCalls rounds at least, until a thousand rounds in a row compile (almost) nothing new.
    $warmUpRounds = 0
    while ($warmUpRounds -lt $MaxWarmUpCalls) {
        $compiledBefore = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        for ($i = 0; $i -lt 1000; $i++) {
            $null = Get-VaultDrStatus -Connection $connection
            $null = $http.GetStringAsync($url).GetAwaiter().GetResult()
            $null = $rest.ExecuteAsync($restRequest, $none).GetAwaiter().GetResult()
            if ($i % 8 -eq 0) { $null = Invoke-RestMethod -Uri $url -Headers $headers }
            $null = Get-Date -Date $epoch
        }
        $warmUpRounds += 1000
        if ($warmUpRounds -ge $WarmUpCalls -and [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $compiledBefore -lt 20) { break }
    }
    # Rounds of one call of each method in rotating order, so every call runs among the others as a real one would
    # (a cmdlet call after I/O finds colder caches than one in a tight loop). Invoke-RestMethod is timed apart, in
    # its own loop: it opens a new connection for every call, and the lab closing it would slow whatever ran next.
    $perCall = @{}
    foreach ($method in 0..4) { $perCall[$method] = [System.Collections.Generic.List[double]]::new($Calls) }
    $orders = @(0, 1, 2, 4), @(1, 2, 4, 0), @(2, 4, 0, 1), @(4, 0, 1, 2)
    for ($i = 0; $i -lt $Calls; $i++) {
        foreach ($which in $orders[$i % 4]) {
            $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
            switch ($which) {
                0 { $null = Get-VaultDrStatus -Connection $connection }
                1 { $null = $http.GetStringAsync($url).GetAwaiter().GetResult() }
                2 { $null = $rest.ExecuteAsync($restRequest, $none).GetAwaiter().GetResult() }
                4 { $null = Get-Date -Date $epoch }
            }
            $perCall[$which].Add((Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())))
        }
    }
    for ($i = 0; $i -lt $Calls; $i++) {
        $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
        $null = Invoke-RestMethod -Uri $url -Headers $headers
        $perCall[3].Add((Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())))
    }
    $vaultDrMs, $httpMs, $restMs, $irmMs, $cmdletMs = $perCall[0], $perCall[1], $perCall[2], $perCall[3], $perCall[4]
    $rest.Dispose()
    $vaultDrMedian = Get-Median $vaultDrMs
    $httpMedian = Get-Median $httpMs
    $restMedian = Get-Median $restMs
    $irmMedian = Get-Median $irmMs
    $cmdletMedian = Get-Median $cmdletMs
    Add-Result 'Per call' 'raw HttpClient GET (floor)' $httpMedian 1
    Add-Result 'Per call' 'bare RestSharp GET (library floor)' $restMedian ($restMedian / $httpMedian)
    Add-Result 'Per call' 'a compiled cmdlet with one parameter, no I/O (Get-Date -Date)' $cmdletMedian ($cmdletMedian / $httpMedian)
    # The floor a RestSharp-based cmdlet cannot go below: a bare RestSharp GET plus the cost of any cmdlet call.
    $perCallFloor = $restMedian + $cmdletMedian
    Add-Result 'Per call' 'RestSharp GET + cmdlet call (floor)' $perCallFloor ($perCallFloor / $httpMedian)
    Add-Result 'Per call' 'Get-VaultDrStatus' $vaultDrMedian ($vaultDrMedian / $httpMedian) "<= 1.15x the floor ($(Format-Ratio ($vaultDrMedian / $perCallFloor)))" $(if ($vaultDrMedian / $perCallFloor -le 1.15) { 'PASS' } else { 'MISS' })
    Add-Result 'Per call' 'Invoke-RestMethod' $irmMedian ($irmMedian / $httpMedian) "2x Get-VaultDrStatus or slower ($(Format-Ratio ($irmMedian / $vaultDrMedian)))" $(if ($irmMedian -ge 2 * $vaultDrMedian) { 'PASS' } else { 'MISS' })

    # --- 3. fleet -------------------------------------------------------------------------------------------
    $all = @($clusters | ForEach-Object Connection)
    $urls = @($all | ForEach-Object { [Uri]::new($_.Address, 'v1/sys/replication/dr/status').AbsoluteUri })
    function Invoke-RawFleet([string[]] $Targets) {
        <# The concurrency floor: one GetStringAsync per URL on the shared HttpClient, awaited together. #>
        $tasks = [System.Threading.Tasks.Task[]]@(foreach ($target in $Targets) { $http.GetStringAsync($target) })
        [System.Threading.Tasks.Task]::WaitAll($tasks)
    }
    function Measure-Fleet([int] $Runs, [switch] $Sequential, [switch] $Raw) {
        $fleet = @{ Concurrent = [double[]]::new($Runs); Single = [double[]]::new($Runs); Sequential = [double[]]::new($Runs); RawFleet = [double[]]::new($Runs); RawSingle = [double[]]::new($Runs) }
        for ($i = 0; $i -lt $Runs; $i++) {
            $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
            $statuses = @(Get-VaultDrStatus -Connection $all)
            $fleet.Concurrent[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
            if ($statuses.Count -ne 50) { throw "Get-VaultDrStatus returned $($statuses.Count) statuses for 50 connections." }

            $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
            $null = Get-VaultDrStatus -Connection $connection
            $fleet.Single[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())

            if ($Sequential) {
                $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                foreach ($c in $all) { $null = Get-VaultDrStatus -Connection $c }
                $fleet.Sequential[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
            }
            if ($Raw) {
                $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                Invoke-RawFleet $urls
                $fleet.RawFleet[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())

                $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                Invoke-RawFleet $url
                $fleet.RawSingle[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
            }
        }
        $fleet
    }

    Write-Host "==> Fleet on loopback: $FleetRuns runs of 50 concurrent / 1 cluster / 50 sequential, and the same with raw HttpClient"
    $null = Measure-Fleet -Runs ([Math]::Max(10, $FleetRuns)) -Sequential -Raw   # warm-up; connections are made on first use
    $fleet = Measure-Fleet -Runs $FleetRuns -Sequential -Raw
    $concurrentMedian = Get-Median $fleet.Concurrent
    $singleMedian = Get-Median $fleet.Single
    $sequentialMedian = Get-Median $fleet.Sequential
    $rawFleetMedian = Get-Median $fleet.RawFleet
    $rawSingleMedian = Get-Median $fleet.RawSingle
    Add-Result 'Fleet of 50, loopback' 'raw HttpClient, one GET' $rawSingleMedian 1
    Add-Result 'Fleet of 50, loopback' 'raw HttpClient, 50 GETs at once (floor)' $rawFleetMedian ($rawFleetMedian / $rawSingleMedian)
    Add-Result 'Fleet of 50, loopback' 'one cluster, one call' $singleMedian 1
    $rawFleetRatio = $rawFleetMedian / $rawSingleMedian
    Add-Result 'Fleet of 50, loopback' '-Connection $all50 (concurrent)' $concurrentMedian ($concurrentMedian / $singleMedian) "<= 1.15x the raw ratio ($(Format-Ratio $rawFleetRatio))" $(if ($concurrentMedian / $singleMedian -le 1.15 * $rawFleetRatio) { 'PASS' } else { 'MISS' })
    Add-Result 'Fleet of 50, loopback' 'foreach over 50 (sequential)' $sequentialMedian ($sequentialMedian / $singleMedian)

    # The same read when every answer takes a network round trip, as it does from a pipeline agent to clusters in
    # other regions: every lab cluster holds each answer $RoundTripMs ms (the lab's own latency setting).
    $delayRuns = [Math]::Max(5, [int]($FleetRuns / 5))
    Write-Host "==> Fleet with a $RoundTripMs ms round trip: $delayRuns runs"
    $clusters | Set-VaultDrLabCluster -LatencyMs $RoundTripMs -Confirm:$false
    try {
        $null = Measure-Fleet -Runs 2 -Raw
        $slow = Measure-Fleet -Runs $delayRuns -Raw
        $slowSequential = Measure-Fleet -Runs 3 -Sequential
    }
    finally {
        $clusters | Set-VaultDrLabCluster -LatencyMs 0 -Confirm:$false
    }
    $slowConcurrentMedian = Get-Median $slow.Concurrent
    $slowSingleMedian = Get-Median $slow.Single
    $slowSequentialMedian = Get-Median $slowSequential.Sequential
    $slowRawFleetMedian = Get-Median $slow.RawFleet
    $slowRawSingleMedian = Get-Median $slow.RawSingle
    Add-Result "Fleet of 50, $RoundTripMs ms round trip" 'raw HttpClient, one GET' $slowRawSingleMedian 1
    Add-Result "Fleet of 50, $RoundTripMs ms round trip" 'raw HttpClient, 50 GETs at once (floor)' $slowRawFleetMedian ($slowRawFleetMedian / $slowRawSingleMedian)
    Add-Result "Fleet of 50, $RoundTripMs ms round trip" 'one cluster, one call' $slowSingleMedian 1
    Add-Result "Fleet of 50, $RoundTripMs ms round trip" '-Connection $all50 (concurrent)' $slowConcurrentMedian ($slowConcurrentMedian / $slowSingleMedian) '<= 1.1x one cluster' $(if ($slowConcurrentMedian / $slowSingleMedian -le 1.1) { 'PASS' } else { 'MISS' })
    Add-Result "Fleet of 50, $RoundTripMs ms round trip" 'foreach over 50 (sequential)' $slowSequentialMedian ($slowSequentialMedian / $slowSingleMedian)

    # --- 4. and 5. need a DR pair -----------------------------------------------------------------------
    $hasWait = [bool](Get-Command Wait-VaultDrReplication -ErrorAction Ignore)
    $hasFailover = [bool](Get-Command Invoke-VaultDrFailover -ErrorAction Ignore)
    $p, $s = $clusters[0], $clusters[1]
    $keys = @($p.UnsealKeys | Select-Object -First $p.KeyThreshold)
    if ($hasWait -or $hasFailover) {
        Write-Host '==> DR pair: enable the primary, attach the secondary, wait until caught up'
        Enable-VaultDrPrimary -Connection $p.Connection
        New-VaultDrSecondaryToken -Connection $p.Connection -Id bench |
            Enable-VaultDrSecondary -Connection $s.Connection -Confirm:$false -WarningAction SilentlyContinue
        Wait-Until { Test-CaughtUp $p.Connection $s.Connection } 'the secondary catches up'
    }

    # --- 4. Wait-VaultDrReplication ----------------------------------------------------------------------
    # A second runspace (Start-CaughtUpWatch, build/Bench.CaughtUp.ps1) reads both statuses back to back and records
    # the first moment the secondary meets the caught-up criteria, while this one runs the code under test; the lag
    # is this one's return minus that moment.
    $waitNote = 'not measured (cmdlet not present)'
    if (-not $hasWait) { Add-Result 'Wait-VaultDrReplication' 'return after first caught-up status' ([double]::NaN) ([double]::NaN) '<= 100 ms' $waitNote }
    if ($hasWait) {
        Write-Host '==> Wait-VaultDrReplication vs the first caught-up status'
        $lags = [System.Collections.Generic.List[double]]::new()
        for ($round = 0; $round -lt 5; $round++) {
            $watch = Start-CaughtUpWatch $p.Connection $s.Connection
            Set-VaultDrLabSecret -Connection $p.Connection -Path "bench/wait-$round" -Data @{ round = "$round" }
            $watch.Shared.Start = $true
            Wait-VaultDrReplication -Primary $p.Connection -Secondary $s.Connection -TimeoutSec 30 | Out-Null
            $returnedAt = [System.Diagnostics.Stopwatch]::GetTimestamp()
            Stop-CaughtUpWatch $watch
            $lags.Add((Get-ElapsedMs $watch.Shared.CaughtUpAt $returnedAt))
        }
        $lagMedian = Get-Median $lags
        Add-Result 'Wait-VaultDrReplication' 'return after first caught-up status' $lagMedian ([double]::NaN) '<= 100 ms' $(if ($lagMedian -le 100) { 'PASS' } else { 'MISS' })
        $waitNote = "5 rounds; lags: $(($lags | ForEach-Object { Format-Ms $_ }) -join ', ')"
    }

    # --- 5. Invoke-VaultDrFailover -Planned, both ways ----------------------------------------------------
    $failoverNote = 'not measured (cmdlet not present)'
    if (-not $hasFailover) { Add-Result 'Failover + failback' 'Invoke-VaultDrFailover -Planned, both ways' ([double]::NaN) ([double]::NaN) 'delays + at most 300 ms' $failoverNote }
    if ($hasFailover) {
        Write-Host '==> Invoke-VaultDrFailover -Planned, failover and failback'
        # The secondary adopted the primary's token store when it was enabled: reach both with the primary's root token.
        $connP = $p.Connection
        $connS = New-VaultDrConnection -Address $s.Address -Token $p.RootToken -CACertificateFile $s.CACertificateFile
        function Invoke-PlannedFailover($From, $To, $FromCluster) {
            <# One planned failover; also how long the lab itself took from the update-primary to the first caught-up status. #>
            $watch = Start-CaughtUpWatch $To $From
            Clear-VaultDrLabRequest -Lab $FromCluster.Lab -Confirm:$false
            $watch.Shared.Start = $true
            $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
            $report = Invoke-VaultDrFailover -Primary $From -Secondary $To -Planned -KeyShare $keys -Confirm:$false -WarningAction SilentlyContinue
            $elapsed = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
            if (-not $report.Succeeded) { throw "The benchmark failover did not succeed: $($report.FailedStep) $($report.Error)" }
            Stop-CaughtUpWatch $watch
            $update = Get-VaultDrLabRequest -Cluster $FromCluster | Where-Object Path -eq '/v1/sys/replication/dr/secondary/update-primary' | Select-Object -Last 1
            [pscustomobject]@{ Elapsed = $elapsed; LabCatchUp = ($watch.Shared.CaughtUpUtc - $update.Time).TotalMilliseconds }
        }
        # A re-attached cluster walks connecting, merkle-diff and merkle-sync: three state steps per direction.
        $floorMs = 2 * 3 * $StateStepDelayMs
        $forward = Invoke-PlannedFailover $connP $connS $p
        $back = Invoke-PlannedFailover $connS $connP $s
        $roundTrip = $forward.Elapsed + $back.Elapsed
        $labCatchUp = $forward.LabCatchUp + $back.LabCatchUp
        Add-Result 'Failover + failback' 'sum of configured lab delays' $floorMs 1
        Add-Result 'Failover + failback' 'the lab itself: update-primary to first caught-up status (measured floor)' $labCatchUp ($labCatchUp / $floorMs)
        Add-Result 'Failover + failback' 'Invoke-VaultDrFailover -Planned, both ways' $roundTrip ($roundTrip / $floorMs) "delays + at most 300 ms (+$(Format-Ms ($roundTrip - $floorMs)))" $(if ($roundTrip -le $floorMs + 300) { 'PASS' } else { 'MISS' })
        $failoverNote = "failover $(Format-Ms $forward.Elapsed), failback $(Format-Ms $back.Elapsed); the lab's own catch-up after the update-primary took $(Format-Ms $forward.LabCatchUp) and $(Format-Ms $back.LabCatchUp), so VaultDr's own work (two ceremonies, demote, promote, re-attach, status reads, the poll that sees the end) took $(Format-Ms ($roundTrip - $labCatchUp)) in all"
    }
}
finally {
    Stop-VaultDrLab
}

# --- report ------------------------------------------------------------------------------------------
Write-BenchReport
