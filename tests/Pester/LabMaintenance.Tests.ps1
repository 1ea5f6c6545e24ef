# The lab's maintenance surface driven through the module: merkle corruption and reindex, a broken stream and recover,
# standbys as raft voters (stopped and started), the status endpoint switch, update_primary_addrs and the cluster log.
# The Vault paths the module has no typed cmdlet for yet (reindex, merkle-check, recover, sys/storage/raft/*, and
# update-primary with update_primary_addrs) are called with Invoke-RestMethod (Invoke-LabApi).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    $script:PathDisabled = 'path disabled in replication DR secondary mode'

    function Invoke-LabApi {
        <# One call to a lab cluster's Vault API: returns its status and parsed body, and never throws on an HTTP error. #>
        param(
            [Parameter(Mandatory)] $Cluster,
            [Parameter(Mandatory)][string] $Method,
            [Parameter(Mandatory)][string] $Path,
            [hashtable] $Body,
            $Token
        )
        $headers = @{}
        if ($Token) { $headers['X-Vault-Token'] = if ($Token -is [securestring]) { ConvertFrom-TestSecret $Token } else { $Token } }
        $request = @{ Uri = "$($Cluster.Address)v1/$Path"; Method = $Method; Headers = $headers; SkipHttpErrorCheck = $true; StatusCodeVariable = 'answered' }
        if ($Body) { $request.Body = $Body | ConvertTo-Json -Compress -Depth 5; $request.ContentType = 'application/json' }
        $answer = Invoke-RestMethod @request
        [pscustomobject]@{ Status = $answered; Body = $answer }
    }

    function New-LabDrPair {
        <# A primary and a caught-up DR secondary, and a DR operation token (plain text) made on the secondary. #>
        param([int] $StateStepDelayMs = 40, [int] $CatchUpDelayMs = 80)
        $primary, $secondary = Start-VaultDrLab -ClusterCount 2 -StateStepDelayMs $StateStepDelayMs -CatchUpDelayMs $CatchUpDelayMs
        Enable-VaultDrPrimary -Connection $primary.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $primary.Connection -Id $secondary.Name |
            Enable-VaultDrSecondary -Connection $secondary.Connection -Confirm:$false -WarningAction SilentlyContinue
        Wait-Until { Test-CaughtUp $primary.Connection $secondary.Connection } -Because "$($secondary.Name) catches up"
        $operationToken = Get-LabKeyShares $primary | New-VaultDrOperationToken -Connection $secondary.Connection -WarningAction SilentlyContinue
        [pscustomobject]@{ Primary = $primary; Secondary = $secondary; OperationToken = (ConvertFrom-TestSecret $operationToken.DrOperationToken) }
    }

    function Get-TerminatingError([Parameter(Mandatory)][scriptblock] $Command) {
        <# The error a lab cmdlet ends with (lab cmdlets stop on a refused control call, whatever -ErrorAction says). #>
        try { & $Command; $null } catch { $_ }
    }

    function Get-LabSecondaryStates([Parameter(Mandatory)] $Secondary, [int] $Samples = 12) {
        <# The secondary's state sampled every 50 ms. #>
        @(1..$Samples | ForEach-Object { (Get-VaultDrStatus -Connection $Secondary.Connection).State; Start-Sleep -Milliseconds 50 })
    }
}

