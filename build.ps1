#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, documents and packages the VaultDr module.
.DESCRIPTION
    Plain PowerShell, no task library. Tasks run in the order given.
    Build   dotnet publish into out/VaultDr (VaultDr.dll, version-stamped psd1, format file, help; VaultDr.Http
            and RestSharp, VaultDr.OpenPgp and BouncyCastle in dependencies/; the lab in lab/).
    Test    Build and Package, then xunit, then Pester in a fresh pwsh against out/VaultDr. Ends with "N passed, N failed".
    Docs    Builds MAML help and about_VaultDr.help.txt from docs/ into out/VaultDr/en-US: with PlatyPS's
            New-ExternalHelp when PlatyPS is installed, else with tools/VaultDr.HelpBuilder (Markdig).
            With -Update, first regenerates the SYNTAX and PARAMETERS sections of docs/*.md from the
            compiled cmdlets, keeping the hand-written text, and adds a skeleton page for a new cmdlet.
    Package Writes a Gallery-shaped .nupkg of out/VaultDr into out/.
    Demo    Walks a DR lifecycle against the local lab.
    Bench   Build, then build/Bench.ps1 in a fresh pwsh: prints medians and ratios, writes docs/performance.md.
    Chaos   Build, then build/Chaos.ps1 in a fresh pwsh: -Rounds seeded chaos rounds of failover and failback (-Seed,
            -Clusters per round) checked against five invariants, then load and soak; writes docs/reliability.md.
            -Round N replays round N of -Seed alone, printing its schedule and request logs (no page).
    Snapshot
            Build, then rewrite tests/Pester/Snapshots/VaultDr.Commands.txt (the command surface that
            Snapshot.Tests.ps1 guards) after a deliberate change to syntax, OutputType or ConfirmImpact.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Demo', 'Bench', 'Snapshot', 'Chaos')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # With -Task Docs: regenerate docs/*.md SYNTAX and PARAMETERS from the compiled cmdlets first.
    [switch] $Update,

    # With -Task Chaos: the seed of the run, how many rounds, one round to replay alone, clusters per round.
    [long] $Seed = 20261130,
    [ValidateRange(1, 100000)]
    [int] $Rounds = 300,
    [ValidateRange(1, 100000)]
    [int] $Round,
    [ValidateRange(2, 9)]
    [int] $Clusters = 2
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'VaultDr'
$ResultsDir = Join-Path $Out 'test-results'
$PesterVersion = '5.7.1'
$Docs = Join-Path $Root 'docs'

function Invoke-Native {
    param([Parameter(Mandatory)][string] $What, [Parameter(Mandatory)][scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    return $props.Project.PropertyGroup.VaultDrVersion
}

function Invoke-Build {
    Write-Host "==> Build ($Configuration)"
    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $publish = Join-Path $Out 'publish'
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $Root 'src/VaultDr/VaultDr.csproj') -c $Configuration -o $publish --nologo -v quiet
    }
    # The root holds only what PowerShell loads itself. Every other assembly (VaultDr.Http, RestSharp, VaultDr.OpenPgp, BouncyCastle)
    # goes to dependencies/, which VaultDr loads into its own AssemblyLoadContext (src/VaultDr/Loading):
    # next to VaultDr.dll the default context would load them and clash with other modules' copies.
    $dependencies = Join-Path $ModuleOut 'dependencies'
    New-Item -ItemType Directory -Force -Path $dependencies | Out-Null
    Copy-Item (Join-Path $publish 'VaultDr.dll') $ModuleOut
    # The views, one format file per subject (VaultDr.psd1's FormatsToProcess lists them).
    Copy-Item (Join-Path $publish 'VaultDr.*.format.ps1xml') $ModuleOut
    Get-ChildItem -Path $publish -Filter *.dll | Where-Object Name -ne 'VaultDr.dll' | Copy-Item -Destination $dependencies
    foreach ($file in 'VaultDr.Http.dll', 'RestSharp.dll', 'VaultDr.OpenPgp.dll', 'BouncyCastle.Cryptography.dll') {
        if (-not (Test-Path (Join-Path $dependencies $file))) { throw "The publish output has no $file." }
    }
    $version = Get-ModuleVersion
    $manifest = Get-Content -Raw (Join-Path $Root 'VaultDr.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$version'"
    Set-Content -Path (Join-Path $ModuleOut 'VaultDr.psd1') -Value $manifest -Encoding utf8NoBOM
    Remove-Item -Recurse -Force $publish

    # The lab runs as its own process (ASP.NET Core), from out/VaultDr/lab.
    Invoke-Native 'dotnet publish (lab)' {
        dotnet publish (Join-Path $Root 'src/VaultDr.Lab/VaultDr.Lab.csproj') -c $Configuration -o (Join-Path $ModuleOut 'lab') --nologo -v quiet -p:UseAppHost=false
    }
    Get-ChildItem (Join-Path $ModuleOut 'lab') -Filter '*.pdb' | Remove-Item -Force
    Write-Host "    out/VaultDr $version"
    Invoke-HelpBuild
}

function Invoke-HelpBuild {
    <# docs/*.md -> out/VaultDr/en-US: VaultDr.dll-Help.xml (MAML) and about_VaultDr.help.txt. #>
    $helpOut = Join-Path $ModuleOut 'en-US'
    if (Test-Path $helpOut) { Remove-Item -Recurse -Force $helpOut }
    if (Get-Module -ListAvailable platyPS) {
        Write-Host '==> Help (PlatyPS)'
        Import-Module platyPS
        New-ExternalHelp -Path $Docs -OutputPath $helpOut -Force | Out-Null
    } else {
        Write-Host '==> Help (tools/VaultDr.HelpBuilder; PlatyPS is not installed)'
        $builder = Join-Path $Out 'helpbuilder'
        # Even quiet, MSBuild ends with its own "Build succeeded." summary, which would sit under this heading as if
        # it were the help's result: the builder's build output is shown only when that build fails.
        $buildOutput = dotnet build (Join-Path $Root 'tools/VaultDr.HelpBuilder/VaultDr.HelpBuilder.csproj') -c $Configuration -o $builder --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) {
            $buildOutput | Out-Host
            throw "dotnet build (VaultDr.HelpBuilder) failed with exit code $LASTEXITCODE."
        }
        Invoke-Native 'VaultDr.HelpBuilder' { dotnet (Join-Path $builder 'VaultDr.HelpBuilder.dll') $Docs $helpOut | Out-Null }
    }
    foreach ($file in 'VaultDr.dll-Help.xml', 'about_VaultDr.help.txt') {
        if (-not (Test-Path (Join-Path $helpOut $file))) { throw "The help build did not write en-US/$file." }
    }
}

function Invoke-Docs {
    if (-not (Test-Path (Join-Path $ModuleOut 'VaultDr.dll'))) { Invoke-Build }
    if ($Update) {
        Write-Host '==> Docs -Update (SYNTAX and PARAMETERS from the compiled cmdlets)'
        # A fresh pwsh: the assembly is loaded there, not into this session.
        Invoke-Native 'Update-VaultDrHelp' {
            dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Update-VaultDrHelp.ps1') -ModuleAssembly (Join-Path $ModuleOut 'VaultDr.dll') -DocsFolder $Docs
        }
    }
    Invoke-HelpBuild
}

function Get-TrxCounts([string] $Path) {
    $trx = [xml](Get-Content -Raw $Path)
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

# The failed tests of a trx file, one line each with the first line of the message, so the end of the output
# (all a CI log may keep) names what failed.
function Get-TrxFailure([string] $Path) {
    $trx = [xml](Get-Content -Raw $Path)
    $results = @($trx.TestRun.Results.UnitTestResult) | Where-Object { $_ -and $_.outcome -notin 'Passed', 'NotExecuted' }
    foreach ($result in $results) {
        $message = ("$($result.Output.ErrorInfo.Message)".Trim() -split '\r?\n')[0]
        "  $($result.testName): $message"
    }
}

function Invoke-Test {
    Invoke-Build
    # Package.Tests.ps1 installs the module from the package, as the Gallery would.
    Invoke-Package
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null

    Write-Host '==> xunit'
    $xunit = [pscustomobject]@{ Passed = 0; Failed = 0 }
    $failures = [System.Collections.Generic.List[string]]::new()
    foreach ($project in 'VaultDr.Tests', 'VaultDr.Lab.Tests', 'VaultDr.HelpBuilder.Tests') {
        $trxName = "$project.trx"
        $trxPath = Join-Path $ResultsDir $trxName
        Remove-Item -Force -ErrorAction Ignore $trxPath
        dotnet test (Join-Path $Root "tests/$project/$project.csproj") -c $Configuration --nologo `
            --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=minimal' --results-directory $ResultsDir
        $exit = $LASTEXITCODE
        $counts = if (Test-Path $trxPath) { Get-TrxCounts $trxPath } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }
        if (Test-Path $trxPath) { foreach ($line in Get-TrxFailure $trxPath) { $failures.Add($line) } }
        if ($exit -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
        $xunit.Passed += $counts.Passed
        $xunit.Failed += $counts.Failed
    }

    Write-Host '==> Pester'
    Invoke-Native 'Pester download' { dotnet restore (Join-Path $Root 'build/Pester.proj') --nologo -v quiet }
    $pesterModule = Join-Path $Root ".packages/pester/$PesterVersion/tools/Pester.psd1"
    $pesterResult = Join-Path $ResultsDir 'pester.json'
    Remove-Item -Force -ErrorAction Ignore $pesterResult
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Pester/Invoke-PesterSuite.ps1') `
        -PesterModule $pesterModule -ModuleManifest (Join-Path $ModuleOut 'VaultDr.psd1') -ResultFile $pesterResult
    $pesterExit = $LASTEXITCODE
    $pester = if (Test-Path $pesterResult) { Get-Content -Raw $pesterResult | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }
    if ($pesterExit -ne 0 -and $pester.Failed -eq 0) { $pester.Failed = 1 }
    foreach ($line in @($pester.FailedTests)) { if ($line) { $failures.Add("  $line") } }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    if ($failures.Count) { Write-Host "Failed:"; $failures | ForEach-Object { Write-Host $_ } }
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Package {
    if (-not (Test-Path (Join-Path $ModuleOut 'VaultDr.psd1'))) { Invoke-Build }
    Write-Host '==> Package'
    $manifest = Import-PowerShellDataFile (Join-Path $ModuleOut 'VaultDr.psd1')
    $psData = $manifest.PrivateData.PSData
    $version = $manifest.ModuleVersion
    $tags = @('PSModule', 'PSEdition_Core') + $psData.Tags + ($manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" })
    $escape = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
    $nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>VaultDr</id>
    <version>$version</version>
    <authors>$(& $escape $manifest.Author)</authors>
    <owners>$(& $escape $manifest.CompanyName)</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <license type="expression">Apache-2.0</license>
    <projectUrl>$(& $escape $psData.ProjectUri)</projectUrl>
    <description>$(& $escape $manifest.Description)</description>
    <releaseNotes>$(& $escape $psData.ReleaseNotes)</releaseNotes>
    <copyright>$(& $escape $manifest.Copyright)</copyright>
    <tags>$(& $escape (($tags | Select-Object -Unique) -join ' '))</tags>
  </metadata>
</package>
"@
    $package = Join-Path $Out "VaultDr.$version.nupkg"
    Remove-Item -Force -ErrorAction Ignore $package
    Add-Type -AssemblyName System.IO.Compression
    $zip = [System.IO.Compression.ZipFile]::Open($package, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        function Add-Entry([string] $Name, [string] $Text) {
            $writer = [System.IO.StreamWriter]::new($zip.CreateEntry($Name).Open(), [System.Text.UTF8Encoding]::new($false))
            try { $writer.Write($Text) } finally { $writer.Dispose() }
        }
        Add-Entry 'VaultDr.nuspec' $nuspec
        Add-Entry '[Content_Types].xml' '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="psd1" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /><Default Extension="ps1xml" ContentType="application/octet" /><Default Extension="xml" ContentType="application/octet" /><Default Extension="txt" ContentType="application/octet" /></Types>'
        Add-Entry '_rels/.rels' '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/VaultDr.nuspec" Id="R1" /></Relationships>'
        foreach ($file in Get-ChildItem -Path $ModuleOut -Recurse -File) {
            $relative = [System.IO.Path]::GetRelativePath($ModuleOut, $file.FullName).Replace('\', '/')
            [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file.FullName, $relative) | Out-Null
        }
    }
    finally { $zip.Dispose() }
    Write-Host "    $package"
}

function Invoke-Demo {
    Invoke-Build
    Write-Host '==> Demo'
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Demo.ps1') -ModuleManifest (Join-Path $ModuleOut 'VaultDr.psd1')
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Bench {
    Invoke-Build
    Write-Host '==> Bench'
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Bench.ps1') -ModuleManifest (Join-Path $ModuleOut 'VaultDr.psd1') `
        -OutputFile (Join-Path $Docs 'performance.md')
    if ($LASTEXITCODE -ne 0) { throw "The benchmark failed (exit code $LASTEXITCODE)." }
}

function Invoke-Chaos {
    Invoke-Build
    Write-Host "==> Chaos (seed $Seed$(if ($Round) { ", round $Round alone" } else { ", $Rounds rounds" }), $Clusters clusters per round)"
    New-Item -ItemType Directory -Force -Path (Join-Path $Out 'chaos') | Out-Null
    $arguments = @('-ModuleManifest', (Join-Path $ModuleOut 'VaultDr.psd1'), '-Seed', $Seed, '-Rounds', $Rounds, '-Clusters', $Clusters,
        '-ResultFile', (Join-Path $Out 'chaos/last-run.json'))
    $arguments += if ($Round) { '-Round', $Round } else { '-OutputFile', (Join-Path $Docs 'reliability.md') }
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Chaos.ps1') @arguments
    if ($LASTEXITCODE -ne 0) { throw "The chaos run failed (exit code $LASTEXITCODE): see the rounds above." }
}

function Invoke-Snapshot {
    Invoke-Build
    Write-Host '==> Snapshot'
    $snapshot = Join-Path $Root 'tests/Pester/Snapshots/VaultDr.Commands.txt'
    $script = ". '$(Join-Path $Root 'tests/Pester/CommandSnapshot.ps1')'; Import-Module '$(Join-Path $ModuleOut 'VaultDr.psd1')'; " +
        "(Get-VaultDrCommandSurface -ModuleName VaultDr) + [char]10 | Set-Content -NoNewline -Encoding utf8NoBOM -Path '$snapshot'"
    Invoke-Native 'Snapshot' { dotnet pwsh -NoProfile -NonInteractive -Command $script }
    Write-Host "    $snapshot"
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Docs' { Invoke-Docs }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Snapshot' { Invoke-Snapshot }
        'Chaos' { Invoke-Chaos }
        default { throw "Task '$step' is not available yet." }
    }
}
