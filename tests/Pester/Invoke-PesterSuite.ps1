<#
.SYNOPSIS
    Runs every *.Tests.ps1 under tests/Pester and examples/ (the examples' own tests, beside the scripts they
    test) against the built module, in this fresh pwsh, as one run with one summary.
    Writes {Passed, Failed} to -ResultFile; exits non-zero when anything failed.
#>
param(
    [Parameter(Mandatory)][string] $PesterModule,
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $ResultFile
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
$env:VAULTDR_MODULE_MANIFEST = (Resolve-Path $ModuleManifest).Path
$env:VAULTDR_PESTER_MODULE = (Resolve-Path $PesterModule).Path

$config = New-PesterConfiguration
$config.Run.Path = @($PSScriptRoot, (Join-Path $PSScriptRoot '../../examples'))
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $config

$failedTests = @($result.Failed | ForEach-Object { "$($_.ExpandedPath): $(("$(@($_.ErrorRecord)[0])" -split '\r?\n')[0])" }) +
    @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)" }) +
    @($result.FailedContainers | ForEach-Object { "$($_.Item) (file)" })
$summary = [ordered]@{
    Passed      = $result.PassedCount
    Failed      = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    FailedTests = $failedTests
}
$summary | ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8NoBOM
if ($summary.Failed -gt 0) { exit 1 }
exit 0