Describe 'Merkle corruption, the merkle check and reindex' {
    BeforeAll { $script:pair = New-LabDrPair }
    AfterAll { Stop-VaultDrLab }

    It 'a corrupt replicated tree on the secondary: reported, never stream-wals, repaired by reindexing the secondary' {
        $pair.Secondary | Set-VaultDrLabCluster -CorruptMerkleTree Replicated
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).CorruptedMerkleTree | Should -BeTrue
        # The stream notices at its next step; from then on it never streams WALs until the reindex.
        Wait-Until { (Get-VaultDrStatus -Connection $pair.Secondary.Connection).State -ne 'stream-wals' } -Because 'the corrupt tree stops the stream'
        Get-LabSecondaryStates $pair.Secondary | Should -Not -Contain 'stream-wals'
        (Test-VaultDrReplication -Primary $pair.Primary.Connection -Secondary $pair.Secondary.Connection).MerkleMatch | Should -BeFalse

        $check = Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/merkle-check @{ dr_operation_token = $pair.OperationToken }
        $check.Status | Should -Be 200
        $trees = $check.Body.data.merkle_corruption_report.corrupted_tree_map
        $trees.'1'.tree_type | Should -Be 'replicated'
        @($trees.'1'.corrupted_index_tuples_map.PSObject.Properties).Count | Should -Be 1
        $trees.'2'.corrupted_index_tuples_map | Should -BeNullOrEmpty
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).LastCorruptionCheckEpoch | Should -Not -Be '-62135596800'

        $reindex = Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/reindex @{ dr_operation_token = $pair.OperationToken }
        $reindex.Status | Should -Be 200
        $reindex.Body.warnings[0] | Should -Match '^Reindexing of the replication merkle trees has started\.'
        Wait-Until { Test-CaughtUp $pair.Primary.Connection $pair.Secondary.Connection } -Because 'the reindexed secondary streams again'
        $status = Get-VaultDrStatus -Connection $pair.Secondary.Connection
        $status.CorruptedMerkleTree | Should -BeFalse
        [long]$status.LastReindexEpoch | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-1).ToUnixTimeSeconds())
    }

    It 'a corrupt primary: reindexing the secondary leaves it stuck and its log says why; reindexing the primary repairs it' {
        $pair.Primary | Set-VaultDrLabCluster -CorruptMerkleTree Replicated
        (Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/reindex @{ dr_operation_token = $pair.OperationToken }).Status | Should -Be 200
        Wait-Until { Get-VaultDrLabLog -Cluster $pair.Secondary | Where-Object Message -like '*irreconcilable*' } -Because 'the secondary logs that its reindex could not help'
        $line = Get-VaultDrLabLog -Cluster $pair.Secondary | Where-Object Message -like '*irreconcilable*' | Select-Object -Last 1
        $line.Level | Should -Be 'ERROR'
        $line.Message | Should -Be 'replication: state is still irreconcilable after reindex, try reindexing primary cluster'
        Get-LabSecondaryStates $pair.Secondary | Should -Not -Contain 'stream-wals'

        (Invoke-LabApi $pair.Secondary POST sys/replication/reindex @{} $pair.Primary.RootToken).Body.errors | Should -Be @($PathDisabled)
        (Invoke-LabApi $pair.Primary POST sys/replication/reindex @{} $pair.Primary.RootToken).Status | Should -Be 200
        Wait-Until { Test-CaughtUp $pair.Primary.Connection $pair.Secondary.Connection } -Because 'the primary''s reindex lets the secondary stream'
    }

    It 'a corrupt local tree is reported but replication carries on; -CorruptMerkleTree None repairs it' {
        $pair.Secondary | Set-VaultDrLabCluster -CorruptMerkleTree Local
        Set-VaultDrLabSecret -Connection $pair.Primary.Connection -Path app/local -Data @{ v = 'carried' }
        Wait-Until { Test-CaughtUp $pair.Primary.Connection $pair.Secondary.Connection } -Because 'a local tree does not hold replication up'
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).CorruptedMerkleTree | Should -BeTrue

        $pair.Secondary | Set-VaultDrLabCluster -CorruptMerkleTree None
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).CorruptedMerkleTree | Should -BeFalse
    }

    It 'refuses None with a tree, and -WhatIf corrupts nothing' {
        $failure = Get-TerminatingError { $pair.Primary | Set-VaultDrLabCluster -CorruptMerkleTree None, Root }
        $failure.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidMerkleTree,VaultDr.Commands.SetVaultDrLabClusterCommand'
        $pair.Primary | Set-VaultDrLabCluster -CorruptMerkleTree Root -WhatIf
        (Get-VaultDrStatus -Connection $pair.Primary.Connection).CorruptedMerkleTree | Should -BeFalse
        (Get-TerminatingError { $pair.Primary | Set-VaultDrLabCluster }).FullyQualifiedErrorId | Should -Be 'VaultDrNothingToSet,VaultDr.Commands.SetVaultDrLabClusterCommand'
    }
}

