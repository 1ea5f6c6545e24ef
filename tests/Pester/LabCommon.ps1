<#
.SYNOPSIS
    Shared by the lab *.Tests.ps1 files: dot-source in BeforeAll after Common.ps1.
#>

function Wait-Until {
    <# Polls a condition (no fixed sleeps in the assertions): returns when it is true, throws after the timeout. #>
    param(
        [Parameter(Mandatory)][scriptblock] $Condition,
        [Parameter(Mandatory)][string] $Because,
        [int] $TimeoutSec = 15
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $delay = 25
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting until $Because." }
        Start-Sleep -Milliseconds $delay
        $delay = [Math]::Min(250, $delay * 2)
    }
}

function Test-CaughtUp {
    <# Vault's documented health criteria, read from both statuses. #>
    param([Parameter(Mandatory)] $Primary, [Parameter(Mandatory)] $Secondary)
    $p, $s = Get-VaultDrStatus -Connection $Primary, $Secondary
    $peer = @($p.Secondaries) | Where-Object { $_.NodeId -eq $s.SecondaryId } | Select-Object -First 1
    return ($s.State -eq 'stream-wals' -and $p.LastWal -gt 0 -and $s.LastRemoteWal -ge $p.LastWal -and
        $s.MerkleRoot -eq $p.MerkleRoot -and $s.ClusterId -eq $p.ClusterId -and $peer -and $peer.ConnectionStatus -eq 'connected')
}

function Get-LabKeyShares([Parameter(Mandatory)] $Cluster) {
    $Cluster.UnsealKeys | Select-Object -First $Cluster.KeyThreshold
}
