#Requires -Version 7.4
<#
.SYNOPSIS
    Planned DR failover for an Azure Pipelines deployment job: promotes the DR secondary, demotes and
    re-attaches the old primary, and fails the step unless every step succeeded.
.DESCRIPTION
    Runs as a PowerShell@2 task (pwsh: true) in the PlannedFailover stage of vault-dr-failover.yml, after the
    environment's approval. Every parameter defaults from the environment the pipeline maps into the step.

    The DR operation token comes from one of two places (-OperationTokenSource):
      BatchToken  New-VaultDrBatchOperationToken on the primary (needs a root-like VAULT_TOKEN). On an agent it
                  also lands in the secret pipeline variable -AzDevOpsVariable (issecret=true: the agent masks
                  it in every later log line, and later steps of the job can use it, e.g. for a failback).
      KeyShares   unseal/recovery key shares from the secret variable VAULT_KEY_SHARES (comma- or
                  whitespace-separated); the failover runs the operation-token ceremony with them.
    Secrets are read from the environment only (VAULT_TOKEN, VAULT_KEY_SHARES), never from parameters, so
    they are never on a command line, and nothing secret is printed: the report has no secrets in it.
.EXAMPLE
    # Locally, against two clusters (no TF_BUILD: no pipeline variable is set).
    $env:VAULT_TOKEN = '<token>'
    ./planned-failover.ps1 -PrimaryAddress https://vault-a:8200 -SecondaryAddress https://vault-b:8200 -CACertificateFile ./ca.pem
#>
[CmdletBinding()]
param(
    # The cluster that is DR primary now.
    [string] $PrimaryAddress = $env:VAULT_PRIMARY_ADDR,

    # The DR secondary to promote.
    [string] $SecondaryAddress = $env:VAULT_DR_ADDR,

    # A PEM file with the CA that signed both clusters' certificates (the pipeline's secure file).
    [string] $CACertificateFile = $env:VAULT_CA_CERT,

    # out/VaultDr/VaultDr.psd1 of a VaultDr build; by default the pipeline artifact 'VaultDr'.
    [string] $ModulePath,

    [ValidateSet('BatchToken', 'KeyShares')]
    [string] $OperationTokenSource = 'BatchToken',

    # The secret pipeline variable that receives the batch DR operation token (on an agent only).
    [string] $AzDevOpsVariable = 'VAULT_DR_BATCH_TOKEN',

    # How long the batch DR operation token works (it cannot be revoked; it ends with its TTL).
    [string] $BatchTokenTtl = '1h',

    # The environment variable holding the key shares (-OperationTokenSource KeyShares).
    [string] $KeySharesVariable = 'VAULT_KEY_SHARES',

    # The environment variable that holds the Vault token (a secret variable mapped in env:).
    [string] $TokenVariable = 'VAULT_TOKEN',

    # Swap the two addresses: fail back to the cluster named in VAULT_PRIMARY_ADDR.
    [switch] $Failback,

    # How long to wait for the new primary to run and the old one to catch up.
    [ValidateRange(1, 86400)]
    [int] $TimeoutSec = 600
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'PipelineCommon.ps1')

if (-not $ModulePath) { $ModulePath = Get-DefaultModulePath }
if ($Failback) { $PrimaryAddress, $SecondaryAddress = $SecondaryAddress, $PrimaryAddress }

Start-PipelineGroup 'Connect to the DR pair'
Import-VaultDrModule $ModulePath
$primary = New-PipelineConnection -Name primary -Address $PrimaryAddress -CACertificateFile $CACertificateFile -TokenVariable $TokenVariable
$secondary = New-PipelineConnection -Name dr -Address $SecondaryAddress -CACertificateFile $CACertificateFile -TokenVariable $TokenVariable
$before = Get-VaultDrStatus -Connection $primary, $secondary
Write-Host "Before: $(Format-DrStatusLine $before[0] "primary $($primary.Address)"); $(Format-DrStatusLine $before[1] "dr $($secondary.Address)")"
Stop-PipelineGroup

$failover = @{
    Primary    = $primary
    Secondary  = $secondary
    Planned    = $true
    TimeoutSec = $TimeoutSec
    Confirm    = $false   # an agent cannot prompt; the approval on the environment is the confirmation
}

if ($OperationTokenSource -eq 'BatchToken') {
    Start-PipelineGroup 'Batch DR operation token'
    $batch = @{ Connection = $primary; Ttl = $BatchTokenTtl; Confirm = $false }
    if ((Test-AzurePipelines) -and $AzDevOpsVariable) { $batch.AzDevOpsVariable = $AzDevOpsVariable }
    $operationToken = New-VaultDrBatchOperationToken @batch
    $where = if ($batch.ContainsKey('AzDevOpsVariable')) { "; stored in the secret pipeline variable $AzDevOpsVariable" } else { '' }
    Write-Host "Created a batch DR operation token on $($primary.Address), valid $BatchTokenTtl$where."
    # The token replicates to the DR secondary like any write: wait for it to arrive before promoting.
    Wait-VaultDrReplication -Primary $primary -Secondary $secondary -TimeoutSec ([Math]::Min($TimeoutSec, 300)) | Out-Null
    Stop-PipelineGroup
    $failover.DrOperationToken = $operationToken.DrOperationToken
} else {
    $sharesText = Get-PipelineValue $KeySharesVariable
    if (-not $sharesText) { throw "$KeySharesVariable is not set. Map the secret variable in the step's env: block ($KeySharesVariable`: `$($KeySharesVariable))." }
    $failover.KeyShare = @($sharesText -split '[,\s]+' | Where-Object { $_ } | ForEach-Object { ConvertTo-SecureString -String $_ -AsPlainText -Force })
    Remove-Variable sharesText
    Write-Host "Using $($failover.KeyShare.Count) key share(s) from $KeySharesVariable."
}

# Each step of the failover is its own ##[group] on the agent; Vault's warnings become warning annotations.
$report = Invoke-VaultDrFailover @failover -ErrorAction Continue -ErrorVariable failoverError

Start-PipelineGroup 'Failover report'
if ($null -eq $report) { throw "Invoke-VaultDrFailover returned no report: $($failoverError | Select-Object -First 1)" }
Write-Host ("{0} failover {1} -> {2}: {3} in {4:0.0} s" -f $report.Kind, $report.OldPrimary, $report.NewPrimary, $(if ($report.Succeeded) { 'SUCCEEDED' } else { 'FAILED' }), $report.Duration.TotalSeconds)
$report.Steps | Format-Table -AutoSize -Wrap Number, Name, Status, @{ Name = 'Seconds'; Expression = { '{0:0.00}' -f $_.Duration.TotalSeconds } }, Detail |
    Out-String -Width 240 | Write-Host
Write-Host "After: $(Format-DrStatusLine $report.NewPrimaryStatus "new primary $($report.NewPrimary)"); $(Format-DrStatusLine $report.OldPrimaryStatus "old primary $($report.OldPrimary)")"
if ($report.NextSafeCommand) { Write-Host "Next: $($report.NextSafeCommand)" }
Stop-PipelineGroup

if (-not $report.Succeeded) {
    $message = "Planned failover did not succeed: step $($report.FailedStep): $($report.Error) Next: $($report.NextSafeCommand)"
    Write-PipelineIssue -Type error -Message $message
    throw $message
}
Write-Host "Planned failover done: $($report.NewPrimary) is the DR primary, $($report.OldPrimary) follows it as a DR secondary."
