BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    # A primary with data and a caught-up DR secondary. The secondary adopts the primary's token store,
    # so both are reached with the primary's root token.
    function New-DrPair([switch] $Tls) {
        $a, $b = Start-VaultDrLab -ClusterCount 2 -Tls:$Tls -StateStepDelayMs 30 -CatchUpDelayMs 60
        Enable-VaultDrPrimary -Connection $a.Connection -WarningAction SilentlyContinue
        Set-VaultDrLabSecret -Connection $a.Connection -Path app/db -Data @{ password = 'written-before' }
        New-VaultDrSecondaryToken -Connection $a.Connection -Id $b.Name |
            Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -WarningAction SilentlyContinue
        $connB = New-VaultDrConnection -Name $b.Name -Address $b.Address -Token $a.RootToken -CACertificateFile $b.CACertificateFile -MaxRetries 0
        $connA = New-VaultDrConnection -Name $a.Name -Address $a.Address -Token $a.RootToken -CACertificateFile $a.CACertificateFile -MaxRetries 0
        Wait-VaultDrReplication -Primary $connA -Secondary $connB -TimeoutSec 20 | Out-Null
        [pscustomobject]@{ A = $a; B = $b; ConnA = $connA; ConnB = $connB; Shares = @(Get-LabKeyShares $a) }
    }
}

