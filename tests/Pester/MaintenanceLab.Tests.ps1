# The maintenance cmdlets against the lab, through the built module: each sends the method and path Vault's facts
# give (the lab's request log shows them as the cluster received them; the bodies are asserted against the stub in
# Maintenance.Tests.ps1 and Raft.Tests.ps1), returns typed objects, and the health cmdlets judge what they find.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    function Get-Sent($Cluster) {
        <# What the cluster received since the last Clear-VaultDrLabRequest, as "METHOD /path". #>
        @(Get-VaultDrLabRequest -Cluster $Cluster | ForEach-Object { "$($_.Method) $($_.Path)" })
    }
}

Describe 'Maintenance cmdlets against a lab DR pair' {
    BeforeAll {
        # Delays long enough that a reindex (scanning, building, wal-replay, commit) can be seen in progress.
        $script:a, $script:b = Start-VaultDrLab -ClusterCount 2 -StateStepDelayMs 200 -CatchUpDelayMs 1000
        Enable-VaultDrPrimary -Connection $a.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $a.Connection -Id $b.Name |
            Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -WarningAction SilentlyContinue
        $script:connB = New-VaultDrConnection -Name $b.Name -Address $b.Address -Token $a.RootToken
        Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 30 | Out-Null
        $script:op = $a.UnsealKeys | Select-Object -First $a.KeyThreshold | New-VaultDrOperationToken -Connection $connB -WarningAction SilentlyContinue
        $script:standbys = @($b, $b | New-VaultDrLabStandby)
    }
    AfterAll { Stop-VaultDrLab }
    BeforeEach { Clear-VaultDrLabRequest -Lab $a.Lab }

    It 'Get-VaultDrReplicationStatus: GET sys/replication/status, DR and a disabled performance part' {
        $status = Get-VaultDrReplicationStatus -Connection $connB

        Get-Sent $b | Should -Be 'GET /v1/sys/replication/status'
        $status.PSObject.TypeNames[0] | Should -Be 'VaultDr.ReplicationStatus'
        $status.Dr.Mode | Should -Be 'secondary'
        $status.Dr.State | Should -Be 'stream-wals'
        $status.Performance.Mode | Should -Be 'disabled'
    }

    It 'Invoke-VaultDrMerkleCheck: merkle-check on the primary, dr/secondary/merkle-check with the token on the secondary' {
        $primaryReport = Invoke-VaultDrMerkleCheck -Connection $a.Connection -Confirm:$false
        $secondaryReport = $op | Invoke-VaultDrMerkleCheck -Connection $connB -Confirm:$false

        Get-Sent $a | Should -Be 'POST /v1/sys/replication/merkle-check'
        Get-Sent $b | Should -Be 'POST /v1/sys/replication/dr/secondary/merkle-check'
        $primaryReport.PSObject.TypeNames[0] | Should -Be 'VaultDr.MerkleCorruptionReport'
        $primaryReport.Healthy | Should -BeTrue
        $primaryReport.IsDrSecondary | Should -BeFalse
        $secondaryReport.IsDrSecondary | Should -BeTrue
        $secondaryReport.LastCorruptionCheck | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-1))
    }

    It 'Start-VaultDrReindex -Wait: reindex on the primary, dr/secondary/reindex on the secondary, followed to the end' {
        $primaryAfter = Start-VaultDrReindex -Connection $a.Connection -Wait -TimeoutSec 60 -Confirm:$false
        $secondaryAfter = $op | Start-VaultDrReindex -Connection $connB -Wait -TimeoutSec 60 -Confirm:$false

        Get-Sent $a | Where-Object { $_ -like 'POST*' } | Should -Be 'POST /v1/sys/replication/reindex'
        Get-Sent $b | Where-Object { $_ -like 'POST*' } | Should -Be 'POST /v1/sys/replication/dr/secondary/reindex'
        foreach ($status in $primaryAfter, $secondaryAfter) {
            $status.PSObject.TypeNames[0] | Should -Be 'VaultDr.DrStatus'
            $status.ReindexInProgress | Should -Not -BeTrue
            $status.LastReindex | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-1))
        }
        Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 30 | Out-Null
    }

    It 'Repair-VaultDrReplication: a broken stream recovers through dr/secondary/recover' {
        $b | Set-VaultDrLabCluster -BreakReplication
        Wait-Until { -not (Test-VaultDrReplication -Primary $a.Connection -Secondary $connB).Healthy } -Because 'the stream stopped'
        Clear-VaultDrLabRequest -Lab $a.Lab

        $op | Repair-VaultDrReplication -Connection $connB

        Get-Sent $b | Should -Be 'POST /v1/sys/replication/dr/secondary/recover'
        (Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 30).Healthy | Should -BeTrue
    }

    It 'Get-VaultDrRaftPeer and Get-VaultDrAutopilotState: the DR token where Vault''s CLI sends it; the Vault token is refused' {
        $peers = @($op | Get-VaultDrRaftPeer -Connection $connB)
        # Passed rather than piped, the OperationToken object binds as well.
        $state = Get-VaultDrAutopilotState -Connection $connB -DrOperationToken $op

        Get-Sent $b | Should -Be 'PUT /v1/sys/storage/raft/configuration', 'GET /v1/sys/storage/raft/autopilot/state'
        $peers.NodeId | Should -Be (@("$($b.Name)-node-1") + @($standbys.Name))
        @($peers | Where-Object Leader).NodeId | Should -Be "$($b.Name)-node-1"
        $peers.Voter | Should -Not -Contain $false
        $state.PSObject.TypeNames[0] | Should -Be 'VaultDr.AutopilotState'
        $state.Healthy | Should -BeTrue
        $state.FailureTolerance | Should -Be 1
        $state.Servers.Id | Sort-Object | Should -Be ($peers.NodeId | Sort-Object)

        Get-VaultDrRaftPeer -Connection $connB -ErrorAction SilentlyContinue -ErrorVariable refused | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'VaultDr*,VaultDr.Commands.GetVaultDrRaftPeerCommand'
        $refused[0].Exception.Message | Should -Match 'DrOperationToken'
    }

    It 'Get-/Set-VaultDrAutopilotConfiguration: typed durations, changed fields only' {
        $before = $op | Get-VaultDrAutopilotConfiguration -Connection $connB
        $after = $op | Set-VaultDrAutopilotConfiguration -Connection $connB -LastContactThreshold 5s -PassThru -Confirm:$false

        Get-Sent $b | Should -Be 'GET /v1/sys/storage/raft/autopilot/configuration', 'PUT /v1/sys/storage/raft/autopilot/configuration', 'GET /v1/sys/storage/raft/autopilot/configuration'
        $before.LastContactThreshold | Should -Be ([TimeSpan]::FromSeconds(10))
        $after.LastContactThreshold | Should -Be ([TimeSpan]::FromSeconds(5))
        $after.MaxTrailingLogs | Should -Be $before.MaxTrailingLogs
    }

    It 'Remove-VaultDrRaftPeer: refuses the leader after one read; removes a standby with PUT remove-peer' {
        $leader = "$($b.Name)-node-1"
        $op | Remove-VaultDrRaftPeer -ServerId $leader -Connection $connB -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused[0].FullyQualifiedErrorId | Should -Be 'VaultDrRaftPeerIsLeader,VaultDr.Commands.RemoveVaultDrRaftPeerCommand'
        Get-Sent $b | Should -Be 'PUT /v1/sys/storage/raft/configuration'

        Clear-VaultDrLabRequest -Lab $a.Lab
        $left = $op | Remove-VaultDrRaftPeer -ServerId $standbys[1].Name -Connection $connB -Confirm:$false -PassThru

        Get-Sent $b | Should -Be 'PUT /v1/sys/storage/raft/configuration', 'PUT /v1/sys/storage/raft/remove-peer', 'PUT /v1/sys/storage/raft/configuration'
        $left.NodeId | Should -Be $leader, $standbys[0].Name
    }

    It 'Get-VaultDrHealth and Test-VaultDrReplication fail a corrupt tree with the sentence that names the repair' {
        $b | Set-VaultDrLabCluster -CorruptMerkleTree Replicated
        try {
            $health = Get-VaultDrHealth -Connection $connB
            $health.Role | Should -Be 'dr-secondary'
            $health.Healthy | Should -BeFalse
            $health.CorruptedMerkleTree | Should -BeTrue
            ($health.Problems -join ' ') | Should -Match 'reports a corrupted Merkle tree.*Invoke-VaultDrMerkleCheck.*Start-VaultDrReindex'
            ((Test-VaultDrReplication -Primary $a.Connection -Secondary $connB).FailedChecks -join ' ') | Should -Match 'reports a corrupted Merkle tree'
            (Get-VaultDrHealth -Connection $a.Connection).Healthy | Should -BeTrue
        }
        finally { $b | Set-VaultDrLabCluster -CorruptMerkleTree None }
    }

    It 'a reindex in progress is syncing, with its stage, not a failure' {
        $op | Start-VaultDrReindex -Connection $connB -Confirm:$false
        Wait-Until { (Get-VaultDrStatus -Connection $connB).ReindexInProgress } -Because 'the reindex started'
        $check = Test-VaultDrReplication -Primary $a.Connection -Secondary $connB
        ($check.FailedChecks -join "`n") | Should -Match "(?m)^$([regex]::Escape($connB.Address.Authority)) is reindexing \(stage (scanning|building|wal-replay|commit).*\): still syncing, not failed\."
        (Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 60).Healthy | Should -BeTrue
    }

    It 'status endpoints switched off: Test- reports the reason, Wait- stops at once with VaultDrStatusEndpointsDisabled' {
        $b | Set-VaultDrLabCluster -StatusEndpointsDisabled $true
        try {
            $check = Test-VaultDrReplication -Primary $a.Connection -Secondary $connB
            $check.Healthy | Should -BeFalse
            ($check.FailedChecks -join ' ') | Should -Match "The secondary's status could not be read: .*disable_replication_status_endpoints"

            $watch = [Diagnostics.Stopwatch]::StartNew()
            { Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 120 } |
                Should -Throw -ErrorId 'VaultDrStatusEndpointsDisabled,VaultDr.Commands.WaitVaultDrReplicationCommand'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 60 -Because 'a listener that serves no status never will: waiting the timeout out helps nobody'

            Get-VaultDrHealth -Connection $connB -WarningVariable warned -WarningAction SilentlyContinue | ForEach-Object CorruptedMerkleTree | Should -BeNullOrEmpty
            "$warned" | Should -Match 'the Merkle tree state was not checked'
        }
        finally { $b | Set-VaultDrLabCluster -StatusEndpointsDisabled $false }
    }

    It 'Update-VaultDrPrimary -PrimaryClusterAddress: a cleared secondary is refused without -Force, then reconnects by address' {
        Update-VaultDrPrimary -Connection $connB -DrOperationToken $op -ClearPrimary -Confirm:$false
        Clear-VaultDrLabRequest -Lab $a.Lab
        $address = $a.ClusterAddress.Authority

        { Update-VaultDrPrimary -Connection $connB -DrOperationToken $op.DrOperationToken -PrimaryClusterAddress $address -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrActivationTokenRequired,VaultDr.Commands.UpdateVaultDrPrimaryCommand' -ExpectedMessage '*add -Force to send the addresses*'
        Get-Sent $b | Should -Be 'GET /v1/sys/replication/dr/status'

        Clear-VaultDrLabRequest -Lab $a.Lab
        Update-VaultDrPrimary -Connection $connB -DrOperationToken $op.DrOperationToken -PrimaryClusterAddress $address -Force -Confirm:$false
        Get-Sent $b | Should -Be 'POST /v1/sys/replication/dr/secondary/update-primary'
        (Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 30).Healthy | Should -BeTrue
        (Get-VaultDrStatus -Connection $connB).KnownPrimaryClusterAddrs | Should -Be "$($a.ClusterAddress.Scheme)://$address"
    }

    It 'Update-VaultDrPrimary -PrimaryClusterAddress -Force on a demoted primary: Vault''s refusal, as an error that says what to do' {
        $demoted = Start-VaultDrLab -ClusterCount 1
        Enable-VaultDrPrimary -Connection $demoted.Connection -WarningAction SilentlyContinue
        Invoke-VaultDrDemote -Connection $demoted.Connection -Confirm:$false -WarningAction SilentlyContinue
        $token = $demoted.UnsealKeys | Select-Object -First $demoted.KeyThreshold | New-VaultDrOperationToken -Connection $demoted.Connection -WarningAction SilentlyContinue

        { Update-VaultDrPrimary -Connection $demoted.Connection -DrOperationToken $token.DrOperationToken -PrimaryClusterAddress $a.ClusterAddress.Authority -Force -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*updating with cluster addresses is not allowed on a newly demoted DR secondary after a DR failover*'
        @(Get-VaultDrLabRequest -Cluster $demoted | Where-Object Path -eq '/v1/sys/replication/dr/secondary/update-primary').Count | Should -Be 1
        $token | Revoke-VaultDrOperationToken -Connection $demoted.Connection -Confirm:$false
    }

    It 'Invoke-VaultDrFailover -RemoveDeadPeers removes only the dead voter, then promotes; the report lists the peers before and after' {
        $op | Set-VaultDrAutopilotConfiguration -Connection $connB -LastContactThreshold 1s -Confirm:$false
        Stop-VaultDrLabStandby -Cluster $b -NodeId $standbys[0].Name -Confirm:$false
        Wait-Until { ($op | Get-VaultDrAutopilotState -Connection $connB).Healthy -eq $false } -Because 'autopilot sees the dead voter'
        $op | Revoke-VaultDrOperationToken -Connection $connB -Confirm:$false
        Clear-VaultDrLabRequest -Lab $a.Lab

        $shares = $a.UnsealKeys | Select-Object -First $a.KeyThreshold
        $report = Invoke-VaultDrFailover -Primary $a.Connection -Secondary $connB -KeyShare $shares -Planned -RemoveDeadPeers -Confirm:$false -WarningAction SilentlyContinue

        $report.Succeeded | Should -BeTrue -Because "$($report.FailedStep): $($report.Error)"
        $report.RaftPeersBefore.NodeId | Should -Be "$($b.Name)-node-1", $standbys[0].Name
        $report.RaftPeersAfter.NodeId | Should -Be "$($b.Name)-node-1"
        @(Get-VaultDrLabRequest -Cluster $b | Where-Object Path -eq '/v1/sys/storage/raft/remove-peer').Count | Should -Be 1
        $names = $report.Steps.Name
        $names.IndexOf("Remove the secondary's dead Raft voters") | Should -BeLessThan $names.IndexOf('Demote the old primary')
        (Get-VaultDrStatus -Connection $connB).Mode | Should -Be 'primary'
    }
}
