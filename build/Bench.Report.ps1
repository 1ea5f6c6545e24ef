<#
.SYNOPSIS
    The report of build/Bench.ps1, which dot-sources this file: the table on the console and docs/performance.md.
#>

function Write-BenchReport {
    <#
    Called at the end of Bench.ps1, it reads the figures from Bench.ps1's scope rather than from parameters: $results,
    the medians and notes of every benchmark and Bench.ps1's own parameters ($OutputFile, $Calls, ...), some thirty
    names that a parameter list would only repeat.
    #>
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
        "- **Per call.** One status URL on one lab cluster. $warmUpRounds warm-up rounds first, until a thousand rounds compiled fewer than 20 new methods: .NET recompiles hot code"
        '  optimised after a while (tiered compilation) and PowerShell compiles a loop after enough iterations, so short'
        "  warm-ups measure start-up code. Then $Calls rounds; each times one run of each statement below but the last, in"
        '  rotating order, with `Stopwatch.GetTimestamp()` around it in the same PowerShell loop (ratios are of medians,'
        '  against the HttpClient floor). Invoke-RestMethod runs afterwards in a loop of its own: it opens a new connection'
        '  for every call, and the lab closing it slowed whatever statement came next.'
        '  - `$null = Get-VaultDrStatus -Connection $c`, a pipeline invocation as users write it;'
        '  - `$null = $http.GetStringAsync($url).GetAwaiter().GetResult()` on one reused `HttpClient` with `X-Vault-Request`'
        '    and `X-Vault-Token` headers (the floor: no parsing, no objects);'
        '  - `$null = $rest.ExecuteAsync($request, $none).GetAwaiter().GetResult()`: the RestSharp.dll the module ships, loaded'
        '    into a load context of its own, with default `RestClientOptions` and one reused request carrying the same'
        '    headers (the library floor);'
        '  - `$null = Invoke-RestMethod -Uri $url -Headers $h`;'
        '  - `$null = Get-Date -Date $epoch`: a compiled cmdlet binding one parameter and doing no I/O, the least any cmdlet'
        '    call costs.'
        "- **Import-Module.** $ImportRuns fresh ``dotnet pwsh -NoProfile -NonInteractive`` processes per module, alternating;"
        '  a Stopwatch inside the process around `Import-Module <path to psd1>` only (process start not included). The'
        '  floor is a temp module with an empty .psm1 and its psd1; the shape floor is a compiled module with one cmdlet and'
        '  a one-view format file, built by the benchmark against the same PowerShellStandard.Library.'
        "- **Fleet of 50.** On loopback: $FleetRuns runs after as many warm-up runs (connections are made on first use). Each"
        '  run times `Get-VaultDrStatus -Connection $all50` (one call; the cmdlet reads the clusters concurrently), one'
        '  cluster''s single call, a `foreach` calling the cmdlet once per cluster, and the concurrency floor: the same 50'
        '  GETs with the raw `HttpClient`, all started before waiting for any (`Task.WaitAll`), against one raw GET.'
        "  With a round trip: every lab cluster holds each answer $RoundTripMs ms (``Set-VaultDrLabCluster -LatencyMs``), as a"
        "  pipeline agent sees clusters in other regions; $delayRuns runs of the concurrent and single calls, 3 of the loop."
        "- **Wait-VaultDrReplication.** $waitNote. Data is written on the primary, then a second runspace polls both"
        '  statuses back to back and records the first time the secondary meets the caught-up criteria (about_VaultDr),'
        '  while this runspace runs `Wait-VaultDrReplication -Primary -Secondary -TimeoutSec 30`; the lag is its return'
        '  time minus that moment.'
        "- **Failover + failback.** $failoverNote. Lab delays: ``-StateStepDelayMs $StateStepDelayMs -CatchUpDelayMs $CatchUpDelayMs``."
        ''
        '## Reading the figures'
        ''
        '- The lab shares the two cores with the client, and the machine is shared: absolute figures move between runs;'
        '  the ratios, taken from interleaved rounds, are steadier.'
        ("- Per call, RestSharp alone takes $(Format-Ratio ($restMedian / $httpMedian)) the HttpClient floor, and any cmdlet call costs at least" +
            " $(Format-Ms $cmdletMedian) more ($(Format-Ratio ($cmdletMedian / $httpMedian)) of the floor). A cmdlet built on RestSharp therefore" +
            " starts from about $(Format-Ratio (($restMedian + $cmdletMedian) / $httpMedian)) before it does anything of its own, the floor the" +
            " target is set against; Get-VaultDrStatus takes $(Format-Ratio ($vaultDrMedian / $httpMedian)), $(Format-Ratio ($vaultDrMedian / $perCallFloor)) of that floor," +
            " and Invoke-RestMethod $(Format-Ratio ($irmMedian / $vaultDrMedian)) Get-VaultDrStatus.")
        "  The remaining $(Format-Ms ($vaultDrMedian - $restMedian - $cmdletMedian)) is VaultDr's own work: its HTTP settings (no"
        '  automatic redirects, the 16 MB cap, the timeout, the TLS policy), the token read from its SecureString, retry and'
        '  redirect checks, the JSON parse into `DrStatus`, the queue that carries -Verbose messages to the pipeline, and'
        '  writing the object to the pipeline.'
        ("- On loopback nothing waits on the network: 50 answers are 50 times the CPU work, shared by this process and the" +
            " 50 emulated clusters on $cores cores. Raw HttpClient itself takes $(Format-Ratio ($rawFleetMedian / $rawSingleMedian)) one GET" +
            " for 50 at once; Get-VaultDrStatus takes $(Format-Ratio ($concurrentMedian / $singleMedian)) one cluster's call, and" +
            " $(Format-Ratio ($concurrentMedian / $sequentialMedian)) of the sequential loop.")
        ("  What reading clusters at once rather than one after another is for shows once answers take a" +
            " round trip: at $RoundTripMs ms, 50 clusters take $(Format-Ratio ($slowConcurrentMedian / $slowSingleMedian)) one cluster, the loop" +
            " $(Format-Ratio ($slowSequentialMedian / $slowSingleMedian)). The 50 answers still arrive together and share the two cores with the" +
            " lab: raw HttpClient itself takes $(Format-Ratio ($slowRawFleetMedian / $slowRawSingleMedian)) one GET there, the floor of that row.")
        ("- Import-Module: the first import in a process costs the empty-module floor. A compiled module with one cmdlet and" +
            " a one-view format file, the shape VaultDr must have (C# cmdlets, views in a .format.ps1xml), already adds" +
            " $(Format-Ms ($shapeMedian - $emptyMedian)) to it: PowerShell's first load of any format file costs far more than its size." +
            " VaultDr adds $(Format-Ms ($importMedian - $shapeMedian)) over that shape for its $(@(Get-Command -Module VaultDr).Count) cmdlets and all its views.")
        ''
        "Whole benchmark: $('{0:0}' -f $total.Elapsed.TotalSeconds) s."
    )
    Set-Content -Path $OutputFile -Value ($lines -join "`n") -Encoding utf8NoBOM
    Write-Host "    $((Resolve-Path $OutputFile).Path)"
}
