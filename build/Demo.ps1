<#
.SYNOPSIS
    Walks a whole Vault DR lifecycle against a two-cluster VaultDr lab, with the module's own cmdlets.
.DESCRIPTION
    Enable a primary, write data, attach a DR secondary with an activation token, wait until it has caught
    up, fail over (demote, DR operation token ceremony with the unseal key shares, promote), fail back by
    re-attaching the old primary with update-primary, read the data back, delete the operation tokens and
    stop the lab. Prints the status table between steps and ends with a one-line verdict.
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
        Format-Table @{ n = 'Cluster'; e = { $_.Address.Authority } }, Mode, State, LastWal, LastRemoteWal,
            @{ n = 'MerkleRoot'; e = { if ($_.MerkleRoot) { $_.MerkleRoot.Substring(0, 10) } } },
            @{ n = 'Peers'; e = { (@($_.Secondaries) + @($_.Primaries) | ForEach-Object { $_.ConnectionStatus }) -join ',' } } -AutoSize |
        Out-Host
}

# Polls until the secondary has everything the primary has (Vault's documented health criteria).
function Wait-CaughtUp($Primary, $Secondary) {
    $deadline = (Get-Date).AddSeconds($TimeoutSec)
    $delay = 50
    while ($true) {
        $p, $s = Get-VaultDrStatus -Connection $Primary, $Secondary
        $peer = @($p.Secondaries) | Where-Object { $_.ApiAddress -and ([uri]$_.ApiAddress).Authority -eq $Secondary.Address.Authority } | Select-Object -First 1
        if ($s.State -eq 'stream-wals' -and $s.LastRemoteWal -ge $p.LastWal -and $p.LastWal -gt 0 -and
            $s.MerkleRoot -eq $p.MerkleRoot -and $s.ClusterId -eq $p.ClusterId -and $peer -and $peer.ConnectionStatus -eq 'connected') {
            Write-Host ("        {0} caught up with {1} at WAL {2}" -f $Secondary.Name, $Primary.Name, $p.LastWal)
            return
        }
        if ((Get-Date) -gt $deadline) { throw "$($Secondary.Name) did not catch up with $($Primary.Name) within $TimeoutSec s (state $($s.State), WAL $($s.LastRemoteWal)/$($p.LastWal))." }
        Start-Sleep -Milliseconds $delay
        $delay = [Math]::Min(400, $delay * 2)
    }
}

$verdict = 'FAILED'
$clusters = @()
try {
    Step 'Start a two-cluster lab (TLS on, private CA)'
    $clusters = Start-VaultDrLab -ClusterCount 2 -Tls
    $a, $b = $clusters
    $connA, $connB = $a.Connection, $b.Connection
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

    Step "Planned failover: demote $($a.Name)"
    Invoke-VaultDrDemote -Connection $connA -Confirm:$false -WarningAction SilentlyContinue

    Step "DR operation token on $($b.Name) from $($a.KeyThreshold) unseal key shares"
    $tokenB = $a.UnsealKeys | Select-Object -First $a.KeyThreshold |
        New-VaultDrOperationToken -Connection $connB -WarningAction SilentlyContinue

    Step "Promote $($b.Name)"
    $tokenB | Invoke-VaultDrPromote -Connection $connB -Confirm:$false -WarningAction SilentlyContinue
    Show-Status

    Step "Fail back: re-attach $($a.Name) to $($b.Name) with update-primary (no wipe)"
    $tokenA = $a.UnsealKeys | Select-Object -First $a.KeyThreshold |
        New-VaultDrOperationToken -Connection $connA -WarningAction SilentlyContinue
    New-VaultDrSecondaryToken -Connection $connB -Id $a.Name |
        Update-VaultDrPrimary -Connection $connA -DrOperationToken $tokenA.DrOperationToken -Confirm:$false -WarningAction SilentlyContinue
    Wait-CaughtUp $connB $connA
    Show-Status

    Step "Read the data on the new primary $($b.Name)"
    $secret = Get-VaultDrLabSecret -Connection $connB -Path demo/database
    if ($secret.password -ne 'correct-horse-battery-staple') { throw 'The data written before the failover did not survive it.' }
    Write-Host '        secret/demo/database survived the failover'

    Step 'Delete the DR operation tokens (they never expire)'
    $tokenA | Revoke-VaultDrOperationToken -Connection $connA -Confirm:$false
    Write-Host "        deleted the token made on $($a.Name); the one made on $($b.Name) was consumed by its promotion"

    $verdict = 'PASSED'
}
finally {
    Step 'Stop the lab'
    if ($clusters) { Stop-VaultDrLab }
    Write-Host ''
    Write-Host ("Demo {0}: DR lifecycle (enable, replicate, fail over, fail back, clean up) in {1:0.0} s." -f $verdict, $clock.Elapsed.TotalSeconds) -ForegroundColor ($verdict -eq 'PASSED' ? 'Green' : 'Red')
}
