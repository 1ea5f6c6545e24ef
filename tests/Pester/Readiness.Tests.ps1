# Test-VaultDrReadiness against the lab: every check's Pass, Warn and Fail as a rehearsal can make them (an expiring and
# an expired certificate, a batch token near and far from its TTL, a token without the promote policy, dead Raft peers,
# a version skew, a stale heartbeat, clock skew), what it sends, -Quiet, its input checks, and what it writes on an
# Azure Pipelines agent. One TLS lab pair for all of it: each test puts back what it changed.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    function Get-Check([Parameter(Mandatory)] $Report, [Parameter(Mandatory)][string] $Name, [string] $Cluster) {
        @($Report.Checks | Where-Object { $_.Name -eq $Name -and (-not $Cluster -or $_.Cluster -eq $Cluster) })[0]
    }

    function New-LabToken([string] $Type, [string[]] $Policy, [string] $Ttl = '24h') {
        <# A token made on the primary through Vault's token API (not VaultDr's), as a SecureString. #>
        $body = @{ type = $Type; policies = $Policy; ttl = $Ttl; no_parent = $true } | ConvertTo-Json
        $answer = Invoke-RestMethod -Method Post -Uri "$($primary.Address)v1/auth/token/create" -Body $body -ContentType 'application/json' `
            -Headers @{ 'X-Vault-Token' = ConvertFrom-TestSecret $primary.RootToken } -SkipCertificateCheck
        ConvertTo-TestSecret $answer.auth.client_token
    }
}

Describe 'Test-VaultDrReadiness against a lab DR pair with TLS' {
    BeforeAll {
        $script:primary, $script:secondary = Start-VaultDrLab -Tls -StateStepDelayMs 20 -CatchUpDelayMs 40
        Enable-VaultDrPrimary -Connection $primary.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $primary.Connection -Id $secondary.Name |
            Enable-VaultDrSecondary -Connection $secondary.Connection -Confirm:$false -WarningAction SilentlyContinue
        $script:far = New-VaultDrBatchOperationToken -Connection $primary.Connection -Ttl '720h' -Confirm:$false
        $script:near = New-VaultDrBatchOperationToken -Connection $primary.Connection -Ttl '48h' -Confirm:$false
        $script:noPromote = New-LabToken -Type batch -Policy default
        $script:service = New-LabToken -Type service -Policy dr-secondary-promotion
        Wait-VaultDrReplication -Primary $primary -Secondary $secondary -TimeoutSec 20 | Out-Null
        $script:version = (Get-VaultDrHealth -Connection $primary.Connection).Version -replace '\+.*'
    }
    AfterAll { Stop-VaultDrLab }

    Context 'a healthy pair' {
        It 'without a token: every check in order, ready with one warning (the key holders), Raft skipped' {
            Clear-VaultDrLabRequest -Lab $primary.Lab
            $report = Test-VaultDrReadiness -Primary $primary -Secondary $secondary

            $report.PSObject.TypeNames[0] | Should -Be 'VaultDr.ReadinessReport'
            $report.Checks | ForEach-Object { "$($_.Name) $($_.Cluster) $($_.Result)" } | Should -Be @(
                'Replication vault-2 Pass', 'Version vault-2 Pass', 'Heartbeat vault-2 Pass', 'ClockSkew vault-2 Pass', 'Tls vault-1 Pass',
                'Tls vault-2 Pass', 'DrOperationToken vault-1 Warn', 'RaftQuorum vault-2 Skipped', 'Vault2Ceremony vault-2 Pass')
            ($report.Result, $report.Ready, $report.PrimaryName, $report.SecondaryName) | Should -Be @('Warn', $true, 'vault-1', 'vault-2')
            $report.Secondary | Should -Be $secondary.Address
            (Get-Check $report ClockSkew).Value | Should -Be '0 ms'
            (Get-Check $report Tls vault-2).Value | Should -Match "^CN=vault-2, issued by CN=VaultDr Lab CA, until \d{4}-\d\d-\d\d \d\d:\d\d UTC$"
            (Get-Check $report DrOperationToken).Value | Should -Be '3 of 5 unseal keys'
            (Get-Check $report DrOperationToken).Message | Should -Match '^Without a prepared token the ceremony needs 3 of 5 unseal key holders of the primary cluster: '
            (Get-Check $report RaftQuorum).Message | Should -Be 'A DR secondary answers Raft reads only with a DR operation token: pass -DrOperationToken.'
            # Read-only: nothing but reads, and no TLS handshake shows as a request.
            @(Get-VaultDrLabRequest -Lab $primary.Lab | Where-Object Method -ne 'GET') | Should -BeNullOrEmpty
            (Get-VaultDrLabRequest -Cluster $primary).Path | Should -Contain '/v1/sys/seal-status'
        }

        It 'with a batch token far from its TTL: Pass, and the Raft quorum read with it; the token goes only where it is asked about' {
            Clear-VaultDrLabRequest -Lab $primary.Lab
            $report = $far | Test-VaultDrReadiness -Primary $primary -Secondary $secondary

            (Get-Check $report DrOperationToken).Result | Should -Be 'Pass'
            (Get-Check $report DrOperationToken).Value | Should -Match '^batch, (29d 23h|30d 0h) left$'
            (Get-Check $report RaftQuorum).Result | Should -Be 'Pass'
            (Get-Check $report RaftQuorum).Value | Should -Be '1 voter, failure tolerance 0'
            ($report.Result, $report.Ready) | Should -Be @('Pass', $true)
            $sent = Get-VaultDrLabRequest -Lab $primary.Lab | ForEach-Object { "$($_.Cluster) $($_.Method) $($_.Path)" }
            $sent | Should -Contain 'vault-1 GET /v1/auth/token/lookup-self'
            $sent | Should -Contain 'vault-1 POST /v1/sys/capabilities-self'
            $sent | Should -Contain 'vault-2 GET /v1/sys/storage/raft/autopilot/state'
            @($sent | Where-Object { $_ -notmatch ' GET ' -and $_ -ne 'vault-1 POST /v1/sys/capabilities-self' }) | Should -BeNullOrEmpty
            Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $far -Quiet | Should -BeTrue
        }

        It 'with a batch token near its TTL: Warn with the time left' {
            $check = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $near.DrOperationToken) DrOperationToken

            $check.Result | Should -Be 'Warn'
            $check.Value | Should -Match '^batch, (1d 23h|2d 0h) left$'
            $check.Message | Should -Match '^The batch DR operation token expires in (1d 23h|2d 0h), on .* UTC: create a new one with New-VaultDrBatchOperationToken before then\.$'
            (Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $near.DrOperationToken -WarnDays 1) DrOperationToken).Result | Should -Be 'Pass'
        }
    }

    Context 'tokens that would fail a failover' {
        It 'a batch token without the promote policy fails, naming the paths and the policy fix; the secondary does not take it for Raft either' {
            $report = Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $noPromote

            $check = Get-Check $report DrOperationToken
            $check.Result | Should -Be 'Fail'
            $check.Message | Should -Match '^The DR operation token''s policies \(default\) do not grant update on sys/replication/dr/secondary/promote and sys/replication/dr/secondary/update-primary: add path "sys/replication/dr/secondary/promote" \{ capabilities = \["update"\] \}'
            (Get-Check $report RaftQuorum).Result | Should -Be 'Fail'
            ($report.Ready, $report.Result) | Should -Be @($false, 'Fail')
            Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $noPromote -Quiet | Should -BeFalse
        }

        It 'a service token fails: it is not replicated to the DR secondary' {
            $check = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $service) DrOperationToken

            ($check.Result, $check.Value) | Should -Be @('Fail', 'service')
            $check.Message | Should -Match 'service tokens are not replicated to DR secondaries: create a batch token with New-VaultDrBatchOperationToken'
        }

        It 'a ceremony''s operation token, or none Vault knows, fails: it cannot be checked ahead' {
            $check = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText)) DrOperationToken

            ($check.Result, $check.Value) | Should -Be @('Fail', 'not valid')
            $check.Message | Should -Match '^vault-1 refused the DR operation token \(403 permission denied\): it has expired, was revoked, or is not a Vault token'
        }
    }

    Context 'certificates' {
        It 'one expiring within -WarnDays warns, an expired one fails, a renewed one passes' {
            Set-VaultDrLabCluster -Cluster $primary -CertificateValidDays 5
            $expiring = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary) Tls vault-1
            $null = Get-VaultDrLab   # refreshes the clusters: CertificateNotAfter
            $notAfter = $primary.CertificateNotAfter
            Set-VaultDrLabCluster -Cluster $secondary -CertificateValidDays -1
            $expired = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary) Tls vault-2
            Set-VaultDrLabCluster -Cluster $primary, $secondary -CertificateValidDays 365
            $renewed = Test-VaultDrReadiness -Primary $primary -Secondary $secondary

            $expiring.Result | Should -Be 'Warn'
            $expiring.Value | Should -BeLike "*until $($notAfter.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC"
            $expiring.Message | Should -Match '^The certificate of vault-1 expires in 4d 23h, on .* UTC: renew it before then, and reload Vault \(SIGHUP\)'
            $expired.Result | Should -Be 'Fail'
            $expired.Message | Should -Match '^The certificate of vault-2 expired on .* UTC \(1d 0h ago\): renew it'
            (Get-Check $renewed Tls vault-1).Result, (Get-Check $renewed Tls vault-2).Result | Should -Be @('Pass', 'Pass')
        }

        It 'a connection that skips certificate checks is judged by the system store, which does not trust the lab''s CA' {
            $skipping = New-VaultDrConnection -Name vault-2 -Address $secondary.Address -Token $primary.RootToken -SkipCertificateCheck -WarningAction SilentlyContinue
            $check = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $skipping -WarningAction SilentlyContinue) Tls vault-2

            $check.Result | Should -Be 'Fail'
            $check.Message | Should -Match '^The certificate of vault-2 does not validate against the system store \(the connection skips certificate checks, so it was checked against the system store\): (UntrustedRoot|PartialChain)'
        }
    }

    Context 'the DR cluster''s Raft quorum' {
        BeforeAll {
            $script:standbys = $secondary, $secondary | New-VaultDrLabStandby
            $op = Get-LabKeyShares $primary | New-VaultDrOperationToken -Connection $secondary.Connection -WarningAction SilentlyContinue
            Set-VaultDrAutopilotConfiguration -Connection $secondary.Connection -DrOperationToken $op.DrOperationToken -LastContactThreshold 1s -Confirm:$false
            $op | Revoke-VaultDrOperationToken -Connection $secondary.Connection -Confirm:$false
        }
        AfterAll {
            Start-VaultDrLabStandby -Cluster $secondary -NodeId $standbys[1].Name
            Wait-Until { (Get-VaultDrAutopilotState -Connection $secondary.Connection -DrOperationToken $far.DrOperationToken).Healthy } -Because 'the standby is back'
        }

        It 'healthy with three voters passes; with a dead standby it fails, naming it and the way to remove it' {
            $healthy = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $far) RaftQuorum
            Stop-VaultDrLabStandby -Cluster $secondary -NodeId $standbys[1].Name -Confirm:$false
            Wait-Until { -not (Get-VaultDrAutopilotState -Connection $secondary.Connection -DrOperationToken $far.DrOperationToken).Healthy } -Because 'autopilot sees the dead voter'
            $dead = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $far) RaftQuorum

            ($healthy.Result, $healthy.Value) | Should -Be @('Pass', '3 voters, failure tolerance 1')
            ($dead.Result, $dead.Value) | Should -Be @('Fail', '3 voters, failure tolerance 0')
            $dead.Message | Should -Match "^Autopilot reports vault-2 unhealthy: $([regex]::Escape($standbys[1].Name)) \(\w+\) is not healthy; remove dead peers with Remove-VaultDrRaftPeer -DrOperationToken, or let Invoke-VaultDrFailover -RemoveDeadPeers"
            (Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary) RaftQuorum).Result | Should -Be 'Skipped'
        }
    }

    Context 'replication' {
        It 'a corrupted Merkle tree fails the replication check with the repair it takes; repaired, it passes' {
            $secondary | Set-VaultDrLabCluster -CorruptMerkleTree Local
            try { $corrupt = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary) Replication }
            finally { $secondary | Set-VaultDrLabCluster -CorruptMerkleTree None }

            $corrupt.Result | Should -Be 'Fail'
            $corrupt.Message | Should -Match '^\S+ reports a corrupted Merkle tree \(corrupted_merkle_tree: true; .*\)\. Run Invoke-VaultDrMerkleCheck against \S+ to see which tree is corrupt, then Start-VaultDrReindex'
            (Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary) Replication).Result | Should -Be 'Pass'
        }
    }

    Context 'versions' {
        AfterEach { Set-VaultDrLabCluster -Cluster $primary, $secondary -VaultVersion $version }

        It 'a secondary older than its primary fails, a newer one warns, a 2.x one without any token fails the ceremony check' {
            Set-VaultDrLabCluster -Cluster $primary -VaultVersion 1.17.0
            $older = Test-VaultDrReadiness -Primary $primary -Secondary $secondary
            Set-VaultDrLabCluster -Cluster $secondary -VaultVersion 2.0.1
            $newer = Test-VaultDrReadiness -Primary $primary -Secondary $secondary
            $tokenless = New-VaultDrConnection -Name vault-2 -Address $secondary.Address -CACertificateFile $secondary.CACertificateFile
            $bare = Test-VaultDrReadiness -Primary $primary -Secondary $tokenless

            (Get-Check $older Version).Result, (Get-Check $older Version).Value | Should -Be @('Fail', "1.17.0 -> $version")
            (Get-Check $older Version).Message | Should -Match "^vault-2 runs Vault $([regex]::Escape($version))\+ent, older than vault-1's 1\.17\.0\+ent, and it is unsafe to replicate from a newer Vault to an older one: upgrade vault-2 to 1\.17\.0 or later first"
            (Get-Check $older Replication).Result | Should -Be 'Fail'
            (Get-Check $newer Version).Result | Should -Be 'Warn'
            (Get-Check $newer Version).Message | Should -Match 'so a failback would replicate from the newer to the older: upgrade vault-1 to 2\.0\.1 before failing back\.$'
            (Get-Check $newer Vault2Ceremony).Result | Should -Be 'Pass'
            (Get-Check $bare Vault2Ceremony).Result, (Get-Check $bare Vault2Ceremony).Value | Should -Be @('Fail', 'Vault 2.0.1+ent')
            (Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $tokenless -DrOperationToken $far) Vault2Ceremony).Result | Should -Be 'Pass'
        }
    }

    Context 'heartbeat and clocks' {
        It 'a partition fails the heartbeat: the secondary is disconnected' {
            Set-VaultDrLabPartition -Cluster $primary -Peer $secondary
            try {
                Wait-Until { (Get-VaultDrStatus -Connection $secondary.Connection).Primaries[0].ConnectionStatus -ne 'connected' } -Because 'the secondary loses its primary'
                $check = Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary) Heartbeat
            }
            finally { Clear-VaultDrLabFault -Lab $primary.Lab }
            Wait-VaultDrReplication -Primary $primary -Secondary $secondary -TimeoutSec 20 | Out-Null

            $check.Result | Should -Be 'Fail'
            $check.Message | Should -Match '^vault-2 is disconnected from its primary \(.*; last heartbeat .*\): check that it reaches the primary''s cluster address'
        }

        It 'a skew of 45 s warns on both the heartbeat and the clocks; 90 s fails the clocks' {
            Set-VaultDrLabCluster -Cluster $secondary -ClockSkew (New-TimeSpan -Seconds 45)
            try {
                Wait-Until { [Math]::Abs([long](Get-VaultDrStatus -Connection $secondary.Connection).Primaries[0].ClockSkewMs) -ge 45000 } -Because 'the skew shows in the status'
                $warned = Test-VaultDrReadiness -Primary $primary -Secondary $secondary
                Set-VaultDrLabCluster -Cluster $secondary -ClockSkew (New-TimeSpan -Seconds 90)
                Wait-Until { [Math]::Abs([long](Get-VaultDrStatus -Connection $secondary.Connection).Primaries[0].ClockSkewMs) -ge 90000 } -Because 'the skew shows in the status'
                $failed = Test-VaultDrReadiness -Primary $primary -Secondary $secondary
            }
            finally { Set-VaultDrLabCluster -Cluster $secondary -ClockSkew 0 }

            (Get-Check $warned Heartbeat).Result | Should -Be 'Warn'
            (Get-Check $warned Heartbeat).Message | Should -Match 'in the future: the clocks of this machine and the clusters differ'
            (Get-Check $warned ClockSkew).Result, (Get-Check $warned ClockSkew).Value | Should -Be @('Warn', '45000 ms')
            (Get-Check $failed ClockSkew).Result | Should -Be 'Fail'
            (Get-Check $failed ClockSkew).Message | Should -Match '^The clocks of vault-1 and vault-2 differ by 1m 30s: fix time synchronisation'
            $failed.Ready | Should -BeFalse
        }
    }

    Context 'input and Azure Pipelines' {
        It 'refuses an empty token, a plain-text one and -WarnDays out of range before any request' {
            Clear-VaultDrLabRequest -Lab $primary.Lab
            { Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken ([securestring]::new()) -ErrorAction Stop } |
                Should -Throw -ErrorId 'VaultDrInvalidDrOperationToken,VaultDr.Commands.TestVaultDrReadinessCommand'
            { Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken 'hvb.plain' } |
                Should -Throw -ErrorId 'ParameterArgumentTransformationError,VaultDr.Commands.TestVaultDrReadinessCommand'
            { Test-VaultDrReadiness -Primary $primary -Secondary $secondary -WarnDays 0 } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,VaultDr.Commands.TestVaultDrReadinessCommand'
            @(Get-VaultDrLabRequest -Lab $primary.Lab) | Should -BeNullOrEmpty
            # The OperationToken itself is taken when passed, not only when piped.
            (Get-Check (Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $far) DrOperationToken).Result | Should -Be 'Pass'
        }

        It 'on an agent: a summary table, an annotation per warned check, SucceededWithIssues, and no secret anywhere' {
            $summaryFolder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "vaultdr-readiness-$([guid]::NewGuid().ToString('n'))")
            $environment = @{
                TF_BUILD = 'True'; AGENT_TEMPDIRECTORY = $summaryFolder.FullName; NO_COLOR = '1'; VAULTDR_MODULE_MANIFEST = $ModuleManifest
                READY_PRIMARY = $primary.Address.ToString(); READY_SECONDARY = $secondary.Address.ToString(); READY_CA = $primary.CACertificateFile
                READY_TOKEN = ConvertFrom-TestSecret $primary.RootToken; READY_BATCH = ConvertFrom-TestSecret $near.DrOperationToken
            }
            $script = @'
Import-Module $env:VAULTDR_MODULE_MANIFEST
$token = ConvertTo-SecureString $env:READY_TOKEN -AsPlainText -Force
$batch = ConvertTo-SecureString $env:READY_BATCH -AsPlainText -Force
$primary = New-VaultDrConnection -Name vault-1 -Address $env:READY_PRIMARY -Token $token -CACertificateFile $env:READY_CA
$secondary = New-VaultDrConnection -Name vault-2 -Address $env:READY_SECONDARY -Token $token -CACertificateFile $env:READY_CA
$reports = Test-VaultDrReadiness -Primary $primary -Secondary $secondary -DrOperationToken $batch -Debug -Verbose 5>&1 4>&1
'RESULT ' + ($reports | Where-Object { $_ -is [VaultDr.ReadinessReport] }).Result
'@
            try {
                $saved = @{}
                foreach ($name in $environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $environment[$name]) }
                Push-Location (Join-Path $PSScriptRoot '../..')   # where dotnet finds the local pwsh tool
                try { $lines = @(& dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" }) }
                finally {
                    Pop-Location
                    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
                }
                $text = $lines -join "`n"

                $lines | Should -Contain 'RESULT Warn' -Because $text
                $lines | Should -Contain '##vso[task.complete result=SucceededWithIssues;]DR readiness: every check passed or only warned.'
                @($lines -like '##vso`[task.logissue type=warning`]DrOperationToken (vault-1): The batch DR operation token expires in *').Count | Should -Be 1 -Because $text
                $lines | Should -Not -BeLike '##vso`[task.logissue type=error`]*'
                $upload = @($lines -like '##vso`[task.uploadsummary`]*')
                $upload.Count | Should -Be 1
                $summary = Get-Content -Raw ($upload[0] -replace '^##vso\[task\.uploadsummary\]')
                $summary | Should -Match '(?m)^### vault-1 -> vault-2: READY, WITH WARNINGS$'
                $summary | Should -Match '(?m)^\| Tls \| vault-2 \| PASS \| CN=vault-2, issued by CN=VaultDr Lab CA, until .* UTC \| 14 days \|'
                foreach ($secret in $environment.READY_TOKEN, $environment.READY_BATCH) {
                    $text | Should -Not -Match ([regex]::Escape($secret)) -Because 'no secret in any stream, even -Debug'
                    $summary | Should -Not -Match ([regex]::Escape($secret))
                }
            }
            finally { Remove-Item -Recurse -Force $summaryFolder -ErrorAction SilentlyContinue }
        }
    }
}
