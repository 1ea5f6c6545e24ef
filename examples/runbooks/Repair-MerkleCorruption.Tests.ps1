<#
.SYNOPSIS
    Rehearses examples/runbooks/Repair-MerkleCorruption.ps1 against the lab: a corrupt secondary is found, reindexed
    and verified; a corrupt primary is reindexed, not its secondary; a clean pair reindexes nothing; -WhatIf checks
    only. Every step goes through VaultDr's typed cmdlets; the lab's request log shows which cluster got the reindex.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot '../ExamplesCommon.ps1')
    $script:Runbook = Join-Path $PSScriptRoot 'Repair-MerkleCorruption.ps1'

    function Get-Posts($Cluster, [string] $Like) {
        @(Get-VaultDrLabRequest -Cluster $Cluster | Where-Object { $_.Method -eq 'POST' -and $_.Path -like $Like })
    }
}

Describe 'Repair-MerkleCorruption.ps1 against a lab DR pair' {
    BeforeAll {
        $script:pair = New-LabPair
        $script:connA = $pair.ConnA
        $script:connB = $pair.ConnB
        $script:shares = @($pair.A.UnsealKeys | Select-Object -First $pair.A.KeyThreshold)
    }
    AfterAll { Stop-VaultDrLab }
    BeforeEach { Clear-VaultDrLabRequest -Lab $pair.A.Lab }

    It 'a clean pair: both trees checked, nothing reindexed, the generated token deleted' {
        $result = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -Confirm:$false 6>$null

        $result.PSObject.TypeNames[0] | Should -Be 'VaultDr.Runbook.MerkleRepair'
        $result.Reindexed | Should -BeNullOrEmpty
        $result.Healthy | Should -BeTrue
        $result.Before.Primary.Healthy | Should -BeTrue
        $result.Before.Secondary.IsDrSecondary | Should -BeTrue
        $result.Before.Secondary.Recommendation | Should -Match '^No corruption found'
        (Get-Posts $pair.A '/v1/sys/replication/merkle-check').Count | Should -Be 1
        (Get-Posts $pair.B '/v1/sys/replication/dr/secondary/merkle-check').Count | Should -Be 1
        (Get-Posts $pair.A '*reindex').Count + (Get-Posts $pair.B '*reindex').Count | Should -Be 0
        (Get-Posts $pair.B '/v1/sys/replication/dr/secondary/operation-token/delete').Count | Should -Be 1
    }

    It 'a corrupt secondary: Test-VaultDrReplication names the fix; -WhatIf only checks' {
        $pair.B | Set-VaultDrLabCluster -CorruptMerkleTree Replicated
        $health = Test-VaultDrReplication -Primary $connA -Secondary $connB
        $health.Healthy | Should -BeFalse
        @($health.FailedChecks -like "$($connB.Address.Authority) reports a corrupted Merkle tree*Invoke-VaultDrMerkleCheck*Start-VaultDrReindex*").Count | Should -Be 1
        (Get-VaultDrHealth -Connection $connB -WarningAction SilentlyContinue).Healthy | Should -BeFalse

        $result = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -WhatIf 6>$null

        $result.Reindexed | Should -BeNullOrEmpty
        $result.Before.Secondary.Healthy | Should -BeFalse
        $result.Before.Secondary.Replicated.Corrupted | Should -BeTrue
        (Get-Posts $pair.B '*reindex').Count | Should -Be 0
        (Get-VaultDrStatus -Connection $connB).CorruptedMerkleTree | Should -BeTrue
    }

    It 'a corrupt secondary: reindexes the secondary only, waits, and verifies both trees clean' {
        $result = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -Confirm:$false -TimeoutSec 60 6>$null

        $result.Reindexed | Should -Be @($connB.Name)
        $result.Healthy | Should -BeTrue
        $result.After.Secondary.Healthy | Should -BeTrue
        (Get-Posts $pair.B '/v1/sys/replication/dr/secondary/reindex').Count | Should -Be 1
        (Get-Posts $pair.A '*reindex').Count | Should -Be 0
        (Test-VaultDrReplication -Primary $connA -Secondary $connB).Healthy | Should -BeTrue
        (Get-VaultDrStatus -Connection $connB).LastReindex | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-2))
    }

    It 'a corrupt primary: reindexes the primary, not the secondary, and the pair converges' {
        $pair.A | Set-VaultDrLabCluster -CorruptMerkleTree Replicated
        (Get-VaultDrHealth -Connection $connA).Problems | Should -Match 'corrupted Merkle tree'

        $result = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -Confirm:$false -TimeoutSec 60 6>$null

        $result.Reindexed | Should -Be @($connA.Name)
        $result.Before.Primary.Recommendation | Should -Match 'Reindex this cluster'
        $result.Healthy | Should -BeTrue
        (Get-Posts $pair.A '/v1/sys/replication/reindex').Count | Should -Be 1
        (Get-Posts $pair.B '*reindex').Count | Should -Be 0
        (Get-VaultDrHealth -Connection $connA).Healthy | Should -BeTrue
    }
}
