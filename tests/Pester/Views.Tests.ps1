# The default views of src/VaultDr/VaultDr.*.format.ps1xml as a user sees them in an 80-column agent log:
# `$objects | Out-String -Width 80` (and Format-List where the type has a list view). For each view: no line
# over 80 characters, every column header whole on the one header line, the values that matter there, and
# never a SecureString. The objects come from the lab where it makes them, and are built with realistic
# production values (long host names, big WALs, the longest modes and states) where the lab's are short.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')
    . (Join-Path $PSScriptRoot 'ViewsCommon.ps1')
}

Describe 'Default views at 80 columns, with a lab' {
    BeforeAll {
        # TLS, so the addresses are as long as the lab makes them; a third cluster stays out of replication.
        $script:p, $script:s, $script:t = Start-VaultDrLab -ClusterCount 3 -Tls -StateStepDelayMs 30 -CatchUpDelayMs 60
        Enable-VaultDrPrimary -Connection $p.Connection -WarningAction SilentlyContinue
        $script:activation = New-VaultDrSecondaryToken -Connection $p.Connection -Id $s.Name
        $activation | Enable-VaultDrSecondary -Connection $s.Connection -Confirm:$false -WarningAction SilentlyContinue
        # The secondary adopted the primary's token store: reach it with the primary's token from now on.
        $script:dr = New-VaultDrConnection -Address $s.Address -Token $p.RootToken -CACertificateFile $s.CACertificateFile -MaxRetries 0
        $script:healthy = Wait-VaultDrReplication -Primary $p.Connection -Secondary $dr -TimeoutSec 20
        $script:keys = @(Get-LabKeyShares $p)
    }
    AfterAll { Stop-VaultDrLab }

    Context 'VaultDr.DrStatus' {
        It 'a lab primary and its secondary: cluster, mode, state, WAL, peers connected/known and heartbeat age' {
            $primary, $secondary = Get-VaultDrStatus -Connection $p.Connection, $s.Connection
            $text = Show-View $primary, $secondary

            Assert-View $text -Header Cluster, Mode, State, Wal, Peers, Heartbeat
            $age = '(\d+ms|\d+\.\ds|\d+s)'
            $text | Should -Match "(?m)^vault-1 +primary +running +$($primary.LastWal) +1/1 +$age *$"
            $text | Should -Match "(?m)^vault-2 +secondary +stream-wals +$($secondary.LastRemoteWal) +1/1 +$age *$"
            $text | Should -Not -Match ([regex]::Escape($primary.ClusterId)) -Because 'the cluster id, the same on every row, is left to Format-List'
        }

        It 'long host names, the longest mode and state, ten-digit WALs and an older Vault''s peers still fit' {
            $statuses = @(
                [VaultDr.DrStatus]@{
                    Cluster = 'vault-a.example.com:8200'; Address = 'https://vault-a.example.com:8200'; Mode = 'primary'; State = 'running'
                    LastWal = 1234567890; KnownSecondaries = @('vault-b', 'vault-c'); Secondaries = @((New-Peer vault-b connected 185), (New-Peer vault-c disconnected 7300))
                }
                [VaultDr.DrStatus]@{
                    Cluster = 'vault-b.example.com:8201'; Address = 'https://vault-b.example.com:8201'; Mode = 'secondary'; State = 'transient_failure'
                    LastRemoteWal = 1234560000; Primaries = @(New-Peer vault-a disconnected 3700)
                }
                [VaultDr.DrStatus]@{
                    Cluster = 'vault-dr.eu-west-1.internal.example.com:8443'; Address = 'https://vault-dr.eu-west-1.internal.example.com:8443'
                    Mode = 'bootstrapping'; State = 'idle'
                }
                # Named connections; a primary that lists only the ids of its secondaries, not their connections.
                [VaultDr.DrStatus]@{ Cluster = 'dr-east'; Address = 'https://10.20.30.40:8200'; Mode = 'disabled' }
                [VaultDr.DrStatus]@{ Cluster = 'legacy'; Address = 'https://10.20.30.41:8200'; Mode = 'primary'; State = 'running'; LastWal = 42; KnownSecondaries = @('dr') }
            )
            $text = Show-View $statuses

            Assert-View $text -Header Cluster, Mode, State, Wal, Peers, Heartbeat
            $text | Should -Match '(?m)^vault-a\.example\.com +primary +running +1234567890 +1/2 +3m05s *$'
            $text | Should -Match '(?m)^vault-b\.example…:8201 +secondary +transient_failure +1234560000 +0/1 +1h01m *$'
            $text | Should -Match '(?m)^vault-dr\.eu-wes…:8443 +bootstrapping +idle *$'
            $text | Should -Match '(?m)^dr-east +disabled *$'
            $text | Should -Match '(?m)^legacy +primary +running +42 +\?/1 *$'
        }
    }

    Context 'VaultDr.DrPeer' {
        It 'the lab primary''s secondary, and peers with long ids and addresses' {
            $lab = (Get-VaultDrStatus -Connection $p.Connection).Secondaries
            $text = Show-View (@($lab) + (New-Peer 'vault-1-20261129180442' disconnected 100000) + [VaultDr.DrPeer]@{ ApiAddress = 'https://vault-a.example.com:8200'; ConnectionStatus = 'connected'; LastHeartbeat = [DateTimeOffset]::MinValue })

            Assert-View $text -Header NodeId, ApiAddress, Status, Heartbeat
            $text | Should -Match "(?m)^vault-2 +$([regex]::Escape($lab.ApiAddress)) +connected +\S+ *$"
            $text | Should -Match '(?m)^vault-1-20261129180442 +https://vault-1-20261129180442\.… +disconnected +1d03h *$'
            $text | Should -Match '(?m)^ +https://vault-a\.example\.com:8200 +connected *$' -Because "Vault's zero time is no heartbeat, not an age"
        }
    }

    Context 'VaultDr.ReplicationHealth' {
        It 'a caught-up lab secondary is one short row' {
            $text = Show-View $healthy

            Assert-View $text -Header Secondary, Healthy, WalLag, FailedChecks
            $text | Should -Match '(?m)^127\.0\.0\.1:\d+ +True +0 *$'
        }

        It 'a failing check reads in full, each sentence wrapped at words, for the lab and for long names' {
            # The third cluster is no secondary at all: mode, cluster id, connection and merkle root all fail.
            $lab = Test-VaultDrReplication -Primary $p.Connection -Secondary $t.Connection
            $built = [VaultDr.ReplicationHealth]@{
                Primary = 'https://vault-a.example.com:8200'; Secondary = 'https://vault-b.example.com:8201'; Healthy = $false; WalLag = 1234
                SecondaryState = 'merkle-sync'; Connected = $true; LastHeartbeatAge = [TimeSpan]::FromSeconds(3.4); CheckedAt = $now
                FailedChecks = @(
                    "vault-b.example.com:8201 is in state 'merkle-sync', not 'stream-wals' (still syncing)."
                    'vault-b.example.com:8201 is 1234 WAL(s) behind vault-a.example.com:8200 (last_remote_wal 1233 < last_wal 2467).'
                    'Merkle roots differ: 56794a98e5... on vault-a.example.com:8200, 477831c188... on vault-b.example.com:8201.'
                )
            }
            $text = Show-View $lab, $built

            Assert-View $text -Header Secondary, Healthy, WalLag, FailedChecks
            $lab.FailedChecks.Count | Should -BeGreaterOrEqual 3
            $checks = Get-ColumnText $text -Label FailedChecks
            $checks | Should -Be @(($lab.FailedChecks -join ' '), ($built.FailedChecks -join ' '))
            $text | Should -Match '(?m)^vault-3 +False +\S'
            $text | Should -Match '(?m)^vault-b\.example…:8201 +False +1234 +vault-b'
        }

        It 'Format-List: every check and the heartbeat age, without the nested statuses' {
            # A peer that never sent a heartbeat carries Vault's zero time: its age is no age at all.
            $never = [VaultDr.ReplicationHealth]@{
                Primary = 'https://vault-a.example.com:8200'; Secondary = 'https://vault-b.example.com:8200'; LastHeartbeatAge = [DateTimeOffset]::UtcNow - [DateTimeOffset]::MinValue
                FailedChecks = @("vault-a.example.com:8200 sees vault-b.example.com:8200 as 'disconnected', not connected."); CheckedAt = $now
                PrimaryVersion = '1.17.0-beta1+ent.hsm.fips1402'; SecondaryVersion = '1.16.3+ent.hsm.fips1402'; VersionSkew = $true
            }
            $text = Show-View $healthy -List
            $neverText = Show-View $never -List

            Assert-View $text -Label Secondary, Primary, Healthy, FailedChecks, WalLag, SecondaryState, Connected, LastHeartbeatAge, MerkleMatch, ClusterIdMatch, TwoPrimaries, CheckedAt
            Get-ListValue $text LastHeartbeatAge | Should -Match '^(\d+ms|\d+\.\ds|\d+s)$'
            $text | Should -Not -Match 'PrimaryStatus|VaultDr\.DrStatus'
            Assert-View $neverText -Label LastHeartbeatAge, FailedChecks
            Get-ListValue $neverText LastHeartbeatAge | Should -Be 'never'
            Get-ListValue $neverText FailedChecks | Should -Be $never.FailedChecks[0]
            Assert-View $neverText -Label Versions
            Get-ListValue $neverText Versions | Should -Be '1.17.0-beta1+ent.hsm.fips1402 -> 1.16.3+ent.hsm.fips1402 (secondary older)'
        }
    }

    Context 'lab objects' {
        It 'VaultDr.LabCluster: addresses and the key threshold; the root token and unseal keys stay hidden' {
            $text = Show-View $p, $s, $t
            $list = Show-View $p -List

            Assert-View $text -Header Name, Address, ClusterAddress, Keys, RootToken
            foreach ($cluster in $p, $s, $t) {
                $text | Should -Match "(?m)^$($cluster.Name) +$([regex]::Escape($cluster.Address.GetLeftPart('Authority'))) +$([regex]::Escape($cluster.ClusterAddress.GetLeftPart('Authority'))) +unseal 3/5 +<hidden> *$"
            }
            Assert-View $list -Label Name, Address, ClusterAddress, Connection, RootToken, UnsealKeys, KeyThreshold, SealType, RecoveryKeys, RecoveryThreshold, CACertificateFile, Lab
            Get-ListValue $list RootToken | Should -Be '<hidden>'
            Get-ListValue $list UnsealKeys | Should -Be '5 keys <hidden>'
            Get-ListValue $list Lab | Should -Be "process $($p.Lab.ProcessId), control $($p.Lab.ControlAddress)"
            $kms = [VaultDr.LabCluster]@{ Name = 'vault-kms'; Address = 'https://127.0.0.1:45678'; ClusterAddress = 'https://127.0.0.1:45679'; SealType = 'transit'; RecoveryThreshold = 2; RecoveryKeys = $keys }
            Show-View $kms | Should -Match '(?m)^vault-kms +https://127\.0\.0\.1:45678 +https://127\.0\.0\.1:45679 +recovery 2/3 +\S* *$'
            Get-ListValue (Show-View $kms -List) RecoveryKeys | Should -Be '3 keys <hidden>'
        }

        It 'VaultDr.LabCluster with PGP-encrypted shares, and VaultDr.LabPgpKey: fingerprints whole, the longest name too' {
            $fingerprints = 'c9e4f6b2a3d1e5f708192a3b4c5d6e7f8091a2b3', '17773008bbd3b2fae82cf5b9a1244f7fbedaac4a'
            $pgpCluster = [VaultDr.LabCluster]@{ Name = 'vault-1'; Address = $p.Address; ClusterAddress = $p.ClusterAddress; KeyThreshold = 2; EncryptedUnsealKeys = 'wcBMA1', 'wcBMA2'; PgpFingerprints = $fingerprints }
            $pair = [VaultDr.LabPgpKey]@{ Name = 'abcdefghijklmnopqrstuvwx-10'; UserId = 'abcdefghijklmnopqrstuvwx-10 (VaultDr lab) <abcdefghijklmnopqrstuvwx-10@vaultdr.invalid>'; Fingerprint = $fingerprints[0]; PublicKeyPath = '/tmp/k/abcdefghijklmnopqrstuvwx-10.pub.asc'; PrivateKeyPath = '/tmp/k/abcdefghijklmnopqrstuvwx-10.key.asc'; HasPassphrase = $true }
            Assert-View ($cluster = Show-View $pgpCluster) -Header Name, Address, ClusterAddress, Keys, RootToken
            $cluster | Should -Match '(?m) pgp 2/2 +<hidden> *$'
            Get-ListValue (Show-View $pgpCluster -List) UnsealKeys | Should -Be 'none in the clear: 2 PGP-encrypted, see EncryptedUnsealKeys'
            Assert-View ($text = Show-View $pair, ([VaultDr.LabPgpKey]@{ Name = 'keyholder-1'; Fingerprint = $fingerprints[1] })) -Header Name, Fingerprint, Passphrase
            $text | Should -Match "(?m)^abcdefghijklmnopqrstuvwx-10 $($fingerprints[0]) yes *$"
            $text | Should -Match "(?m)^keyholder-1 +$($fingerprints[1]) no *$"
            Assert-View ($list = Show-View $pair -List) -Label Name, UserId, Fingerprint, PublicKeyPath, PrivateKeyPath, HasPassphrase
            Get-ListValue $list PrivateKeyPath | Should -Be $pair.PrivateKeyPath
        }

        It 'VaultDr.VaultDrLab: one row per lab' {
            $lab = Get-VaultDrLab
            $text = Show-View $lab

            Assert-View $text -Header ProcessId, ControlAddress, Clusters, Tls, StartedAt, HasExited
            $text | Should -Match "(?m)^ *$($p.Lab.ProcessId) +$([regex]::Escape($p.Lab.ControlAddress.GetLeftPart('Authority'))) +3 +True +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +False *$"
        }

        It 'VaultDr.LabLogRecord: time, cluster, level, and the message wrapped whole' {
            $records = @(Get-VaultDrLabLog -Cluster $p | Select-Object -Last 2) + [VaultDr.LabLogRecord]@{
                Time = $now; Cluster = 'vault-10'; Level = 'ERROR'; Message = 'replication: state is still irreconcilable after reindex, try reindexing primary cluster'
            }
            $text = Show-View $records

            Assert-View $text -Header Time, Cluster, Level, Message
            ($text -replace '\s+', ' ') | Should -Match 'vault-10 ERROR replication: state is still irreconcilable after reindex, try reindexing primary cluster'
        }

        It 'VaultDr.LabRequestRecord: a long path wraps before its slashes' {
            $records = @(Get-VaultDrLabRequest -Lab $p.Lab | Select-Object -Last 3) + [VaultDr.LabRequestRecord]@{
                Time = $now; Cluster = 'vault-10'; Method = 'DELETE'; Path = '/v1/sys/replication/dr/secondary/generate-operation-token/attempt'; Status = 204
            }
            $text = Show-View $records

            Assert-View $text -Header Time, Cluster, Method, Status, Faulted, Path
            Get-ColumnText $text -Label Path | ForEach-Object { $_ -replace ' ' } | Should -Be ($records | ForEach-Object { $_.Path + $(if ($_.Query) { "?$($_.Query)" }) })
            $text | Should -Match '(?m)^\d\d:\d\d:\d\d\.\d{3}Z vault-10 +DELETE +204 +False +/v1/sys/replication/dr/secondary *$'
        }
    }

    Context 'tokens: a secret shows as hidden text, never as System.Security.SecureString' {
        It 'VaultDr.SecondaryActivationToken, from the lab and with a long id and host' {
            $built = [VaultDr.SecondaryActivationToken]@{
                Id = 'vault-1-20261129180442'; Ttl = [TimeSpan]::FromMinutes(90); ExpiresAt = [DateTimeOffset]'2026-11-29T19:41:00Z'; IsEncrypted = $true
                PrimaryApiAddress = 'https://vault-a.example.com:8201'; Address = 'https://vault-a.example.com:8201'; ActivationToken = (ConvertTo-TestSecret (New-TestActivationJwt))
            }
            $text = Show-View $activation, $built
            $list = Show-View $activation -List

            Assert-View $text -Header Id, Primary, Ttl, ExpiresAt, Encrypted
            $text | Should -Match "(?m)^vault-2 +$([regex]::Escape($p.Address.Authority)) +30m +$($activation.ExpiresAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm'))Z +False *$"
            $text | Should -Match '(?m)^vault-1-20261129180442 +vault-a\.example…:8201 +1h30m +2026-11-29 19:41Z +True *$'
            Assert-View $list -Label Id, ActivationToken, PrimaryApiAddress, Ttl, CreationTime, ExpiresAt, WrappedAccessor, IsEncrypted, Address
            Get-ListValue $list ActivationToken | Should -Be '<hidden>'
        }

        It 'VaultDr.OperationTokenProgress: the nonce whole; the OTP that Vault shows once is hidden' {
            $started = Start-VaultDrOperationToken -Connection $dr
            try {
                $progress = Get-VaultDrOperationTokenProgress -Connection $dr
                $done = [VaultDr.OperationTokenProgress]@{
                    Address = 'https://vault-b.example.com:8201'; Started = $true; Nonce = $Nonce; Progress = 3; Required = 3; Complete = $true
                    EncodedToken = (ConvertTo-TestSecret $EncodedTokenText)
                }
                $text = Show-View $started, $progress, $done
                $list = Show-View $started -List

                Assert-View $text -Header Address, Progress, Nonce, Otp
                $address = [regex]::Escape($s.Address.Authority)
                $text | Should -Match "(?m)^$address +0/3 +$($started.Nonce) +<hidden> *$"
                $text | Should -Match "(?m)^$address +0/3 +$($started.Nonce) *$"
                $text | Should -Match "(?m)^vault-b\.example…:8201 +3/3 done +$Nonce *$"
                Assert-View $list -Label Address, Started, Nonce, Progress, Required, Complete, PgpFingerprint, Otp, OtpLength, EncodedToken
                Get-ListValue $list Otp | Should -Be '<hidden>'
            }
            finally { Stop-VaultDrOperationToken -Connection $dr }
        }

        It 'VaultDr.OperationToken: a ceremony token never expires, a batch token does, a PGP token names its key' {
            $ceremony = $keys | New-VaultDrOperationToken -Connection $dr -WarningAction SilentlyContinue
            try {
                $batch = [VaultDr.OperationToken]@{
                    Address = 'https://vault-a.example.com:8200'; DrOperationToken = (ConvertTo-TestSecret $DrOperationTokenText); IsBatch = $true
                    CreatedAt = [DateTimeOffset]'2026-11-29T18:00:00Z'; ExpiresAt = [DateTimeOffset]'2026-11-29T18:30:00Z'
                }
                $pgp = [VaultDr.OperationToken]@{
                    Address = 'https://vault-b.example.com:8201'; EncodedToken = (ConvertTo-TestSecret $EncodedTokenText)
                    PgpFingerprint = 'c9e4f6b2a3d1e5f708192a3b4c5d6e7f8091a2b3'; CreatedAt = [DateTimeOffset]'2026-11-29T18:00:00Z'
                }
                $text = Show-View $ceremony, $batch, $pgp
                $list = Show-View $pgp -List

                Assert-View $text -Header Address, CreatedAt, Expires, Token
                $text | Should -Match "(?m)^$([regex]::Escape($s.Address.Authority)) +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +never +<hidden> *$"
                $text | Should -Match '(?m)^vault-a\.example\.com +2026-11-29 18:00:00Z +2026-11-29 18:30:00Z +<hidden> *$'
                $text | Should -Match '(?m)^vault-b\.example…:8201 +2026-11-29 18:00:00Z +never +<pgp 8091a2b3> *$'
                Assert-View $list -Label DrOperationToken, EncodedToken, PgpFingerprint, Address, CreatedAt, IsBatch, ExpiresAt
                Get-ListValue $list EncodedToken | Should -Be '<hidden>'
                Get-ListValue $list PgpFingerprint | Should -Be $pgp.PgpFingerprint
            }
            finally { $ceremony | Revoke-VaultDrOperationToken -Connection $dr }
        }

        It 'VaultDr.SecondaryPublicKey: the start of the key' {
            $key = New-VaultDrSecondaryPublicKey -Connection $t.Connection
            $text = Show-View $key

            Assert-View $text -Header Address, PublicKey
            $text | Should -Match "(?m)^$([regex]::Escape($t.Address)) +$([regex]::Escape($key.PublicKey.Substring(0, 24)))… *$"
        }
    }

    Context 'connections and node health' {
        It 'VaultDr.VaultDrConnection: the token never shows, an unverified TLS connection says so' {
            $connections = @(
                $s.Connection
                New-VaultDrConnection -Address https://vault-a.example.com:8200 -Token (ConvertTo-TestSecret $VaultTokenText)
                New-VaultDrConnection -Address https://vault-dr.eu-west-1.internal.example.com:8200 -SkipCertificateCheck -WarningAction SilentlyContinue
                New-VaultDrConnection -Address http://127.0.0.1:8200 -Name lab-plain
            )
            $text = Show-View $connections

            Assert-View $text -Header Name, Address, HasToken, Tls
            $text | Should -Match "(?m)^vault-2 +$([regex]::Escape($s.Address.GetLeftPart('Authority'))) +True +verified *$"
            $text | Should -Match '(?m)^vault-a\.example\.com:8200 +https://vault-a\.example\.com:8200 +True +verified *$'
            $text | Should -Match '(?m)^vault-dr\.eu-west-1\.inte… +https://vault-dr\.eu-west-1\.inte… +False +unverified *$'
            $text | Should -Match '(?m)^lab-plain +http://127\.0\.0\.1:8200 +(True|False) +none *$'
        }

        It 'VaultDr.VaultHealth: the role from the status code, healthy, the DR mode and the version' {
            $nodes = @(Get-VaultDrHealth -Connection $s.Connection, $t.Connection) + [VaultDr.VaultHealth]@{
                Address = 'https://vault-a.example.com:8201'; StatusCode = 473; Role = 'performance-standby'; ReplicationDrMode = 'bootstrapping'; Version = '1.17.3+ent.hsm.fips1402'
            }
            $text = Show-View $nodes

            Assert-View $text -Header Address, Role, Healthy, DrMode, Version
            $text | Should -Match "(?m)^$([regex]::Escape($t.Address.Authority)) +active +True +disabled +$([regex]::Escape($nodes[1].Version)) *$"
            $text | Should -Match '(?m)^vault-a\.example…:8201 +performance-standby +False +bootstrapping +1\.17\.3\+ent\.hs… *$'
        }
    }

    Context 'seal status' {
        It 'VaultDr.VaultSealStatus: which keys and how many; a KMS seal, a long host and a long version' {
            $seals = @(Get-VaultDrSealStatus -Connection $s.Connection) + [VaultDr.VaultSealStatus]@{
                Address = 'https://vault-dr.eu-west-1.internal.example.com:8200'; Type = 'azurekeyvault'; Sealed = $true; RecoverySeal = $true; Threshold = 3; Shares = 5; Version = '1.17.0-beta1+ent.hsm.fips1402'
            }
            $text = Show-View $seals

            Assert-View $text -Header Address, Sealed, Type, Keys, Version
            $text | Should -Match "(?m)^$([regex]::Escape($s.Address.Authority)) +False +shamir +unseal 3/5 +1\.15\.0\+ent *$"
            $text | Should -Match '(?m)^vault-dr\.eu-west-1\.i… +True +azurekeyvault +recovery 3/5 +1\.17\.0-beta1\+… *$'
        }
    }

    Context 'VaultDr.FailoverReport and VaultDr.FailoverStep' {
        It 'a -WhatIf plan: the report says so, and every step is listed as WhatIf' {
            $plan = Invoke-VaultDrFailover -Primary $p.Connection -Secondary $dr -KeyShare $keys -WhatIf
            $report = Show-View $plan

            Assert-View $report -Label Kind, Primary, Succeeded, WhatIf, FailedStep, Error, NextSafeCommand, Duration, Steps
            Get-ListValue $report Kind | Should -Be 'Planned'
            Get-ListValue $report Primary | Should -Be "$($p.Address.Authority) -> $($s.Address.Authority)"
            Get-ListValue $report WhatIf | Should -Be 'True'
            Get-ListValue $report Versions | Should -Be 'not read'
            Get-ListValue $report Steps | Should -Be "$($plan.Steps.Count) WhatIf"
            $plan.Steps.Status | Sort-Object -Unique | Should -Be 'WhatIf'
            Assert-StepTable $plan.Steps | Out-Null
        }

        It 'a planned failover: which way the primary moved, and each step''s Detail in full' {
            $report = Invoke-VaultDrFailover -Primary $p.Connection -Secondary $dr -KeyShare $keys -Confirm:$false -WarningAction SilentlyContinue
            $report.Succeeded | Should -BeTrue -Because ($report.Steps | Out-String)
            $text = Show-View $report

            Assert-View $text -Label Kind, Primary, Succeeded, WhatIf, Duration, Steps
            Get-ListValue $text Primary | Should -Be "vault-1 ($($p.Address.Authority)) -> $($s.Address.Authority)"
            Get-ListValue $text Succeeded | Should -Be 'True'
            Get-ListValue $text Versions | Should -Be '1.15.0+ent -> 1.15.0+ent'
            Get-ListValue $text Duration | Should -Match '^(\d+ms|\d+\.\ds)$'
            Get-ListValue $text Steps | Should -Be "$($report.Steps.Count) Succeeded"
            $steps = Assert-StepTable $report.Steps
            # Target is the connection's name; an unnamed lab connection's host:port keeps its port.
            Get-ColumnText $steps -Label Target -Next Status | Should -Be ($report.Steps.Target -replace '^vault-1 .*', 'vault-1' -replace '^https://127\.0\.0\.1:', '127.…:')
            $steps | Should -Match '(?m)^ +4 Demote the old +vault-1 +Succeeded +\d+ms demoted; it keeps'
        }

        It 'a failed failover: the failed step, the whole error and the next safe command, wrapped at words' {
            # After the failover above the lab's second cluster is the primary; the first is stopped, so the
            # failback's preflight cannot read it and nothing is changed. (Last: the lab is not whole after it.)
            Stop-VaultDrLabCluster -Cluster $p
            $old = New-VaultDrConnection -Address $p.Address -Token $p.RootToken -CACertificateFile $p.CACertificateFile -MaxRetries 0
            $report = Invoke-VaultDrFailover -Primary $dr -Secondary $old -KeyShare $keys -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $report.FailedStep | Should -Not -BeNullOrEmpty
            $text = Show-View $report

            Assert-View $text -Label Kind, Primary, Succeeded, WhatIf, FailedStep, Error, NextSafeCommand, Duration, Steps
            Get-ListValue $text FailedStep | Should -Be $report.FailedStep
            Get-ListValue $text Error | Should -Be (Get-Collapsed $report.Error)
            Get-ListValue $text NextSafeCommand | Should -Be (Get-Collapsed $report.NextSafeCommand)
            Get-ListValue $text Steps | Should -Be '1 Failed'
            $report.Steps.Status | Should -Be 'Failed'
            Assert-StepTable $report.Steps | Out-Null
        }
    }
}

