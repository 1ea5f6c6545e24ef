BeforeDiscovery {
    $script:TlsCases = @(@{ Tls = $false; Scheme = 'http' }, @{ Tls = $true; Scheme = 'https' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')
}

Describe 'A DR lifecycle across two lab clusters (TLS: <Tls>)' -ForEach $script:TlsCases {
    BeforeAll {
        $script:a, $script:b = Start-VaultDrLab -ClusterCount 2 -Tls:$Tls -StateStepDelayMs 40 -CatchUpDelayMs 80
        $script:connA = $a.Connection
        $script:connB = $b.Connection
    }
    AfterAll { Stop-VaultDrLab }

    It 'starts two initialised, unsealed, disabled clusters with ready connections' {
        $a.PSObject.TypeNames[0] | Should -Be 'VaultDr.LabCluster'
        $a.Address.Scheme | Should -Be $Scheme
        $a.Connection.HasToken | Should -BeTrue
        $a.UnsealKeys.Count | Should -Be 5
        $a.KeyThreshold | Should -Be 3
        if ($Tls) { $a.CACertificateFile | Should -Exist } else { $a.CACertificateFile | Should -BeNullOrEmpty }
        $statuses = $a, $b | Get-VaultDrStatus
        $statuses.Mode | Should -Be @('disabled', 'disabled')
    }

    It 'enables a primary: one POST, then status primary/running with a cluster id' {
        Clear-VaultDrLabRequest -Lab $a.Lab
        Enable-VaultDrPrimary -Connection $connA -WarningVariable warnings -WarningAction SilentlyContinue

        $log = Get-VaultDrLabRequest -Cluster $a | Where-Object Path -eq '/v1/sys/replication/dr/primary/enable'
        @($log).Count | Should -Be 1
        $log.Method | Should -Be 'POST'
        $log.Status | Should -Be 200
        $warnings | Should -Match 'being enabled as a primary'
        $status = Get-VaultDrStatus -Connection $connA
        $status.Mode | Should -Be 'primary'
        $status.State | Should -Be 'running'
        $status.ClusterId | Should -Match '^[0-9a-f-]{36}$'
    }

    It 'refuses a secondary-only call on the primary: the role needed, the role it has, Vault''s own text' {
        $op = ConvertTo-TestSecret 'hvs.NotARealOperationToken0000'
        Invoke-VaultDrPromote -Connection $connA -DrOperationToken $op -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrWrongRole,VaultDr.Commands.InvokeVaultDrPromoteCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failure[0].Exception.Message | Should -Match '^Invoke-VaultDrPromote needs a DR secondary, but .* is a DR primary\. '
        $failure[0].Exception.Message | Should -Match '\(Vault answered 400: Not a DR secondary\.\)$'
    }

    It 'writes data on the primary and the WAL advances' {
        $before = (Get-VaultDrStatus -Connection $connA).LastWal
        Set-VaultDrLabSecret -Connection $connA -Path app/db -Data @{ password = 'before-failover' }
        (Get-VaultDrStatus -Connection $connA).LastWal | Should -BeGreaterThan $before
        (Get-VaultDrLabSecret -Connection $connA -Path app/db).password | Should -Be 'before-failover'
    }

    It 'attaches the secondary through the pipeline; it adopts the cluster id and catches up' {
        $token = New-VaultDrSecondaryToken -Connection $connA -Id $b.Name -Ttl 10m
        $token.PrimaryApiAddress | Should -Be $a.Address.ToString().TrimEnd('/')
        $token.ExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(9))

        $token | Enable-VaultDrSecondary -Connection $connB -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $warnings | Should -Match 'successfully found secondary information'
        # The secondary now holds the primary's token store: its own root token is gone, as in Vault.
        $script:connB = New-VaultDrConnection -Name $b.Name -Address $b.Address -Token $a.RootToken -CACertificateFile $b.CACertificateFile
        Wait-Until { Test-CaughtUp $connA $connB } -Because "$($b.Name) catches up"
        $p, $s = Get-VaultDrStatus -Connection $connA, $connB
        $s.Mode | Should -Be 'secondary'
        $s.ClusterId | Should -Be $p.ClusterId
        $s.SecondaryId | Should -Be $b.Name
        $p.KnownSecondaries | Should -Contain $b.Name
        $s.Primaries[0].ConnectionStatus | Should -Be 'connected'
    }

    It 'the DR secondary refuses other paths with 400 "path disabled in replication DR secondary mode"' {
        Get-VaultDrLabSecret -Connection $connB -Path app/db -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrWrongRole,VaultDr.Commands.GetVaultDrLabSecretCommand'
        $failure[0].Exception.Message | Should -Match '^Get-VaultDrLabSecret needs a cluster that is not a DR secondary, but .* is a DR secondary\. '
        $failure[0].Exception.Message | Should -Match 'path disabled in replication DR secondary mode'
    }

    It 'keeps replicating new writes' {
        Set-VaultDrLabSecret -Connection $connA -Path app/db -Data @{ password = 'still-before-failover' }
        Wait-Until { Test-CaughtUp $connA $connB } -Because "$($b.Name) catches up with the new write"
    }

    It 'fails over: demote, operation token ceremony with key shares, promote' {
        Invoke-VaultDrDemote -Connection $connA -Confirm:$false -WarningAction SilentlyContinue
        $script:tokenB = Get-LabKeyShares $a | New-VaultDrOperationToken -Connection $connB -WarningAction SilentlyContinue
        $tokenB.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'
        (ConvertFrom-TestSecret $tokenB.DrOperationToken) | Should -Match '^hvs\.[A-Za-z0-9]{24}$'

        $tokenB | Invoke-VaultDrPromote -Connection $connB -Confirm:$false -WarningAction SilentlyContinue

        $oldPrimary, $newPrimary = Get-VaultDrStatus -Connection $connA, $connB
        $newPrimary.Mode | Should -Be 'primary'
        $newPrimary.State | Should -Be 'running'
        $oldPrimary.Mode | Should -Be 'secondary'
        $oldPrimary.ClusterId | Should -Be $newPrimary.ClusterId
        (Get-VaultDrLabSecret -Connection $connB -Path app/db).password | Should -Be 'still-before-failover'
    }

    It 'fails back: update-primary re-attaches the old primary without a wipe' {
        $script:tokenA = Get-LabKeyShares $a | New-VaultDrOperationToken -Connection $connA -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $connB -Id $a.Name |
            Update-VaultDrPrimary -Connection $connA -DrOperationToken $tokenA.DrOperationToken -Confirm:$false -WarningAction SilentlyContinue

        Wait-Until { Test-CaughtUp $connB $connA } -Because "$($a.Name) catches up with the new primary"
        $s = Get-VaultDrStatus -Connection $connA
        $s.KnownPrimaryClusterAddrs | Should -Contain $b.ClusterAddress.ToString().TrimEnd('/')
    }

    It 'deletes the operation token once; a second delete is refused' {
        $tokenA | Revoke-VaultDrOperationToken -Connection $connA -Confirm:$false
        $tokenA | Revoke-VaultDrOperationToken -Connection $connA -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrInvalidRequest,VaultDr.Commands.RevokeVaultDrOperationTokenCommand'
    }
}

Describe 'Lab faults seen through the module' {
    BeforeAll {
        $script:a, $script:b = Start-VaultDrLab -ClusterCount 2 -StateStepDelayMs 40 -CatchUpDelayMs 80
        $script:fast = New-VaultDrConnection -Address $a.Address -Token $a.RootToken -MaxRetries 2 -TimeoutSec 3
    }
    AfterAll { Stop-VaultDrLab }
    BeforeEach {
        Clear-VaultDrLabFault -Lab $a.Lab
        Clear-VaultDrLabRequest -Lab $a.Lab
    }

    It 'a stopped cluster refuses connections; started again it answers on the same address' {
        Stop-VaultDrLabCluster -Cluster $a
        $noRetry = New-VaultDrConnection -Address $a.Address -Token $a.RootToken -MaxRetries 0
        Get-VaultDrStatus -Connection $noRetry -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrConnectionRefused,VaultDr.Commands.GetVaultDrStatusCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'ConnectionError'

        Start-VaultDrLabCluster -Cluster $a
        (Get-VaultDrStatus -Connection $noRetry).Mode | Should -Be 'disabled'
    }

    It 'a read recovers from one 503 with Retry-After: 0 (two requests in the lab log)' {
        Set-VaultDrLabFault -Cluster $a -Path $StatusPath -Method GET -StatusCode 503 -RetryAfterSec 0 -Count 1
        (Get-VaultDrStatus -Connection $fast).Mode | Should -Be 'disabled'
        $log = @(Get-VaultDrLabRequest -Cluster $a | Where-Object Path -eq $StatusPath)
        $log.Count | Should -Be 2
        $log[0].Status | Should -Be 503
        $log[0].Faulted | Should -BeTrue
        $log[1].Status | Should -Be 200
    }

    It 'a state-changing call that meets a 500 is sent exactly once' {
        Set-VaultDrLabFault -Cluster $a -Path '/v1/sys/replication/dr/primary/enable' -Method POST -StatusCode 500 -Count 1
        Enable-VaultDrPrimary -Connection $fast -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrServerError,VaultDr.Commands.EnableVaultDrPrimaryCommand'
        @(Get-VaultDrLabRequest -Cluster $a | Where-Object Method -eq 'POST').Count | Should -Be 1
        (Get-VaultDrStatus -Connection $fast).Mode | Should -Be 'disabled'
    }

    It 'a state-changing call whose connection drops is sent exactly once and reported as possibly applied' {
        Set-VaultDrLabFault -Cluster $a -Path '/v1/sys/replication/dr/primary/enable' -Method POST -Drop -Count 1
        Enable-VaultDrPrimary -Connection $fast -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrConnectionLost,VaultDr.Commands.EnableVaultDrPrimaryCommand'
        $failure[0].Exception.RequestMayHaveBeenProcessed | Should -BeTrue
        @(Get-VaultDrLabRequest -Cluster $a | Where-Object Method -eq 'POST').Count | Should -Be 1
    }

    It 'follows a standby''s 307 to the active node' {
        $standby = New-VaultDrLabStandby -Cluster $a
        $standby.Address | Should -Not -Be $a.Address
        (Get-VaultDrStatus -Connection $standby).Mode | Should -Be 'disabled'
    }

    It 'a sealed cluster answers 503 and works again once unsealed' {
        Set-VaultDrLabCluster -Cluster $a -Sealed $true
        $noRetry = New-VaultDrConnection -Address $a.Address -Token $a.RootToken -MaxRetries 0
        Get-VaultDrLabSecret -Connection $noRetry -Path x -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrUnavailable,VaultDr.Commands.GetVaultDrLabSecretCommand'
        $failure[0].Exception.Message | Should -Match 'Vault is sealed'
        Set-VaultDrLabCluster -Cluster $a -Sealed $false
        (Get-VaultDrStatus -Connection $noRetry).Mode | Should -Be 'disabled'
    }

    It 'a partition disconnects the secondary; clearing it reconnects' {
        Enable-VaultDrPrimary -Connection $a.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $a.Connection -Id $b.Name |
            Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -WarningAction SilentlyContinue
        $connB = New-VaultDrConnection -Address $b.Address -Token $a.RootToken
        Wait-Until { Test-CaughtUp $a.Connection $connB } -Because 'the secondary catches up'

        Set-VaultDrLabPartition -Cluster $a -Peer $b
        Wait-Until { (Get-VaultDrStatus -Connection $connB).Primaries[0].ConnectionStatus -eq 'disconnected' } -Because 'the secondary sees the primary go away'
        Wait-Until { (Get-VaultDrStatus -Connection $a.Connection).Secondaries[0].ConnectionStatus -eq 'disconnected' } -Because 'the primary sees the secondary go away'

        Clear-VaultDrLabFault -Lab $a.Lab
        Wait-Until { Test-CaughtUp $a.Connection $connB } -Because 'replication resumes'
    }
}

Describe 'The lab process lives and dies with its PowerShell session' {
    It 'Stop-VaultDrLab ends the process and forgets the lab' {
        $cluster = Start-VaultDrLab -ClusterCount 1
        $labPid = $cluster.Lab.ProcessId
        Get-Process -Id $labPid | Should -Not -BeNullOrEmpty
        Stop-VaultDrLab
        Wait-Until { -not (Get-Process -Id $labPid -ErrorAction Ignore) } -Because 'the lab process exits' -TimeoutSec 10
        Get-VaultDrLab | Should -BeNullOrEmpty
    }

    It 'a killed PowerShell leaves no lab process behind' {
        # `dotnet pwsh` runs pwsh as a child of the dotnet muxer: the PowerShell to kill is the one that prints $PID.
        $script = "Import-Module '$script:ModuleManifest'; `$c = Start-VaultDrLab -ClusterCount 1; [Console]::Out.WriteLine('PIDS ' + `$PID + ' ' + `$c[0].Lab.ProcessId); [Console]::Out.Flush(); Start-Sleep -Seconds 120"
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        'pwsh', '-NoProfile', '-NonInteractive', '-Command', $script | ForEach-Object { $start.ArgumentList.Add($_) }
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $start.WorkingDirectory = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $shell = [System.Diagnostics.Process]::Start($start)
        try {
            $pwshPid = $labPid = $null
            while (-not $labPid) {
                $line = $shell.StandardOutput.ReadLine()
                if ($null -eq $line) { break }
                if ($line -match '^PIDS (\d+) (\d+)') { $pwshPid = [int]$Matches[1]; $labPid = [int]$Matches[2] }
            }
            $labPid | Should -Not -BeNullOrEmpty
            (Get-Process -Id $labPid).Id | Should -Be $labPid

            Stop-Process -Id $pwshPid -Force   # SIGKILL: PowerShell gets no chance to clean up
            Wait-Until { -not (Get-Process -Id $labPid -ErrorAction Ignore) } -Because 'the orphaned lab notices and exits' -TimeoutSec 10
        }
        finally {
            if (-not $shell.HasExited) { $shell.Kill($true) }
            $shell.WaitForExit()
        }
    }
}