Describe 'Reindex timing follows the lab''s delays' {
    AfterEach { Stop-VaultDrLab }

    It 'walks scanning, building, wal-replay and commit, then records when it completed' {
        $cluster = Start-VaultDrLab -ClusterCount 1 -StateStepDelayMs 400 -CatchUpDelayMs 800
        Enable-VaultDrPrimary -Connection $cluster.Connection -WarningAction SilentlyContinue
        (Invoke-LabApi $cluster POST sys/replication/reindex @{ diff = $false } $cluster.RootToken).Status | Should -Be 200
        $stages = [System.Collections.Generic.List[string]]::new()
        Wait-Until {
            $status = Get-VaultDrStatus -Connection $cluster.Connection
            if ($status.Raw['reindex_in_progress']) {
                if ($stages.Count -eq 0 -or $stages[-1] -ne $status.Raw['reindex_stage']) { $stages.Add($status.Raw['reindex_stage']) }
                $false
            } else { $status.LastReindexEpoch -ne '0' }
        } -Because 'the reindex completes'
        $stages | Should -Be @('scanning', 'building', 'wal-replay', 'commit')
    }

    It 'has completed when it answers with no delays' {
        $cluster = Start-VaultDrLab -ClusterCount 1 -StateStepDelayMs 0 -CatchUpDelayMs 0
        Enable-VaultDrPrimary -Connection $cluster.Connection -WarningAction SilentlyContinue
        $before = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        (Invoke-LabApi $cluster POST sys/replication/reindex @{} $cluster.RootToken).Status | Should -Be 200
        $status = Get-VaultDrStatus -Connection $cluster.Connection
        $status.Raw.Keys | Should -Not -Contain 'reindex_in_progress'
        [long]$status.LastReindexEpoch | Should -BeGreaterOrEqual $before
    }
}

Describe 'A broken replication stream and recover' {
    BeforeAll { $script:pair = New-LabDrPair }
    AfterAll { Stop-VaultDrLab }

    It '-WhatIf breaks nothing' {
        $pair.Secondary | Set-VaultDrLabCluster -BreakReplication -WhatIf
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).State | Should -Be 'stream-wals'
    }

    It 'a broken secondary stays idle and behind while its primary answers, until the DR secondary form of recover' {
        $pair.Secondary | Set-VaultDrLabCluster -BreakReplication
        Set-VaultDrLabSecret -Connection $pair.Primary.Connection -Path app/db -Data @{ password = 'after-the-break' }
        Start-Sleep -Milliseconds 500
        $health = Test-VaultDrReplication -Primary $pair.Primary.Connection -Secondary $pair.Secondary.Connection
        $health.Healthy | Should -BeFalse
        $health.SecondaryState | Should -Be 'idle'
        $health.WalLag | Should -BeGreaterThan 0
        (Get-VaultDrLabLog -Cluster $pair.Secondary | Select-Object -Last 1).Message | Should -Match '^replication: replication stopped syncing'

        (Invoke-LabApi $pair.Secondary POST sys/replication/recover @{} $pair.Primary.RootToken).Body.errors | Should -Be @($PathDisabled)
        $recovered = Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/recover @{ dr_operation_token = $pair.OperationToken }
        $recovered.Status | Should -Be 200
        $recovered.Body.warnings | Should -Be @('Replication recovery has been triggered: the replication stream restarts. Check the replication status for its progress.')
        Wait-Until { Test-CaughtUp $pair.Primary.Connection $pair.Secondary.Connection } -Because 'the recovered secondary catches up'
    }

    It 'a cluster with replication disabled has no stream to break' {
        $lone = Start-VaultDrLab -ClusterCount 1
        $failure = Get-TerminatingError { $lone | Set-VaultDrLabCluster -BreakReplication }
        $failure.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidRequest,VaultDr.Commands.SetVaultDrLabClusterCommand'
        $failure.Exception.Message | Should -Match 'vault-1 has DR replication disabled: there is no replication stream to break\.$'
    }
}