Describe 'Maintenance views at 80 columns, from HashiCorp''s samples and long production values' {
    BeforeAll {
        $script:stub = Start-StubVault
        $script:named = New-VaultDrConnection -Name vault-dr.eu-west-1.internal.example.com:8443 -Address $stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 0
        $script:op = ConvertTo-TestSecret $DrOperationTokenText
    }
    AfterAll { $stub.Dispose() }

    It 'VaultDr.ReplicationStatus: each kind as mode/state, the longest ones too' {
        $null = $stub.Respond('GET', '/v1/sys/replication/status', 200, '{"data":{"dr":{"mode":"secondary","state":"transient_failure"},"performance":{"mode":"primary","state":"running"}}}', 1)
        $null = $stub.Respond('GET', '/v1/sys/replication/status', 200, '{"data":{"mode":"disabled"}}', 1)
        $long = Get-VaultDrReplicationStatus -Connection $named
        $plain = Get-VaultDrReplicationStatus -Connection (New-StubConnection $stub)
        $text = Show-View $long, $plain
        Assert-View $text -Header Cluster, Dr, Performance
        $text | Should -Match '(?m)^vault-dr\.eu-wes…:8443 +secondary/transient_failure +primary/running *$'
        $text | Should -Match "(?m)^$([regex]::Escape($stub.BaseAddress.Authority)) +disabled +disabled *$"
    }

    It 'VaultDr.MerkleCorruptionReport and its trees: the verdict, each tree, and the recommendation wrapped at words' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/merkle-check', 200, @'
{"data":{"merkle_corruption_report":{"corrupted_root":false,"corrupted_tree_map":{"1":{"corrupted_index_tuples_map":{"5":{"corrupted":false,"subpages":[28]},"17":{"corrupted":true,"subpages":[0,3,255]}},"corrupted_subtree_root":true,"root_hash":"DyGc6rQTV9XgyNSff3zimhi3FJM=","tree_type":"replicated"},"2":{"corrupted_index_tuples_map":null,"corrupted_subtree_root":false,"root_hash":"EXmRTdfYCZTm5i9wLef9RQqyLCw=","tree_type":"local"}},"last_corruption_check_epoch":"2023-09-11T11:25:59.44956-07:00"}}}
'@)
        $report = Invoke-VaultDrMerkleCheck -Connection $named -DrOperationToken $op -WarningAction SilentlyContinue
        $text = Show-View $report
        $trees = Show-View $report.Trees
        Assert-View $text -Label Cluster, Healthy, CorruptedRoot, Replicated, Local, LastCorruptionCheck, Recommendation
        Get-ListValue $text Cluster | Should -Be "vault-dr.eu-west-1.internal.example.com:8443 ($($stub.BaseAddress.Authority)), DR secondary"
        Get-ListValue $text Healthy | Should -Be 'False'
        Get-ListValue $text Replicated | Should -Be 'CORRUPT: subtree root; page 5: 28; page 17 (page): 0, 3, 255'
        Get-ListValue $text Local | Should -Be 'healthy, root EXmRTdfYCZTm5i9wLef9RQqyLCw='
        Get-ListValue $text LastCorruptionCheck | Should -Be '2023-09-11 18:25:59Z'
        Get-ListValue $text Recommendation | Should -Be (Get-Collapsed $report.Recommendation)
        Assert-View $trees -Header Tree, Corrupted, SubtreeRoot, RootHash, Pages
        $trees | Should -Match '(?m)^1 replicated +True +True +DyGc6rQTV9XgyNS… +5: 28 *$'
        $trees | Should -Match '(?m)^2 local +False +False +EXmRTdfYCZTm5i9… *$'
        Get-ColumnText $trees -Label Pages | Should -Be @('5: 28 17 (page): 0, 3, 255', '')
    }

    It 'VaultDr.RaftPeer: the sample''s servers, and ids and addresses longer than their columns' {
        $null = $stub.Respond('GET', '/v1/sys/storage/raft/configuration', 200, '{"data":{"config":{"servers":[{"address":"127.0.0.1:8201","leader":true,"node_id":"raft1","protocol_version":"\u0003","voter":true},{"address":"vault-dr-eu-west-1-node-03.internal.example.com:8201","leader":false,"node_id":"vault-dr-eu-west-1-node-03-20261129","protocol_version":"\u0003","voter":false}]}}}')
        $text = Show-View (Get-VaultDrRaftPeer -Connection (New-StubConnection $stub))
        Assert-View $text -Header NodeId, Address, Leader, Voter, Protocol
        $text | Should -Match '(?m)^raft1 +127\.0\.0\.1:8201 +True +True +3 *$'
        $text | Should -Match '(?m)^vault-dr-eu-west-1-node… +vault-dr-eu-west-1-node-03…:8201 +False +False +3 *$'
    }

    It 'VaultDr.AutopilotState and VaultDr.AutopilotServer: the verdict, and one row per server with its last contact' {
        $null = $stub.Respond('GET', '/v1/sys/storage/raft/autopilot/state', 200, @'
{"data":{"failure_tolerance":0,"healthy":false,"leader":"vault_1","optimistic_failure_tolerance":1,"voters":["vault_1","vault-dr-eu-west-1-node-02"],"servers":{"vault_1":{"address":"127.0.0.1:8201","healthy":true,"id":"vault_1","last_contact":"0s","last_index":63,"last_term":3,"name":"vault_1","node_status":"alive","node_type":"voter","stable_since":"2024-08-29T16:02:45.639829+02:00","status":"leader","version":"1.17.3"},"vault-dr-eu-west-1-node-02":{"address":"vault-dr-eu-west-1-node-02.internal:8201","healthy":false,"id":"vault-dr-eu-west-1-node-02","last_contact":"2m3.5s","node_status":"failed","node_type":"non-voter","status":"non-voter","version":"1.17.3"}}}}
'@)
        $state = Get-VaultDrAutopilotState -Connection $named -DrOperationToken $op
        $text = Show-View $state
        $servers = Show-View $state.Servers
        Assert-View $text -Label Cluster, Healthy, FailureTolerance, OptimisticFailureTolerance, Leader, Voters, Servers
        Get-ListValue $text Servers | Should -Be '2, not healthy: vault-dr-eu-west-1-node-02'
        Get-ListValue $text Voters | Should -Be 'vault_1, vault-dr-eu-west-1-node-02'
        Assert-View $servers -Header Id, Address, NodeType, NodeStatus, Healthy, LastContact
        $servers | Should -Match '(?m)^vault_1 +127\.0\.0\.1:8201 +voter +alive +True +0ms *$'
        $servers | Should -Match '(?m)^vault-dr-eu-we… +vault-dr-eu-wes…:8201 +non-voter +failed +False +2m03s *$'
    }

    It 'VaultDr.AutopilotConfiguration: durations as Vault writes them' {
        $null = $stub.Respond('GET', '/v1/sys/storage/raft/autopilot/configuration', 200, '{"data":{"cleanup_dead_servers":false,"dead_server_last_contact_threshold":"24h0m0s","last_contact_threshold":"1.5s","max_trailing_logs":1000,"min_quorum":0,"server_stabilization_time":"1m30s","disable_upgrade_migration":true}}')
        $text = Show-View (Get-VaultDrAutopilotConfiguration -Connection $named)
        Assert-View $text -Label Cluster, CleanupDeadServers, DeadServerLastContactThreshold, LastContactThreshold, ServerStabilizationTime, MaxTrailingLogs, MinQuorum, DisableUpgradeMigration
        Get-ListValue $text DeadServerLastContactThreshold | Should -Be '24h'
        Get-ListValue $text LastContactThreshold | Should -Be '1500ms'
        Get-ListValue $text ServerStabilizationTime | Should -Be '1m30s'
        Get-ListValue $text MaxTrailingLogs | Should -Be '1000'
    }

    It 'VaultDr.FailoverReport names the secondary''s Raft peers before and after the removal of dead voters' {
        $peers = 'vault-dr-1', 'vault-dr-2', 'vault-dr-3' | ForEach-Object { [VaultDr.RaftPeer]@{ NodeId = $_; Voter = $true } }
        $report = [VaultDr.FailoverReport]@{ OldPrimary = 'https://vault-a.example.com:8200'; NewPrimary = 'https://vault-dr.example.com:8200' }
        $report.GetType().GetProperty('RaftPeersBefore').SetValue($report, [VaultDr.RaftPeer[]]$peers)
        $report.GetType().GetProperty('RaftPeersAfter').SetValue($report, [VaultDr.RaftPeer[]]$peers[0..1])
        $unread = [VaultDr.FailoverReport]@{ OldPrimary = 'https://vault-a.example.com:8200'; NewPrimary = 'https://vault-dr.example.com:8200' }
        Get-ListValue (Show-View $report) RaftPeers | Should -Be '3 -> 2, removed: vault-dr-3'
        Get-ListValue (Show-View $unread) RaftPeers | Should -Be 'not read'
    }
}

Describe 'Every view of the format files' {
    It 'was rendered by a test above (a new view needs a test here)' {
        # A type's first view is its default; a list view after a table view is what Format-List shows.
        Get-UnrenderedView $ModuleManifest | Should -BeNullOrEmpty
    }
}
