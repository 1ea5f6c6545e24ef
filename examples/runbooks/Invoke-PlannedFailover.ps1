#Requires -Version 7.4
<#
.SYNOPSIS
    Operator runbook: checks the DR pair, runs Invoke-VaultDrFailover, prints a short summary, returns the report.
.DESCRIPTION
    1. Health check. Planned: the secondary must be connected and caught up (Test-VaultDrReplication; with
       -HealthWaitSec, Wait-VaultDrReplication first). Unplanned: the secondary must answer sys/health as a
       DR secondary; the old primary may be down.
       A failed check stops the runbook before anything is changed.
    2. Invoke-VaultDrFailover -Planned or -Unplanned: DR operation token on the secondary and its Raft peers
       checked, demote (planned), promote, verify, re-attach the old primary as a secondary of the new one, wait
       for it, delete the generated tokens.
    3. A summary for the operator (Write-Host: it does not mix with the output), then the
       VaultDr.FailoverReport: Succeeded, Steps, FailedStep, NextSafeCommand, both clusters' status.

    Failback is the same runbook the other way round: -Primary is always the cluster that is primary now.
    Import the VaultDr module before running it (its parameter types come from the module).
.EXAMPLE
    Import-Module ./out/VaultDr/VaultDr.psd1
    $token   = Read-Host -AsSecureString 'Vault token'
    $primary = New-VaultDrConnection https://vault-a.example.com:8200 -Token $token -CACertificateFile ./ca.pem -Name vault-a
    $dr      = New-VaultDrConnection https://vault-b.example.com:8200 -Token $token -CACertificateFile ./ca.pem -Name vault-b
    $shares  = 1..3 | ForEach-Object { Read-Host -AsSecureString "Key share $_" }
    $report  = ./examples/runbooks/Invoke-PlannedFailover.ps1 -Primary $primary -Secondary $dr -KeyShare $shares

    Fails over from vault-a to vault-b and re-attaches vault-a, asking before each change. In a session that cannot
    ask (an agent, pwsh -NonInteractive), add -Confirm:$false; without it the runbook stops with
    VaultDrConfirmationRequired before anything is sent.
.EXAMPLE
    ./examples/runbooks/Invoke-PlannedFailover.ps1 -Primary $primary -Secondary $dr -KeyShare $shares -WhatIf

    Prints every step the failover would take and sends nothing that changes a cluster.
.EXAMPLE
    ./examples/runbooks/Invoke-PlannedFailover.ps1 -Primary $primary -Secondary $dr -DrOperationToken $batch.DrOperationToken -Unplanned -Confirm:$false

    vault-a is down: promote vault-b with a batch DR operation token made earlier by New-VaultDrBatchOperationToken.
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'KeyShare')]
[OutputType('VaultDr.FailoverReport')]
param(
    # The cluster that is DR primary now (or was, before the disaster).
    [Parameter(Mandatory)]
    [VaultDr.VaultDrConnection] $Primary,

    # The DR secondary to promote.
    [Parameter(Mandatory)]
    [VaultDr.VaultDrConnection] $Secondary,

    # Unseal (or recovery) key shares, enough to reach the threshold.
    [Parameter(Mandatory, ParameterSetName = 'KeyShare')]
    [securestring[]] $KeyShare,

    # A DR operation token made in advance (e.g. New-VaultDrBatchOperationToken).
    [Parameter(Mandatory, ParameterSetName = 'DrOperationToken')]
    [securestring] $DrOperationToken,

    # The primary is down: promote without demoting it. Writes not yet replicated are lost.
    [switch] $Unplanned,

    # Planned: how long to wait for a secondary that is still catching up before giving up (0: do not wait).
    [ValidateRange(0, 3600)]
    [int] $HealthWaitSec = 60,

    # How long the failover may wait for the new primary to run and the old one to catch up.
    [ValidateRange(1, 86400)]
    [int] $TimeoutSec = 300
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$kind = if ($Unplanned) { 'Unplanned' } else { 'Planned' }

# 1. Health check: nothing is changed when it fails.
if ($Unplanned) {
    $health = Get-VaultDrHealth -Connection $Secondary
    if ($health.Role -ne 'dr-secondary') {
        throw "Health check failed: $($Secondary.Name) answers sys/health as '$($health.Role)' (DR mode '$($health.ReplicationDrMode)'), not as a DR secondary. Nothing was changed."
    }
    $old = Get-VaultDrHealth -Connection $Primary -ErrorAction SilentlyContinue
    $oldText = if ($old) { "answers as '$($old.Role)' (DR mode '$($old.ReplicationDrMode)')" } else { 'does not answer' }
    Write-Host "Health check: $($Secondary.Name) is a DR secondary; $($Primary.Name) $oldText."
} else {
    $check = Test-VaultDrReplication -Primary $Primary -Secondary $Secondary
    if (-not $check.Healthy -and $HealthWaitSec -gt 0 -and -not $check.TwoPrimaries) {
        Write-Host "Health check: not caught up yet ($($check.FailedChecks -join ' ')); waiting up to $HealthWaitSec s."
        $waited = Wait-VaultDrReplication -Primary $Primary -Secondary $Secondary -TimeoutSec $HealthWaitSec -ErrorAction SilentlyContinue
        $check = if ($waited) { $waited } else { Test-VaultDrReplication -Primary $Primary -Secondary $Secondary }
    }
    if (-not $check.Healthy) {
        throw "Health check failed: $($check.FailedChecks -join ' ') Nothing was changed. Fix this first, or wait and run the runbook again."
    }
    Write-Host "Health check: $($Secondary.Name) is connected and caught up with $($Primary.Name) (WAL $($check.PrimaryStatus.LastWal))."
}

# 2. The failover.
$failover = @{ Primary = $Primary; Secondary = $Secondary; TimeoutSec = $TimeoutSec }
$failover[$kind] = $true
if ($PSCmdlet.ParameterSetName -eq 'KeyShare') { $failover.KeyShare = $KeyShare } else { $failover.DrOperationToken = $DrOperationToken }

# VaultDr asks before each change (demote, promote, re-attach), naming the cluster it changes. -Confirm:$false and
# -WhatIf given to this runbook reach it; a session that cannot ask (an agent, pwsh -NonInteractive) gets VaultDr's
# VaultDrConfirmationRequired before anything is sent, rather than PowerShell's raw prompt error.
$report = Invoke-VaultDrFailover @failover -ErrorAction Continue
if (-not $report) { return }

# 3. The summary, then the report.
function Format-Cluster($Status, $Connection) {
    if ($null -eq $Status) { return "$($Connection.Name) does not answer" }
    $state = if ($Status.State) { " ($($Status.State))" } else { '' }
    "$($Connection.Name) is $($Status.Mode)$state"
}

if ($report.WhatIf) {
    Write-Host "$kind failover $($Primary.Name) -> $($Secondary.Name): WHATIF, $($report.Steps.Count) steps planned, nothing sent."
} else {
    $outcome = if ($report.Succeeded) { 'SUCCEEDED' } else { 'FAILED' }
    Write-Host ("{0} failover {1} -> {2}: {3} in {4:0.0} s" -f $kind, $Primary.Name, $Secondary.Name, $outcome, $report.Duration.TotalSeconds)
    Write-Host "  Now: $(Format-Cluster $report.NewPrimaryStatus $Secondary); $(Format-Cluster $report.OldPrimaryStatus $Primary)."
    if ($report.FailedStep) { Write-Host "  Stopped at step $($report.FailedStep): $($report.Error)" }
    if ($report.NextSafeCommand) { Write-Host "  Next: $($report.NextSafeCommand)" }
}
$report
