#Requires -Version 7.4
<#
.SYNOPSIS
    Operator runbook: repair a corrupted Merkle tree in a DR pair. Check both clusters, reindex the one whose tree is
    corrupt, wait for it, verify.
.DESCRIPTION
    HashiCorp's order, step by step:
    1. Check. Test-VaultDrReplication, then Invoke-VaultDrMerkleCheck on the primary (Vault token) and on the DR
       secondary (DR operation token). The checks only read the trees: they run even under -WhatIf.
    2. Decide. The primary's replicated tree is corrupt: reindex the PRIMARY (reindexing the secondary would not fix
       it). Only the secondary's trees are corrupt: reindex the secondary. Nothing is corrupt: stop, and reindex nothing.
    3. Reindex and wait. Start-VaultDrReindex -Wait follows the stages with a progress bar. ConfirmImpact High: a
       reindex can take long and make the cluster unavailable, so PowerShell asks first (-Confirm:$false in agents).
    4. Verify. Wait-VaultDrReplication until the pair is caught up again, then check both trees once more.

    The DR operation token for the secondary: -DrOperationToken (a batch token, or one generated earlier), or
    -KeyShare, and the runbook generates one and deletes it at the end.
    It returns a VaultDr.Runbook.MerkleRepair object: Reindexed (which clusters, in order), Before and After
    (the checks' reports), Healthy (the pair at the end).
    Import the VaultDr module before running it (its parameter types come from the module).
.EXAMPLE
    Import-Module ./out/VaultDr/VaultDr.psd1
    $token   = Read-Host -AsSecureString 'Vault token'
    $primary = New-VaultDrConnection https://vault-a.example.com:8200 -Token $token -Name vault-a
    $dr      = New-VaultDrConnection https://vault-b.example.com:8200 -Token $token -Name vault-b
    $shares  = 1..3 | ForEach-Object { Read-Host -AsSecureString "Key share $_" }
    ./examples/runbooks/Repair-MerkleCorruption.ps1 -Primary $primary -Secondary $dr -KeyShare $shares

    Checks both trees, asks before it reindexes the cluster whose tree is corrupt, waits, and verifies.
.EXAMPLE
    ./examples/runbooks/Repair-MerkleCorruption.ps1 -Primary $primary -Secondary $dr -KeyShare $shares -WhatIf

    Runs the checks and says which cluster it would reindex, without reindexing anything. (It still generates
    a DR operation token for the secondary's check, and deletes it.)
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'KeyShare')]
[OutputType('VaultDr.Runbook.MerkleRepair')]
param(
    # The DR primary.
    [Parameter(Mandatory)]
    [VaultDr.VaultDrConnection] $Primary,

    # Its DR secondary.
    [Parameter(Mandatory)]
    [VaultDr.VaultDrConnection] $Secondary,

    # The primary's unseal (or recovery) key shares, enough for a DR operation token on the secondary.
    [Parameter(Mandatory, ParameterSetName = 'KeyShare')]
    [securestring[]] $KeyShare,

    # A DR operation token for the secondary, made in advance (e.g. New-VaultDrBatchOperationToken).
    [Parameter(Mandatory, ParameterSetName = 'DrOperationToken')]
    [securestring] $DrOperationToken,

    # How long a reindex, and the catch-up after it, may take.
    [ValidateRange(1, 86400)]
    [int] $TimeoutSec = 1800
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Get-Trees([securestring] $Token) {
    # A Merkle check reads the trees and records when it ran: it changes no data, so it runs under -WhatIf too.
    [pscustomobject]@{
        Primary   = Invoke-VaultDrMerkleCheck -Connection $Primary -WhatIf:$false -Confirm:$false -WarningAction SilentlyContinue
        Secondary = Invoke-VaultDrMerkleCheck -Connection $Secondary -DrOperationToken $Token -WhatIf:$false -Confirm:$false -WarningAction SilentlyContinue
    }
}

function Test-Corrupt($Report) { -not $Report.Healthy }

$generated = $null
$token = $DrOperationToken
if ($PSCmdlet.ParameterSetName -eq 'KeyShare') {
    # Reading a DR secondary takes a DR operation token, also under -WhatIf: it is generated, and deleted at the end.
    $generated = $KeyShare | New-VaultDrOperationToken -Connection $Secondary -WhatIf:$false -Confirm:$false -WarningAction SilentlyContinue
    $token = $generated.DrOperationToken
}

try {
    # 1. Check.
    $pair = Test-VaultDrReplication -Primary $Primary -Secondary $Secondary
    $before = Get-Trees $token
    Write-Host "Check: $($Primary.Name) trees $(if (Test-Corrupt $before.Primary) { 'CORRUPT' } else { 'healthy' }); $($Secondary.Name) trees $(if (Test-Corrupt $before.Secondary) { 'CORRUPT' } else { 'healthy' }); pair $(if ($pair.Healthy) { 'healthy' } else { 'unhealthy' })."

    # 2. Decide: the primary first, because a secondary's reindex cannot fix a corrupt primary.
    # A secondary whose replicated tree looks corrupt because its primary's is gets well with the primary's reindex;
    # its own local tree needs its own.
    $primaryReplicated = $before.Primary.CorruptedRoot -or ($before.Primary.Replicated -and $before.Primary.Replicated.Corrupted)
    $secondaryLocal = $before.Secondary.Local -and $before.Secondary.Local.Corrupted
    $targets = @()
    if (Test-Corrupt $before.Primary) { $targets += 'Primary' }
    if ((Test-Corrupt $before.Secondary) -and (-not $primaryReplicated -or $secondaryLocal)) { $targets += 'Secondary' }
    if ($targets.Count -eq 0) {
        Write-Host "Nothing to repair: no Merkle tree is corrupt, so nothing is reindexed. $($before.Secondary.Recommendation)"
        return [pscustomobject]@{ PSTypeName = 'VaultDr.Runbook.MerkleRepair'; Reindexed = @(); Before = $before; After = $before; Healthy = $pair.Healthy }
    }

    # 3. Reindex the cluster(s) whose tree is corrupt, and wait for each.
    $reindexed = @()
    foreach ($target in $targets) {
        $connection = if ($target -eq 'Primary') { $Primary } else { $Secondary }
        $reindex = @{ Connection = $connection; Wait = $true; TimeoutSec = $TimeoutSec }
        if ($target -eq 'Secondary') { $reindex.DrOperationToken = $token }
        if (-not $PSCmdlet.ShouldProcess($connection.Name, 'Reindex the replication Merkle trees (can take long; the cluster may be unavailable)')) {
            Write-Host "WHATIF: would reindex $($connection.Name) ($target)."
            continue
        }
        Write-Host "Reindex: $($connection.Name) ($target)..."
        $status = Start-VaultDrReindex @reindex -Confirm:$false -WarningAction SilentlyContinue
        Write-Host "Reindex: $($connection.Name) done, last reindex $($status.LastReindex)."
        $reindexed += $connection.Name
    }
    if ($reindexed.Count -eq 0) {
        return [pscustomobject]@{ PSTypeName = 'VaultDr.Runbook.MerkleRepair'; Reindexed = @(); Before = $before; After = $before; Healthy = $pair.Healthy }
    }

    # 4. Verify: caught up again, and both trees clean.
    $health = Wait-VaultDrReplication -Primary $Primary -Secondary $Secondary -TimeoutSec $TimeoutSec
    $after = Get-Trees $token
    $clean = -not (Test-Corrupt $after.Primary) -and -not (Test-Corrupt $after.Secondary)
    Write-Host "Verify: pair $(if ($health.Healthy) { 'healthy and caught up' } else { 'NOT healthy' }); trees $(if ($clean) { 'clean' } else { 'STILL CORRUPT' })."
    [pscustomobject]@{ PSTypeName = 'VaultDr.Runbook.MerkleRepair'; Reindexed = $reindexed; Before = $before; After = $after; Healthy = ($health.Healthy -and $clean) }
}
finally {
    if ($generated) {
        $generated | Revoke-VaultDrOperationToken -Connection $Secondary -Confirm:$false -WhatIf:$false
    }
}