Describe 'Test-VaultDrReplication and Wait-VaultDrReplication against the lab' {
    BeforeAll { $script:pair = New-DrPair }
    AfterAll { Stop-VaultDrLab }

    It 'reports a caught-up secondary as healthy, with every check' {
        $health = Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB
        $health.PSObject.TypeNames[0] | Should -Be 'VaultDr.ReplicationHealth'
        $health.Healthy | Should -BeTrue
        $health.WalLag | Should -Be 0
        $health.MerkleMatch | Should -BeTrue
        $health.ClusterIdMatch | Should -BeTrue
        $health.Connected | Should -BeTrue
        $health.SecondaryState | Should -Be 'stream-wals'
        $health.LastHeartbeatAge | Should -BeLessThan ([TimeSpan]::FromSeconds(5))
        Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -Quiet | Should -BeTrue
    }

    It 'Wait-VaultDrReplication returns once a new write has replicated' {
        Set-VaultDrLabSecret -Connection $pair.ConnA -Path app/extra -Data @{ n = '1' }
        $result = Wait-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -TimeoutSec 20
        $result.Healthy | Should -BeTrue
        $p, $s = Get-VaultDrStatus -Connection $pair.ConnA, $pair.ConnB
        $s.LastRemoteWal | Should -BeGreaterOrEqual $p.LastWal
    }

    It 'says which check failed for a partitioned secondary, and Wait times out naming it' {
        Set-VaultDrLabPartition -Cluster $pair.A -Peer $pair.B
        try {
            Set-VaultDrLabSecret -Connection $pair.ConnA -Path app/lagging -Data @{ n = '2' }
            Wait-Until { -not (Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -Quiet) } -Because 'the partition shows'
            $health = Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB
            $health.Healthy | Should -BeFalse
            $health.WalLag | Should -BeGreaterThan 0
            ($health.FailedChecks -join ' ') | Should -Match 'behind'

            { Wait-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -TimeoutSec 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'VaultDrReplicationTimeout,VaultDr.Commands.WaitVaultDrReplicationCommand'
        }
        finally { Clear-VaultDrLabFault -Lab $pair.A.Lab }
        Wait-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -TimeoutSec 20 | Out-Null
    }

    It 'Get-VaultDrHealth reads the role from the status code: 200 active, 472 DR secondary' {
        $primary, $secondary = Get-VaultDrHealth -Connection $pair.ConnA, $pair.ConnB
        $primary.StatusCode | Should -Be 200
        $primary.Role | Should -Be 'active'
        $primary.ReplicationDrMode | Should -Be 'primary'
        $secondary.StatusCode | Should -Be 472
        $secondary.Role | Should -Be 'dr-secondary'
        $secondary.ReplicationDrMode | Should -Be 'secondary'
    }
}

Describe 'Invoke-VaultDrFailover, planned, against the lab' {
    BeforeAll { $script:pair = New-DrPair -Tls }
    AfterAll { Stop-VaultDrLab }

    It '-WhatIf prints the plan and sends nothing (the lab request log is unchanged)' {
        Clear-VaultDrLabRequest -Lab $pair.A.Lab
        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -WhatIf
        $report.WhatIf | Should -BeTrue
        $report.Succeeded | Should -BeFalse
        $report.Steps.Count | Should -BeGreaterOrEqual 10
        $report.Steps.Status | Sort-Object -Unique | Should -Be 'WhatIf'
        @(Get-VaultDrLabRequest -Lab $pair.A.Lab).Count | Should -Be 0
    }

    It 'fails over and back, keeping the data and one primary at every end' {
        $out = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Confirm:$false -WarningAction SilentlyContinue
        $out.Succeeded | Should -BeTrue -Because ($out.Steps | Out-String)
        $out.Steps.Status | Sort-Object -Unique | Should -Be 'Succeeded'
        $out.NewPrimaryStatus.Mode | Should -Be 'primary'
        $out.OldPrimaryStatus.Mode | Should -Be 'secondary'
        (Get-VaultDrLabSecret -Connection $pair.ConnB -Path app/db).password | Should -Be 'written-before'
        Set-VaultDrLabSecret -Connection $pair.ConnB -Path app/db -Data @{ password = 'written-during' }
        # Fail back only once the old primary has the new write, as the preflight demands.
        Wait-VaultDrReplication -Primary $pair.ConnB -Secondary $pair.ConnA -TimeoutSec 20 | Out-Null

        $back = Invoke-VaultDrFailover -Primary $pair.ConnB -Secondary $pair.ConnA -KeyShare $pair.Shares -Confirm:$false -WarningAction SilentlyContinue
        $back.Succeeded | Should -BeTrue -Because ($back.Steps | Out-String)
        $a, $b = Get-VaultDrStatus -Connection $pair.ConnA, $pair.ConnB
        $a.Mode | Should -Be 'primary'
        $b.Mode | Should -Be 'secondary'
        $b.State | Should -Be 'stream-wals'
        (Get-VaultDrLabSecret -Connection $pair.ConnA -Path app/db).password | Should -Be 'written-during'
        # No ceremony attempt is left behind anywhere.
        (Get-VaultDrOperationTokenProgress -Connection $pair.ConnB).Started | Should -BeFalse
    }

    It 'with a batch DR operation token from the pipeline, needs no key holders' {
        # Made in advance on the primary; it must replicate to the secondary before it can be used there.
        $batch = New-VaultDrBatchOperationToken -Connection $pair.ConnA -Ttl 30m
        $batch.IsBatch | Should -BeTrue
        Wait-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -TimeoutSec 20 | Out-Null
        # Passed rather than piped, the object binds too (here only as far as -WhatIf: the failover below pipes it).
        Invoke-VaultDrPromote -Connection $pair.ConnB -DrOperationToken $batch -WhatIf -ErrorVariable bound
        Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -DrOperationToken $batch -WhatIf -ErrorVariable +bound -WarningAction SilentlyContinue | Out-Null
        $bound | Should -BeNullOrEmpty
        $report = $batch | Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -Confirm:$false -WarningAction SilentlyContinue
        $report.Succeeded | Should -BeTrue -Because ($report.Steps | Out-String)
        (Get-VaultDrStatus -Connection $pair.ConnB).Mode | Should -Be 'primary'
    }
}

Describe 'Invoke-VaultDrFailover refuses what would lose data' {
    BeforeEach { $script:pair = New-DrPair }
    AfterEach { Stop-VaultDrLab }

    It 'refuses a planned failover to a secondary that lags; nothing changes' {
        Set-VaultDrLabPartition -Cluster $pair.A -Peer $pair.B
        Set-VaultDrLabSecret -Connection $pair.ConnA -Path app/late -Data @{ n = '3' }
        Wait-Until { -not (Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -Quiet) } -Because 'the lag shows'
        Clear-VaultDrLabRequest -Lab $pair.A.Lab

        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue
        $report.Succeeded | Should -BeFalse
        $report.FailedStep | Should -Match '^1\. Preflight'
        $report.Error | Should -Match 'behind|disconnected'
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrFailoverStepFailed,VaultDr.Commands.InvokeVaultDrFailoverCommand'
        @(Get-VaultDrLabRequest -Lab $pair.A.Lab | Where-Object Method -ne 'GET').Count | Should -Be 0
        (Get-VaultDrStatus -Connection $pair.ConnA).Mode | Should -Be 'primary'
    }

    It 'with -Force fails over anyway and warns' {
        Set-VaultDrLabPartition -Cluster $pair.A -Peer $pair.B
        Set-VaultDrLabSecret -Connection $pair.ConnA -Path app/late -Data @{ n = '3' }
        Wait-Until { -not (Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -Quiet) } -Because 'the lag shows'

        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Force -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
        ($warnings -join ' ') | Should -Match '-Force'
        $report.Steps[4].Name | Should -Be 'Promote the secondary'
        $report.Steps[4].Status | Should -Be 'Succeeded'
        (Get-VaultDrStatus -Connection $pair.ConnB).Mode | Should -Be 'primary'
        (Get-VaultDrStatus -Connection $pair.ConnA).Mode | Should -Be 'secondary'
    }

    It 'a ceremony that fails leaves the old primary serving: the token is had before the demote' {
        Set-VaultDrLabFault -Cluster $pair.B -Path '/v1/sys/replication/dr/secondary/generate-operation-token/update' -Method PUT -StatusCode 500 -Count 1
        Clear-VaultDrLabRequest -Lab $pair.A.Lab

        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $report.FailedStep | Should -Be '2. Get a DR operation token on the secondary [Failed]'
        $report.NextSafeCommand | Should -BeLike "Nothing was demoted or promoted: $($pair.ConnA.Name) is still the primary.*"
        @(Get-VaultDrLabRequest -Lab $pair.A.Lab | Where-Object { $_.Cluster -eq $pair.A.Name -and $_.Method -ne 'GET' }).Count | Should -Be 0
        (Get-VaultDrStatus -Connection $pair.ConnA).Mode | Should -Be 'primary'
        (Get-VaultDrOperationTokenProgress -Connection $pair.ConnB).Started | Should -BeFalse
    }

    It 'refuses too few key shares before demoting anything' {
        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares[0] -Confirm:$false -ErrorAction SilentlyContinue
        $report.FailedStep | Should -Match '^1\. Preflight'
        $report.Error | Should -Match 'needs 3'
        (Get-VaultDrStatus -Connection $pair.ConnA).Mode | Should -Be 'primary'
        (Get-VaultDrOperationTokenProgress -Connection $pair.ConnB).Started | Should -BeFalse
    }

    It 'New-VaultDrOperationToken with too few shares cancels its attempt cleanly' {
        $pair.Shares[0..1] | New-VaultDrOperationToken -Connection $pair.ConnB -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrNotEnoughKeyShares,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        (Get-VaultDrOperationTokenProgress -Connection $pair.ConnB).Started | Should -BeFalse
        $pair.Shares | New-VaultDrOperationToken -Connection $pair.ConnB -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
    }
}

Describe 'Invoke-VaultDrFailover when clusters die' {
    BeforeEach { $script:pair = New-DrPair }
    AfterEach { Stop-VaultDrLab; Get-Job | Remove-Job -Force }

    It 'fails over, unplanned, with the primary stopped; the old primary is left for later' {
        Stop-VaultDrLabCluster -Cluster $pair.A
        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Unplanned -Confirm:$false -WarningAction SilentlyContinue
        $report.Kind | Should -Be 'Unplanned'
        $report.Succeeded | Should -BeTrue -Because ($report.Steps | Out-String)
        ($report.Steps | Where-Object Name -like 'Re-attach*').Status | Sort-Object -Unique | Should -Be 'Skipped'
        $report.NextSafeCommand | Should -Match 'demote it first \(Invoke-VaultDrDemote'
        $report.NextSafeCommand | Should -Match 'Update-VaultDrPrimary'
        $report.NewPrimaryStatus.Mode | Should -Be 'primary'
        $report.OldPrimaryStatus | Should -BeNullOrEmpty
        (Get-VaultDrLabSecret -Connection $pair.ConnB -Path app/db).password | Should -Be 'written-before'
    }

    It 'refuses an unplanned failover while the old primary is still a primary' {
        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Unplanned -Confirm:$false -ErrorAction SilentlyContinue
        $report.FailedStep | Should -Match '^1\. Preflight'
        $report.Error | Should -Match 'two primaries'
        (Get-VaultDrStatus -Connection $pair.ConnB).Mode | Should -Be 'secondary'
    }

    It 'the primary dies between demote and promote: the report names the step and there are never two primaries' {
        # The token is had before the demote now: slow the promote down, and stop the old primary the moment it is demoted.
        Set-VaultDrLabFault -Cluster $pair.B -Path '/v1/sys/replication/dr/secondary/promote' -Method POST -DelayMs 1500 -Count 1
        $manifest = $script:ModuleManifest
        $killer = Start-ThreadJob -ArgumentList $manifest, $pair.A, $pair.ConnA -ScriptBlock {
            param($manifest, $cluster, $connection)
            Import-Module $manifest
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ([DateTime]::UtcNow -lt $deadline) {
                if ((Get-VaultDrStatus -Connection $connection -ErrorAction SilentlyContinue).Mode -eq 'secondary') {
                    Stop-VaultDrLabCluster -Cluster $cluster
                    return 'stopped'
                }
                Start-Sleep -Milliseconds 20
            }
            'never demoted'
        }

        $report = Invoke-VaultDrFailover -Primary $pair.ConnA -Secondary $pair.ConnB -KeyShare $pair.Shares -Confirm:$false -WarningAction SilentlyContinue -ErrorVariable failure -ErrorAction SilentlyContinue
        $killer | Wait-Job -Timeout 30 | Receive-Job | Should -Be 'stopped'

        $report.Succeeded | Should -BeFalse
        $report.FailedStep | Should -Be '7. Check the old primary [Failed]'
        $report.Error | Should -Match 'stopped answering after it was demoted'
        $report.NextSafeCommand | Should -Match 'Update-VaultDrPrimary'
        $failure[0].Exception.Message | Should -Match 'does not answer'
        $report.NewPrimaryStatus.Mode | Should -Be 'primary'
        $report.OldPrimaryStatus | Should -BeNullOrEmpty
        Start-VaultDrLabCluster -Cluster $pair.A
        (Get-VaultDrStatus -Connection $pair.ConnA).Mode | Should -Be 'secondary' -Because 'the old primary comes back demoted: never two primaries'
    }
}