Describe 'Standbys are raft voters' {
    BeforeAll {
        $script:pair = New-LabDrPair
        $script:primary = $pair.Primary
        $script:first = $primary | New-VaultDrLabStandby
        $script:second = $primary | New-VaultDrLabStandby
    }
    AfterAll { Stop-VaultDrLab }

    It 'each standby joins the configuration under the node id its connection is named after' {
        $first.Name, $second.Name | Should -Be @('vault-1-node-2', 'vault-1-node-3')
        $config = (Invoke-LabApi $primary GET sys/storage/raft/configuration -Token $primary.RootToken).Body.data.config
        $config.servers.node_id | Should -Be @('vault-1-node-1', 'vault-1-node-2', 'vault-1-node-3')
        $config.servers.leader | Should -Be @($true, $false, $false)
        $config.servers[1].address | Should -Be $first.Address.Authority
        $state = (Invoke-LabApi $primary GET sys/storage/raft/autopilot/state -Token $primary.RootToken).Body.data
        $state.failure_tolerance | Should -Be 1
        $state.healthy | Should -BeTrue
    }

    It 'Tab completes the standbys of -Cluster for -NodeId' {
        $line = "Stop-VaultDrLabStandby -Cluster $($primary.Name) -NodeId "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('vault-1-node-2', 'vault-1-node-3')
    }

    It 'a stopped standby refuses connections and autopilot counts it out past last_contact_threshold; started, it is back' {
        (Invoke-LabApi $primary PUT sys/storage/raft/autopilot/configuration @{ last_contact_threshold = '1s' } $primary.RootToken).Status | Should -Be 204
        $refused = New-VaultDrConnection -Address $first.Address -Token $primary.RootToken -MaxRetries 0
        Stop-VaultDrLabStandby -Cluster $primary -NodeId $first.Name -WhatIf
        (Get-VaultDrStatus -Connection $refused).Mode | Should -Be 'primary' -Because '-WhatIf stops nothing'

        Stop-VaultDrLabStandby -Cluster $primary -NodeId $first.Name
        Get-VaultDrStatus -Connection $refused -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrConnectionRefused,VaultDr.Commands.GetVaultDrStatusCommand'
        Wait-Until { -not (Invoke-LabApi $primary GET sys/storage/raft/autopilot/state -Token $primary.RootToken).Body.data.healthy } -Because 'autopilot sees the dead peer'
        $state = (Invoke-LabApi $primary GET sys/storage/raft/autopilot/state -Token $primary.RootToken).Body.data
        $state.failure_tolerance | Should -Be 0
        $state.servers.($first.Name).healthy | Should -BeFalse
        $state.servers.($first.Name).node_status | Should -Be 'alive'
        $state.servers.($second.Name).healthy | Should -BeTrue

        Start-VaultDrLabStandby -Cluster $primary -NodeId $first.Name
        (Get-VaultDrStatus -Connection $refused).Mode | Should -Be 'primary'
        (Invoke-LabApi $primary GET sys/storage/raft/autopilot/state -Token $primary.RootToken).Body.data.failure_tolerance | Should -Be 1
    }

    It 'an unknown node id is refused with the standbys the cluster has' {
        $failure = Get-TerminatingError { Stop-VaultDrLabStandby -Cluster $primary -NodeId vault-1-node-9 }
        $failure.FullyQualifiedErrorId | Should -Be 'VaultDrNotFound,VaultDr.Commands.StopVaultDrLabStandbyCommand'
        $failure.Exception.Message | Should -Match "vault-1 has no standby 'vault-1-node-9'\. Its standbys: vault-1-node-2, vault-1-node-3\."
    }

    It 'on the DR secondary a Vault token is refused, and the DR operation token works where Vault''s CLI sends it' {
        $secondary = $pair.Secondary
        $root = $primary.RootToken
        (Invoke-LabApi $secondary GET sys/storage/raft/configuration -Token $root).Body.errors | Should -Be @($PathDisabled)
        (Invoke-LabApi $secondary GET sys/storage/raft/autopilot/state -Token $root).Body.errors | Should -Be @($PathDisabled)
        (Invoke-LabApi $secondary PUT sys/storage/raft/remove-peer @{ server_id = 'x'; dr_operation_token = '' } $root).Body.errors | Should -Be @($PathDisabled)

        $peers = Invoke-LabApi $secondary PUT sys/storage/raft/configuration @{ dr_operation_token = $pair.OperationToken }
        $peers.Body.data.config.servers.node_id | Should -Be @('vault-2-node-1')
        (Invoke-LabApi $secondary GET sys/storage/raft/autopilot/state -Token $pair.OperationToken).Body.data.leader | Should -Be 'vault-2-node-1'
        (Invoke-LabApi $secondary GET sys/storage/raft/autopilot/configuration -Token $pair.OperationToken).Body.data.last_contact_threshold | Should -Be '10s'
        (Invoke-LabApi $secondary PUT sys/storage/raft/autopilot/configuration @{ dr_operation_token = $pair.OperationToken; max_trailing_logs = 2000 }).Status | Should -Be 204
        $leader = Invoke-LabApi $secondary PUT sys/storage/raft/remove-peer @{ server_id = 'vault-2-node-1'; dr_operation_token = $pair.OperationToken }
        $leader.Status | Should -Be 400
        $leader.Body.errors[0] | Should -Match '^cannot remove the raft leader "vault-2-node-1"'
    }

    It 'remove-peer takes a standby out of the configuration for good' {
        (Invoke-LabApi $primary PUT sys/storage/raft/remove-peer @{ server_id = $second.Name; dr_operation_token = '' } $primary.RootToken).Status | Should -Be 204
        (Invoke-LabApi $primary GET sys/storage/raft/configuration -Token $primary.RootToken).Body.data.config.servers.node_id | Should -Be @('vault-1-node-1', 'vault-1-node-2')
        Get-VaultDrLabLog -Cluster $primary | Where-Object Message -eq "storage.raft: removing peer from raft configuration: peer=$($second.Name)" | Should -Not -BeNullOrEmpty
    }
}

