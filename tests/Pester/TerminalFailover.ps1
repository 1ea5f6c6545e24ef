<#
.SYNOPSIS
    Runs one Invoke-VaultDrFailover in a real terminal for Terminal.Tests.ps1. After the failover
    (completed, failed, or stopped with Ctrl+C) it prints AFTER-FAILOVER and holds the terminal for
    -HoldMs, so the test can read the screen while the same script is still running.
#>
param(
    [Parameter(Mandatory)][string] $Manifest,
    [Parameter(Mandatory)][ValidateSet('Complete', 'Fail', 'Interrupt')][string] $Outcome,
    [int] $HoldMs = 3000
)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$p, $s = Start-VaultDrLab -StateStepDelayMs 200 -CatchUpDelayMs 200
try {
    Enable-VaultDrPrimary -Connection $p.Connection -WarningAction SilentlyContinue
    New-VaultDrSecondaryToken -Connection $p.Connection -Id dr |
        Enable-VaultDrSecondary -Connection $s.Connection -Confirm:$false -WarningAction SilentlyContinue
    $connB = New-VaultDrConnection -Address $s.Address -Token $p.RootToken -MaxRetries 0
    Wait-VaultDrReplication $p.Connection $connB -TimeoutSec 20 | Out-Null
    # Step 3 (the operation token ceremony on the secondary) takes 2 s: long enough to see the bar, and to press Ctrl+C.
    Set-VaultDrLabFault -Cluster $s -Path /v1/sys/replication/dr/secondary/generate-operation-token/attempt -Method PUT -DelayMs 2000 -Count 1
    if ($Outcome -eq 'Fail') {
        Set-VaultDrLabFault -Cluster $s -Path /v1/sys/replication/dr/secondary/promote -Method POST -StatusCode 500
    }
    [Console]::WriteLine('FAILOVER-STARTS')
    try {
        $null = Invoke-VaultDrFailover -Primary $p.Connection -Secondary $connB -KeyShare ($p.UnsealKeys | Select-Object -First 3) `
            -Confirm:$false -WarningAction SilentlyContinue
    } catch {
        [Console]::WriteLine('FAILOVER-FAILED')
    } finally {
        # .NET calls only: after Ctrl+C the pipeline is stopping and would refuse new commands.
        [Console]::WriteLine('AFTER-FAILOVER')
        [Threading.Thread]::Sleep($HoldMs)
    }
} finally {
    Stop-VaultDrLab -ErrorAction SilentlyContinue
}
