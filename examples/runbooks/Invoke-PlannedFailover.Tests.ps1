<#
.SYNOPSIS
    Rehearses examples/runbooks/Invoke-PlannedFailover.ps1 against the lab: a planned failover and failback
    round trip with data written before and read after, a refused unhealthy pair, and -WhatIf.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot '../ExamplesCommon.ps1')
    $script:Runbook = Join-Path $PSScriptRoot 'Invoke-PlannedFailover.ps1'
}

Describe 'Invoke-PlannedFailover.ps1 against a lab DR pair with TLS' {
    BeforeAll {
        $script:pair = New-LabPair -Tls
        $script:connA = $pair.ConnA
        $script:connB = $pair.ConnB
        # Both clusters use the first cluster's key shares once the second is its DR secondary.
        $script:shares = @($pair.A.UnsealKeys | Select-Object -First $pair.A.KeyThreshold)
        Set-VaultDrLabSecret -Connection $connA -Path app/db -Data @{ password = 'written-on-a' }
        Wait-VaultDrReplication -Primary $connA -Secondary $connB -TimeoutSec 20 | Out-Null
    }
    AfterAll { Stop-VaultDrLab }
    BeforeEach { Clear-VaultDrLabRequest -Lab $pair.A.Lab }

    It '-WhatIf returns the plan and changes nothing' {
        $report = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -WhatIf -InformationVariable info 6>$null

        $report.PSObject.TypeNames[0] | Should -Be 'VaultDr.FailoverReport'
        $report.WhatIf | Should -BeTrue
        $report.Succeeded | Should -BeFalse
        $report.Steps.Status | Should -Not -Contain 'Succeeded'
        ($info -join "`n") | Should -Match 'WHATIF'
        Get-VaultDrLabRequest -Lab $pair.A.Lab | Where-Object Method -ne 'GET' | Should -BeNullOrEmpty
        (Get-VaultDrStatus -Connection $connA).Mode | Should -Be 'primary'
    }

    It 'in a session that cannot ask, stops with VaultDrConfirmationRequired before anything is sent' {
        # This Pester run is pwsh -NonInteractive, as a pipeline agent is.
        { & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares 6>$null } |
            Should -Throw -ErrorId 'VaultDrConfirmationRequired,VaultDr.Commands.InvokeVaultDrFailoverCommand'
        Get-VaultDrLabRequest -Lab $pair.A.Lab | Where-Object Method -ne 'GET' | Should -BeNullOrEmpty
        (Get-VaultDrStatus -Connection $connA).Mode | Should -Be 'primary'
    }

    It 'refuses a disconnected secondary before changing anything' {
        Set-VaultDrLabPartition -Cluster $pair.A -Peer $pair.B
        try {
            Wait-Until { -not (Test-VaultDrReplication -Primary $connA -Secondary $connB).Connected } -Because 'the primary sees the secondary go away'
            { & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -HealthWaitSec 0 -Confirm:$false } |
                Should -Throw -ExpectedMessage 'Health check failed:*Nothing was changed*'
            Get-VaultDrLabRequest -Lab $pair.A.Lab | Where-Object Method -ne 'GET' | Should -BeNullOrEmpty
        }
        finally { Clear-VaultDrLabFault -Lab $pair.A.Lab }
        Wait-VaultDrReplication -Primary $connA -Secondary $connB -TimeoutSec 20 | Out-Null
    }

    It 'fails over A -> B with key shares: B is primary with the data, A follows it' {
        $report = & $Runbook -Primary $connA -Secondary $connB -KeyShare $shares -Confirm:$false -InformationVariable info 6>$null -WarningAction SilentlyContinue

        $report.Succeeded | Should -BeTrue -Because "$($report.FailedStep): $($report.Error)"
        $report.Kind | Should -Be 'Planned'
        $report.Steps.Status | Select-Object -Unique | Should -Be 'Succeeded'
        ($info -join "`n") | Should -Match "Planned failover $($connA.Name) -> $($connB.Name): SUCCEEDED"
        $report.NewPrimaryStatus.Mode | Should -Be 'primary'
        $report.OldPrimaryStatus.Mode | Should -Be 'secondary'

        $old, $new = Get-VaultDrStatus -Connection $connA, $connB
        $new.Mode | Should -Be 'primary'
        $new.State | Should -Be 'running'
        $old.Mode | Should -Be 'secondary'
        $old.State | Should -Be 'stream-wals'
        (Get-VaultDrLabSecret -Connection $connB -Path app/db).password | Should -Be 'written-on-a'
    }

    It 'fails back B -> A: A is primary again with what was written on B' {
        Set-VaultDrLabSecret -Connection $connB -Path app/db -Data @{ password = 'written-on-b' }
        $report = & $Runbook -Primary $connB -Secondary $connA -KeyShare $shares -Confirm:$false -InformationVariable info 6>$null -WarningAction SilentlyContinue

        $report.Succeeded | Should -BeTrue -Because "$($report.FailedStep): $($report.Error)"
        ($info -join "`n") | Should -Match "Planned failover $($connB.Name) -> $($connA.Name): SUCCEEDED"

        $primary, $secondary = Get-VaultDrStatus -Connection $connA, $connB
        $primary.Mode | Should -Be 'primary'
        $primary.State | Should -Be 'running'
        $secondary.Mode | Should -Be 'secondary'
        $secondary.State | Should -Be 'stream-wals'
        $secondary.ClusterId | Should -Be $primary.ClusterId
        (Get-VaultDrLabSecret -Connection $connA -Path app/db).password | Should -Be 'written-on-b'
    }
}