Describe 'The replication status endpoint switch' {
    BeforeAll { $script:cluster = Start-VaultDrLab -ClusterCount 1 }
    AfterAll { Stop-VaultDrLab }

    It 'off: the three status paths answer 404 "disabled path"; on again: they answer' {
        $cluster | Set-VaultDrLabCluster -StatusEndpointsDisabled $true
        Get-VaultDrStatus -Connection $cluster.Connection -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'VaultDrStatusEndpointsDisabled,VaultDr.Commands.GetVaultDrStatusCommand'
        $failure[0].Exception.Message | Should -Match 'disable_replication_status_endpoints is true \(Vault answered 404 "disabled path"\)'
        foreach ($path in 'sys/replication/status', 'sys/replication/performance/status') {
            $answer = Invoke-LabApi $cluster GET $path
            $answer.Status | Should -Be 404
            $answer.Body.errors | Should -Be @('disabled path')
        }

        $cluster | Set-VaultDrLabCluster -StatusEndpointsDisabled $false
        (Get-VaultDrStatus -Connection $cluster.Connection).Mode | Should -Be 'disabled'
        (Invoke-LabApi $cluster GET sys/replication/performance/status).Body.data.mode | Should -Be 'disabled'
    }
}

Describe 'update-primary with update_primary_addrs' {
    BeforeAll { $script:pair = New-LabDrPair }
    AfterAll { Stop-VaultDrLab }

    It 'refuses a token with them, then re-points a secondary that forgot its primary at its cluster address' {
        $address = $pair.Primary.ClusterAddress.Authority
        $both = Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/update-primary @{ dr_operation_token = $pair.OperationToken; token = 'x.y.z'; update_primary_addrs = @($address) }
        $both.Status | Should -Be 400
        $both.Body.errors[0] | Should -Match '^token and update_primary_addrs are mutually exclusive'

        (Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/update-primary @{ dr_operation_token = $pair.OperationToken; token = '' }).Status | Should -Be 204
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).State | Should -Be 'idle'
        $repointed = Invoke-LabApi $pair.Secondary POST sys/replication/dr/secondary/update-primary @{ dr_operation_token = $pair.OperationToken; update_primary_addrs = @($address) }
        $repointed.Status | Should -Be 204
        Wait-Until { Test-CaughtUp $pair.Primary.Connection $pair.Secondary.Connection } -Because 'the secondary reconnects by address'
        (Get-VaultDrStatus -Connection $pair.Secondary.Connection).KnownPrimaryClusterAddrs | Should -Be @("http://$address")
    }
}

Describe 'Get-VaultDrLabLog' {
    BeforeAll { $script:cluster = Start-VaultDrLab -ClusterCount 1 }
    AfterAll { Stop-VaultDrLab }

    It 'returns typed lines, oldest first, that read whole at 80 columns' {
        $cluster | New-VaultDrLabStandby | Out-Null
        Enable-VaultDrPrimary -Connection $cluster.Connection -WarningAction SilentlyContinue
        $cluster | Set-VaultDrLabCluster -BreakReplication
        $log = @(Get-VaultDrLabLog -Cluster $cluster)
        $log[0].PSObject.TypeNames[0] | Should -Be 'VaultDr.LabLogRecord'
        $log.Level | Should -Be @('INFO', 'ERROR')
        $log[0].Time | Should -BeLessOrEqual $log[1].Time
        $log.Cluster | Sort-Object -Unique | Should -Be $cluster.Name

        $text = $log | Out-String -Width 80
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        ($lines[0].Trim() -split ' +') | Should -Be @('Time', 'Cluster', 'Level', 'Message')
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        ($text -replace '\s+', ' ') | Should -Match 'replication: replication stopped syncing: unrecoverable error on the replication stream; recover with sys/replication/recover'
    }
}
