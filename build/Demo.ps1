<#
.SYNOPSIS
    Walks a whole Vault DR lifecycle against a two-cluster VaultDr lab, with the module's own cmdlets.
.DESCRIPTION
    Enable a primary (vault-1), write data, attach a DR secondary (vault-2) with an activation token and wait
    until it has caught up. Fail over by hand, one cmdlet per step: the DR operation token ceremony on vault-2
    with the unseal key shares (first, before anything changes), demote vault-1, promote vault-2, re-attach
    vault-1 as its secondary with update-primary (no wipe), delete the operation token. Write more data on
    vault-2, then fail back with Invoke-VaultDrFailover, the same runbook in one command, so vault-1 is the
    primary again and vault-2 its caught-up secondary, and read both writes on vault-1. Prints the status table
    between steps and ends with a one-line verdict that says where the primary role ended up.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [int] $TimeoutSec = 30
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModuleManifest -Force
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$step = 0

function Step([string] $Title) {
    $script:step++
    Write-Host ''
    Write-Host ("[{0,5:0.0}s] {1}. {2}" -f $clock.Elapsed.TotalSeconds, $script:step, $Title) -ForegroundColor Cyan
}

function Show-Status {
    Get-VaultDrStatus -Connection $script:connA, $script:connB |
        Format-Table Cluster, Mode, State, LastWal, LastRemoteWal,
            @{ n = 'MerkleRoot'; e = { if ($_.MerkleRoot) { $_.MerkleRoot.Substring(0, 10) } } },
            @{ n = 'Peers'; e = { (@($_.Secondaries) + @($_.Primaries) | ForEach-Object { $_.ConnectionStatus }) -join ',' } } -AutoSize |
        Out-Host
}

function Wait-CaughtUp($Primary, $Secondary) {
    # Vault's documented health criteria, read until they pass (Wait-VaultDrReplication's one poller).
    $health = Wait-VaultDrReplication -Primary $Primary -Secondary $Secondary -TimeoutSec $TimeoutSec
    Write-Host ("        {0} caught up with {1} at WAL {2}" -f $Secondary.Name, $Primary.Name, $health.PrimaryStatus.LastWal)
}

