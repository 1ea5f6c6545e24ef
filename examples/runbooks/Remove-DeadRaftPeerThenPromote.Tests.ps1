<#
.SYNOPSIS
    Rehearses examples/runbooks/Remove-DeadRaftPeerThenPromote.ps1 against the lab: the DR cluster has three Raft
    voters and one of them dies. Invoke-VaultDrFailover refuses it; the runbook's -WhatIf removes nothing; the runbook
    removes exactly the dead voter and promotes. Typed cmdlets throughout; the lab's request log shows what was sent.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot '../ExamplesCommon.ps1')
    $script:Runbook = Join-Path $PSScriptRoot 'Remove-DeadRaftPeerThenPromote.ps1'
}

Describe 'Remove-DeadRaftPeerThenPromote.ps1 against a lab DR pair with a dead voter' {
    BeforeAll {
        $script:pair = New-LabPair
        $script:connA = $pair.ConnA
        $script:connB = $pair.ConnB
        $script:shares = @($pair.A.UnsealKeys | Select-Object -First $pair.A.KeyThreshold)
        Set-VaultDrLabSecret -Connection $connA -Path app/db -Data @{ password = 'written-on-a' }

        # Two standbys make three voters; one dies, and autopilot counts it out after one second without contact.
        $script:alive, $script:dead = $pair.B, $pair.B | New-VaultDrLabStandby
        $op = $shares | New-VaultDrOperationToken -Connection $connB -WarningAction SilentlyContinue
        Set-VaultDrAutopilotConfiguration -Connection $connB -DrOperationToken $op.DrOperationToken -LastContactThreshold 1s -Confirm:$false
        Stop-VaultDrLabStandby -Cluster $pair.B -NodeId $dead.Name -Confirm:$false
        Wait-Until { (Get-VaultDrAutopilotState -Connection $connB -DrOperationToken $op.DrOperationToken).Healthy -eq $false } -Because 'autopilot sees the dead voter'
        $op | Revoke-VaultDrOperationToken -Connection $connB -Confirm:$false
        Wait-VaultDrReplication -Primary $connA -Secondary $connB -TimeoutSec 30 | Out-Null
    }
    AfterAll { Stop-VaultDrLab }
    BeforeEach { Clear-VaultDrLabRequest -Lab $pair.A.Lab }

    It 'Invoke-VaultDrFailover alone refuses the cluster with VaultDrDeadRaftPeers: nothing demoted' {
        $report = Invoke-VaultDrFailover -Primary $connA -Secondary $connB -KeyShare $shares -Planned -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue

        $report.Succeeded | Should -BeFalse
        $report.Error | Should -Match "are dead \($([regex]::Escape($dead.Name))"
        $report.NextSafeCommand | Should -Match 'RemoveDeadPeers'
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'VaultDrFailoverStepFailed*'
        @(Get-VaultDrLabRequest -Cluster $pair.A | Where-Object Path -like '*demote*').Count | Should -Be 0
        (Get-VaultDrStatus -Connection $connA).Mode | Should -Be 'primary'
    }

    It '-WhatIf lists the dead voter, removes nothing and promotes nothing' {
        $result = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -WhatIf 6>$null

        $result.PSObject.TypeNames[0] | Should -Be 'VaultDr.Runbook.RaftCleanup'
        $result.Dead | Should -Be @($dead.Name)
        $result.Removed | Should -BeNullOrEmpty
        $result.Failover.WhatIf | Should -BeTrue
        @(Get-VaultDrLabRequest -Cluster $pair.B | Where-Object Path -eq '/v1/sys/storage/raft/remove-peer').Count | Should -Be 0
        @(Get-VaultDrRaftPeer -Connection $connB -DrOperationToken ($shares | New-VaultDrOperationToken -Connection $connB -WarningAction SilentlyContinue | Tee-Object -Variable op).DrOperationToken).NodeId |
            Should -Contain $dead.Name
        $op | Revoke-VaultDrOperationToken -Connection $connB -Confirm:$false
        (Get-VaultDrStatus -Connection $connB).Mode | Should -Be 'secondary'
    }

    It 'removes exactly the dead voter, keeps the leader and the live standby, and promotes the DR cluster' {
        $result = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -Confirm:$false -TimeoutSec 60 6>$null -WarningAction SilentlyContinue

        $result.Removed | Should -Be @($dead.Name)
        $result.PeersBefore.NodeId | Should -Contain $dead.Name
        $result.PeersAfter.NodeId | Should -Not -Contain $dead.Name
        $result.PeersAfter.NodeId | Should -Contain $alive.Name
        @($result.PeersAfter | Where-Object Leader).Count | Should -Be 1
        @(Get-VaultDrLabRequest -Cluster $pair.B | Where-Object Path -eq '/v1/sys/storage/raft/remove-peer').Count | Should -Be 1

        $result.Failover.Succeeded | Should -BeTrue -Because "$($result.Failover.FailedStep): $($result.Failover.Error)"
        $new, $old = Get-VaultDrStatus -Connection $connB, $connA
        $new.Mode | Should -Be 'primary'
        $old.Mode | Should -Be 'secondary'
        (Get-VaultDrLabSecret -Connection $connB -Path app/db).password | Should -Be 'written-on-a'
    }
}
