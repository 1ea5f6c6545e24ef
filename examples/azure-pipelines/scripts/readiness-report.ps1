#Requires -Version 7.4
<#
.SYNOPSIS
    Nightly DR readiness report: Test-VaultDrReadiness against the primary and its DR secondary (or secondaries).
.DESCRIPTION
    Runs as a PowerShell@2 task (pwsh: true) in the Readiness stage of vault-dr-readiness.yml, or anywhere else:
    every parameter defaults from the environment the pipeline maps into the step. Secrets are read from the
    environment only, never from parameters, so they are never on a command line: the Vault token from VAULT_TOKEN
    (optional: the report's reads need none, but a Vault 2.x secondary's ceremony does, and the report says so) and
    the batch DR operation token kept for an unattended failover from VAULT_DR_BATCH_TOKEN (optional: without it the
    report warns that a ceremony needs the primary's key holders, and skips the Raft check).

    On an agent (TF_BUILD=True) the module itself uploads the checks to the run's summary tab, annotates each warned
    or failed check, and marks a run that only warns SucceededWithIssues. Exit code 1 when any check failed.
.EXAMPLE
    $env:VAULT_TOKEN = '<token>'              # in a pipeline: env: VAULT_TOKEN: $(VAULT_TOKEN)
    $env:VAULT_DR_BATCH_TOKEN = '<hvb....>'   # in a pipeline: env: VAULT_DR_BATCH_TOKEN: $(VAULT_DR_BATCH_TOKEN)
    ./readiness-report.ps1 -PrimaryAddress https://vault-a:8200 -SecondaryAddress https://vault-b:8200 -CACertificateFile ./ca.pem
#>
[CmdletBinding()]
param(
    # The cluster that is DR primary now.
    [string] $PrimaryAddress = $env:VAULT_PRIMARY_ADDR,

    # Its DR secondary; several, comma-separated, get a report each.
    [string] $SecondaryAddress = $env:VAULT_DR_ADDR,

    # A PEM file with the CA that signed both clusters' certificates (the pipeline's secure file).
    [string] $CACertificateFile = $env:VAULT_CA_CERT,

    # out/VaultDr/VaultDr.psd1 of a VaultDr build; by default the pipeline artifact 'VaultDr'.
    [string] $ModulePath,

    # Warn when a certificate or the batch DR operation token has this many days left, or fewer.
    [ValidateRange(1, 3650)]
    [int] $WarnDays = 14,

    # The environment variable that holds the Vault token (a secret variable mapped in env:).
    [string] $TokenVariable = 'VAULT_TOKEN',

    # The environment variable that holds the batch DR operation token (a secret variable mapped in env:).
    [string] $BatchTokenVariable = 'VAULT_DR_BATCH_TOKEN'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'PipelineCommon.ps1')

function New-ReadinessConnection([string] $Name, [string] $Address) {
    <# With the Vault token when the step has one; the readiness reads need none. #>
    if (Get-PipelineValue $TokenVariable) {
        return New-PipelineConnection -Name $Name -Address $Address -CACertificateFile $CACertificateFile -TokenVariable $TokenVariable
    }
    if (-not $Address) { throw "No address for the $Name cluster: set VAULT_PRIMARY_ADDR and VAULT_DR_ADDR (the variable group) or pass -PrimaryAddress / -SecondaryAddress." }
    $params = @{ Name = $Name; Address = $Address }
    if ($CACertificateFile) { $params.CACertificateFile = $CACertificateFile }
    New-VaultDrConnection @params
}

if (-not $ModulePath) { $ModulePath = Get-DefaultModulePath }

Start-PipelineGroup 'Connect to the DR clusters'
Import-VaultDrModule $ModulePath
$primary = New-ReadinessConnection -Name primary -Address $PrimaryAddress
$addresses = @($SecondaryAddress -split ',' | ForEach-Object Trim | Where-Object { $_ })
if ($addresses.Count -eq 0) { $addresses = @('') }
$secondaries = @(for ($i = 0; $i -lt $addresses.Count; $i++) {
        New-ReadinessConnection -Name $(if ($addresses.Count -eq 1) { 'dr' } else { "dr$($i + 1)" }) -Address $addresses[$i]
    })
Write-Host "primary: $($primary.Address)"
foreach ($secondary in $secondaries) { Write-Host ("{0,-8} {1}" -f "$($secondary.Name):", $secondary.Address) }
$readiness = @{ Primary = $primary; Secondary = $secondaries; WarnDays = $WarnDays }
if (Get-PipelineValue $BatchTokenVariable) {
    $readiness.DrOperationToken = ConvertTo-SecureString -String (Get-PipelineValue $BatchTokenVariable) -AsPlainText -Force
    Write-Host "Checking the batch DR operation token from $BatchTokenVariable."
} else {
    Write-Host "$BatchTokenVariable is not set: the report counts the key holders a ceremony needs instead, and skips the Raft check."
}
Stop-PipelineGroup

$reports = @(Test-VaultDrReadiness @readiness)

foreach ($report in $reports) {
    Start-PipelineGroup "$($report.PrimaryName) -> $($report.SecondaryName): $($report.Result)"
    $report.Checks | Format-Table -Wrap | Out-String -Width 120 | Write-Host
    foreach ($check in $report.Checks | Where-Object Result -ne 'Pass') {
        Write-Host ('{0} {1} ({2}): {3}' -f $check.Result.ToString().ToUpperInvariant(), $check.Name, $check.Cluster, $check.Message)
    }
    Stop-PipelineGroup
}

$failed = @($reports | ForEach-Object Checks | Where-Object Result -eq 'Fail')
$warned = @($reports | ForEach-Object Checks | Where-Object Result -eq 'Warn')
if ($failed.Count -gt 0) {
    Write-Host "DR readiness: NOT READY, $($failed.Count) check(s) failed ($(($failed | ForEach-Object { "$($_.Name) on $($_.Cluster)" }) -join ', ')). Fix them before the failover that needs them."
    exit 1
}
Write-Host "DR readiness: READY$(if ($warned.Count -gt 0) { ", with $($warned.Count) warning(s)" })."
exit 0