$verdict = 'FAILED'
$endState = 'see the error above'
$clusters = @()
try {
    Step 'Start a two-cluster lab (TLS on, private CA)'
    $clusters = Start-VaultDrLab -ClusterCount 2 -Tls
    $a, $b = $clusters
    $connA, $connB = $a.Connection, $b.Connection
    $keys = $a.UnsealKeys | Select-Object -First $a.KeyThreshold
    $clusters | Format-Table Name, Address, ClusterAddress, KeyThreshold -AutoSize | Out-Host
    Show-Status

    Step "Enable DR primary on $($a.Name)"
    Enable-VaultDrPrimary -Connection $connA -WarningAction SilentlyContinue

    Step "Write data on $($a.Name)"
    Set-VaultDrLabSecret -Connection $connA -Path demo/database -Data @{ password = 'correct-horse-battery-staple' }

    Step "Activation token from $($a.Name) -> enable $($b.Name) as its DR secondary (wipes $($b.Name))"
    New-VaultDrSecondaryToken -Connection $connA -Id $b.Name |
        Enable-VaultDrSecondary -Connection $connB -Confirm:$false -WarningAction SilentlyContinue
    # The secondary now holds the primary's token store: its own old root token is gone, as in Vault.
    $connB = New-VaultDrConnection -Name $b.Name -Address $b.Address -Token $a.RootToken -CACertificateFile $b.CACertificateFile
    Wait-CaughtUp $connA $connB
    Show-Status

    # The token first: the key holders' ceremony does not need the demotion, and a ceremony that fails then leaves
    # $($a.Name) serving. The outage is only the demote and the promote, back to back.
    Step "Fail over by hand: DR operation token on $($b.Name) from $($a.KeyThreshold) unseal key shares, before anything changes"
    $tokenB = $keys | New-VaultDrOperationToken -Connection $connB -WarningAction SilentlyContinue

    Step "Demote $($a.Name)"
    Invoke-VaultDrDemote -Connection $connA -Confirm:$false -WarningAction SilentlyContinue

    Step "Promote $($b.Name)"
    $tokenB | Invoke-VaultDrPromote -Connection $connB -Confirm:$false -WarningAction SilentlyContinue
    Show-Status

    Step "Re-attach $($a.Name) as $($b.Name)'s DR secondary with update-primary (no wipe)"
    $tokenA = $keys | New-VaultDrOperationToken -Connection $connA -WarningAction SilentlyContinue
    New-VaultDrSecondaryToken -Connection $connB -Id $a.Name |
        Update-VaultDrPrimary -Connection $connA -DrOperationToken $tokenA.DrOperationToken -Confirm:$false -WarningAction SilentlyContinue
    Wait-CaughtUp $connB $connA
    Show-Status

    Step 'Delete the DR operation tokens (they never expire)'
    $tokenA | Revoke-VaultDrOperationToken -Connection $connA -Confirm:$false
    Write-Host "        deleted the token made on $($a.Name), still a DR secondary; the one made on $($b.Name) was consumed by its promotion"

    Step "Read the data on the new primary $($b.Name), and write more there"
    $secret = Get-VaultDrLabSecret -Connection $connB -Path demo/database
    if ($secret.password -ne 'correct-horse-battery-staple') { throw 'The data written before the failover did not survive it.' }
    Set-VaultDrLabSecret -Connection $connB -Path demo/written-during-failover -Data @{ by = $b.Name }
    Write-Host "        secret/demo/database survived the failover; secret/demo/written-during-failover written on $($b.Name)"

    Step "Fail back with Invoke-VaultDrFailover: $($a.Name) primary again, $($b.Name) re-attached as its secondary"
    # A planned failover starts from a caught-up secondary: the write above must reach $($a.Name) first.
    Wait-CaughtUp $connB $connA
    $report = Invoke-VaultDrFailover -Primary $connB -Secondary $connA -KeyShare $keys -Confirm:$false -WarningAction SilentlyContinue
    $report.Steps | ForEach-Object { Write-Host "        $_" }
    if (-not $report.Succeeded) { throw "The failback stopped at $($report.FailedStep): $($report.NextSafeCommand)" }
    Show-Status

    Step "Read both writes on $($a.Name)"
    $before = Get-VaultDrLabSecret -Connection $connA -Path demo/database
    $during = Get-VaultDrLabSecret -Connection $connA -Path demo/written-during-failover
    if ($before.password -ne 'correct-horse-battery-staple' -or $during.by -ne $b.Name) { throw "The data did not come back to $($a.Name) with the failback." }
    Write-Host "        both secrets are on $($a.Name): the one written before the failover and the one written on $($b.Name)"

    $primaries = @(Get-VaultDrStatus -Connection $connA, $connB | Where-Object Mode -eq 'primary')
    if ($primaries.Count -ne 1 -or $primaries[0].Cluster -ne $a.Name) { throw "Expected $($a.Name) as the only primary, found: $($primaries.Cluster -join ', ')." }
    if (-not (Test-VaultDrReplication -Primary $connA -Secondary $connB -Quiet)) { throw "$($b.Name) has not caught up with $($a.Name)." }
    $endState = "$($a.Name) is the only primary, $($b.Name) its caught-up DR secondary"
    $verdict = 'PASSED'
}
finally {
    Step 'Stop the lab'
    if ($clusters) { Stop-VaultDrLab }
    Write-Host ''
    Write-Host ("Demo {0}: DR lifecycle (enable, replicate, fail over by hand, fail back with Invoke-VaultDrFailover, clean up) in {1:0.0} s; {2}." -f $verdict, $clock.Elapsed.TotalSeconds, $endState) -ForegroundColor ($verdict -eq 'PASSED' ? 'Green' : 'Red')
}
