#Requires -Version 7.4
<#
.SYNOPSIS
    Health gate for a DR failover: passes only when the primary is an active DR primary, the DR cluster is a
    DR secondary, and DR replication is healthy and caught up (Vault's documented criteria).
.DESCRIPTION
    Runs as a PowerShell@2 task (pwsh: true) in the HealthGate stage of vault-dr-failover.yml, or anywhere else:
    every parameter defaults from the environment the pipeline maps into the step. The Vault token is read
    from the environment variable VAULT_TOKEN only, never from a parameter, so it is never on a command line.

    Exit code 0 when the gate passes; otherwise the script throws a message that names every failed check
    (and, on an agent, also writes it as ##vso[task.logissue type=error]), so the step and the stage fail.
.EXAMPLE
    $env:VAULT_TOKEN = '<token>'   # in a pipeline: env: VAULT_TOKEN: $(VAULT_TOKEN)
    ./health-gate.ps1 -PrimaryAddress https://vault-a:8200 -SecondaryAddress https://vault-b:8200 -CACertificateFile ./ca.pem
#>
[CmdletBinding()]
param(
    # The cluster that is DR primary now.
    [string] $PrimaryAddress = $env:VAULT_PRIMARY_ADDR,

    # The DR secondary the failover would promote.
    [string] $SecondaryAddress = $env:VAULT_DR_ADDR,

    # A PEM file with the CA that signed both clusters' certificates (the pipeline's secure file).
    [string] $CACertificateFile = $env:VAULT_CA_CERT,

    # out/VaultDr/VaultDr.psd1 of a VaultDr build; by default the pipeline artifact 'VaultDr'.
    [string] $ModulePath,

    # How long to wait for a secondary that is still catching up before failing the gate (0: do not wait).
    [ValidateRange(0, 3600)]
    [int] $WaitSec = 60,

    # Swap the two addresses: check the pair the other way round, before a failback.
    [switch] $Failback,

    # The environment variable that holds the Vault token (a secret variable mapped in env:).
    [string] $TokenVariable = 'VAULT_TOKEN'
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
Write-Host "primary: $($primary.Address)"
Write-Host "dr:      $($secondary.Address)"
Stop-PipelineGroup

$problems = [System.Collections.Generic.List[string]]::new()

Start-PipelineGroup 'sys/health of both clusters'
foreach ($check in @(
        @{ Connection = $primary; Role = 'active'; Mode = 'primary' }
        @{ Connection = $secondary; Role = 'dr-secondary'; Mode = 'secondary' })) {
    $health = Get-VaultDrHealth -Connection $check.Connection -ErrorAction SilentlyContinue -ErrorVariable healthError
    if (-not $health) {
        $problems.Add("$($check.Connection.Name) ($($check.Connection.Address)) did not answer sys/health: $($healthError[0].Exception.Message)")
        continue
    }
    Write-Host ('{0,-8} HTTP {1} role {2}, DR mode {3}, sealed {4}, version {5}' -f $check.Connection.Name, $health.StatusCode, $health.Role, $health.ReplicationDrMode, $health.Sealed, $health.Version)
    if ($health.Role -ne $check.Role -or $health.ReplicationDrMode -ne $check.Mode) {
        $problems.Add("$($check.Connection.Name) ($($check.Connection.Address)) is '$($health.Role)' with DR mode '$($health.ReplicationDrMode)', expected '$($check.Role)' with DR mode '$($check.Mode)'.")
    }
}
Stop-PipelineGroup

Start-PipelineGroup 'DR replication'
$result = Test-VaultDrReplication -Primary $primary -Secondary $secondary
if (-not $result.Healthy -and $WaitSec -gt 0 -and $problems.Count -eq 0) {
    Write-Host "Not healthy yet ($($result.FailedChecks -join ' ')); waiting up to $WaitSec s."
    $waited = Wait-VaultDrReplication -Primary $primary -Secondary $secondary -TimeoutSec $WaitSec -ErrorAction SilentlyContinue
    $result = if ($waited) { $waited } else { Test-VaultDrReplication -Primary $primary -Secondary $secondary }
}
$lag = if ($null -ne $result.WalLag) { $result.WalLag } else { 'unknown' }
$heartbeat = if ($result.LastHeartbeatAge) { '{0:0.0} s ago' -f $result.LastHeartbeatAge.TotalSeconds } else { 'unknown' }
Write-Host "healthy: $($result.Healthy); state: $($result.SecondaryState); connected: $($result.Connected); WAL lag: $lag; merkle roots equal: $($result.MerkleMatch); last heartbeat: $heartbeat"
foreach ($failed in $result.FailedChecks) { $problems.Add($failed) }
Stop-PipelineGroup

if ($problems.Count -gt 0) {
    $message = "Health gate failed: $($problems -join ' ') Nothing was changed; do not fail over until this passes."
    Write-PipelineIssue -Type error -Message $message
    throw $message
}
Write-Host "Health gate passed: $($secondary.Address) is a connected DR secondary, caught up with $($primary.Address) (WAL $($result.PrimaryStatus.LastWal))."
