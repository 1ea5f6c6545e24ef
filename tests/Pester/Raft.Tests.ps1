# Raft peers and autopilot against the stub, with the Vault token or, on a DR secondary, the DR operation token where
# Vault takes it (the body of list-peers and remove-peer, X-Vault-Token for autopilot's reads); Update-VaultDrPrimary
# with cluster addresses; the failover's -RemoveDeadPeers plan.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:OpToken = ConvertTo-TestSecret $DrOperationTokenText
    $script:RaftConfigPath = '/v1/sys/storage/raft/configuration'
    $script:RemovePath = '/v1/sys/storage/raft/remove-peer'
    $script:StatePath = '/v1/sys/storage/raft/autopilot/state'
    $script:ConfigPath = '/v1/sys/storage/raft/autopilot/configuration'
    $script:RaftSample = @'
{"request_id":"ca4b5a1d-38d6-e27e-e756-269521328a15","lease_id":"","lease_duration":0,"renewable":false,"data":{"config":{"index":24,"servers":[{"address":"127.0.0.1:8201","leader":true,"node_id":"raft1","protocol_version":"\u0003","voter":true},{"address":"127.0.0.2:8201","leader":false,"node_id":"raft2","protocol_version":"\u0003","voter":true},{"address":"127.0.0.3:8201","leader":false,"node_id":"raft3","protocol_version":"\u0003","voter":false}]}},"warnings":null}
'@
    $script:StateSample = @'
{"data":{"failure_tolerance":0,"healthy":false,"leader":"raft1","optimistic_failure_tolerance":0,"voters":["raft1","raft2"],"servers":{"raft1":{"address":"127.0.0.1:8201","healthy":true,"id":"raft1","last_contact":"0s","last_index":63,"last_term":3,"name":"raft1","node_status":"alive","node_type":"voter","stable_since":"2024-08-29T16:02:45.639829+02:00","status":"leader","version":"1.17.3"},"raft2":{"address":"127.0.0.2:8201","healthy":false,"id":"raft2","last_contact":"2m3.5s","last_index":40,"last_term":3,"name":"raft2","node_status":"failed","node_type":"voter","stable_since":"0001-01-01T00:00:00Z","status":"voter","version":"1.17.3"}}}}
'@
    $script:ConfigSample = '{"data":{"cleanup_dead_servers":false,"dead_server_last_contact_threshold":"24h0m0s","last_contact_threshold":"10s","max_trailing_logs":1000,"min_quorum":0,"server_stabilization_time":"10s","disable_upgrade_migration":true}}'
}

Describe 'Get-VaultDrRaftPeer' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'GETs the Raft configuration with the Vault token and returns one RaftPeer per server' {
        $null = $stub.Respond('GET', $RaftConfigPath, 200, $RaftSample)

        $peers = Get-VaultDrRaftPeer -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $RaftConfigPath
        $peers.Count | Should -Be 3
        $peers[0].PSObject.TypeNames[0] | Should -Be 'VaultDr.RaftPeer'
        ($peers | ForEach-Object { "$($_.NodeId) $($_.Address) $($_.Leader) $($_.Voter) $($_.ProtocolVersion)" }) | Should -Be @(
            'raft1 127.0.0.1:8201 True True 3', 'raft2 127.0.0.2:8201 False True 3', 'raft3 127.0.0.3:8201 False False 3')
    }

    It 'on a DR secondary: PUTs {"dr_operation_token":...} as list-peers -dr-token does' {
        $null = $stub.Respond('PUT', $RaftConfigPath, 200, $RaftSample)

        $peers = Get-VaultDrRaftPeer -Connection $connection -DrOperationToken $OpToken

        Assert-VaultRequest $stub.Requests[0] -Method PUT -Path $RaftConfigPath
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '"}')
        $peers.Count | Should -Be 3
    }
}

Describe 'Remove-VaultDrRaftPeer' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'reads the configuration once confirmed, then PUTs server_id with an empty dr_operation_token, as Vault''s CLI does' {
        $null = $stub.Respond('GET', $RaftConfigPath, 200, $RaftSample)
        $null = $stub.Respond('PUT', $RemovePath, 204)

        $output = Remove-VaultDrRaftPeer -Connection $connection -ServerId raft2 -Confirm:$false

        $output | Should -BeNullOrEmpty
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $RaftConfigPath", "PUT $RemovePath")
        Assert-VaultRequest $stub.Requests[1] -Method PUT -Path $RemovePath
        $stub.Requests[1].Body | Should -BeExactly '{"server_id":"raft2","dr_operation_token":""}'
    }

    It 'on a DR secondary: the DR operation token in both bodies; -PassThru returns the peers left' {
        $null = $stub.Respond('PUT', $RaftConfigPath, 200, $RaftSample, 1)
        $null = $stub.Respond('PUT', $RemovePath, 204)
        $null = $stub.Respond('PUT', $RaftConfigPath, 200, ($RaftSample -replace ',\{"address":"127\.0\.0\.3:8201"[^}]*\}', ''))

        $left = Remove-VaultDrRaftPeer raft3 -Connection $connection -DrOperationToken $OpToken -Confirm:$false -PassThru

        $stub.Requests[1].Body | Should -BeExactly ('{"server_id":"raft3","dr_operation_token":"' + $DrOperationTokenText + '"}')
        $stub.Requests | ForEach-Object { $_.JsonString('dr_operation_token') | Should -BeExactly $DrOperationTokenText }
        $left.NodeId | Should -Be @('raft1', 'raft2')
    }

    It 'refuses <Id> with <ErrorId>, having sent only the read' -ForEach @(
        @{ Id = 'raft1'; ErrorId = 'VaultDrRaftPeerIsLeader'; Category = 'InvalidOperation'; Message = "'raft1' is the Raft leader of *: VaultDr does not remove the leader. Nothing was removed.*" }
        @{ Id = 'raft9'; ErrorId = 'VaultDrUnknownRaftPeer'; Category = 'ObjectNotFound'; Message = "* lists no Raft peer 'raft9' (peers: 'raft1', 'raft2', 'raft3'). Nothing was removed.*" }
    ) {
        $null = $stub.Respond('GET', $RaftConfigPath, 200, $RaftSample)

        Remove-VaultDrRaftPeer -Connection $connection -ServerId $Id -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be "$ErrorId,VaultDr.Commands.RemoveVaultDrRaftPeerCommand"
        $failures[0].CategoryInfo.Category | Should -Be $Category
        $failures[0].Exception.Message | Should -BeLike $Message
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $RaftConfigPath")
    }

    It 'refuses the last voter with VaultDrLastRaftVoter' {
        $null = $stub.Respond('GET', $RaftConfigPath, 200, '{"data":{"config":{"servers":[{"node_id":"raft1","leader":false,"voter":true},{"node_id":"raft3","leader":false,"voter":false}]}}}')

        Remove-VaultDrRaftPeer -Connection $connection -ServerId raft1 -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrLastRaftVoter,VaultDr.Commands.RemoveVaultDrRaftPeerCommand'
        $stub.Requests.Count | Should -Be 1
    }

    It '-ServerId completes with the servers the cluster lists, but the leader, read only when Tab is pressed' {
        $null = $stub.Respond('PUT', $RaftConfigPath, 200, $RaftSample)
        $global:VaultDrCompletionConnection = $connection
        $global:VaultDrCompletionToken = $OpToken
        try {
            $line = 'Remove-VaultDrRaftPeer -Connection $VaultDrCompletionConnection -DrOperationToken $VaultDrCompletionToken -ServerId '
            $stub.Requests.Count | Should -Be 0
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        }
        finally { Remove-Variable -Scope Global VaultDrCompletionConnection, VaultDrCompletionToken }

        $completions.CompletionText | Should -Be @('raft2', 'raft3')
        $completions[0].ToolTip | Should -BeLike 'raft2: 127.0.0.2:8201, voter of *'
        $stub.Requests[0].ToString() | Should -Be "PUT $RaftConfigPath"
        $stub.Requests[0].JsonString('dr_operation_token') | Should -BeExactly $DrOperationTokenText
    }
}

Describe 'Get-VaultDrAutopilotState and Get-VaultDrAutopilotConfiguration' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'Get-VaultDrAutopilotState GETs the state with the Vault token and types every server' {
        $null = $stub.Respond('GET', $StatePath, 200, $StateSample)

        $state = Get-VaultDrAutopilotState -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $StatePath
        $state.PSObject.TypeNames[0] | Should -Be 'VaultDr.AutopilotState'
        $state.Healthy | Should -BeFalse
        $state.FailureTolerance | Should -Be 0
        $state.Leader | Should -Be 'raft1'
        $state.Voters | Should -Be @('raft1', 'raft2')
        $state.Servers[1].PSObject.TypeNames[0] | Should -Be 'VaultDr.AutopilotServer'
        $state.Servers[1].NodeStatus | Should -Be 'failed'
        $state.Servers[1].LastContact | Should -Be ([TimeSpan]::FromSeconds(123.5))
        $state.Servers[1].StableSince | Should -BeNullOrEmpty
        $state.Servers[0].StableSince | Should -Be ([DateTimeOffset]'2024-08-29T16:02:45.639829+02:00')
    }

    It '<Command> on a DR secondary sends the DR operation token as X-Vault-Token, and no body' -ForEach @(
        @{ Command = 'Get-VaultDrAutopilotState'; Path = '/v1/sys/storage/raft/autopilot/state' }
        @{ Command = 'Get-VaultDrAutopilotConfiguration'; Path = '/v1/sys/storage/raft/autopilot/configuration' }
    ) {
        $null = $stub.Respond('GET', $StatePath, 200, $StateSample)
        $null = $stub.Respond('GET', $ConfigPath, 200, $ConfigSample)

        & $Command -Connection $connection -DrOperationToken $OpToken | Should -Not -BeNullOrEmpty

        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $Path -TokenText $DrOperationTokenText
        $stub.Requests[0].Body | Should -BeNullOrEmpty
    }

    It 'Get-VaultDrAutopilotConfiguration reads the durations Vault writes as Go durations' {
        $null = $stub.Respond('GET', $ConfigPath, 200, $ConfigSample)

        $config = Get-VaultDrAutopilotConfiguration -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $ConfigPath
        $config.PSObject.TypeNames[0] | Should -Be 'VaultDr.AutopilotConfiguration'
        $config.DeadServerLastContactThreshold | Should -Be ([TimeSpan]::FromHours(24))
        $config.LastContactThreshold | Should -Be ([TimeSpan]::FromSeconds(10))
        $config.MaxTrailingLogs | Should -Be 1000
        $config.DisableUpgradeMigration | Should -BeTrue
    }
}

Describe 'Set-VaultDrAutopilotConfiguration' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'PUTs only the settings given, durations as Go durations; -PassThru reads the configuration back' {
        $null = $stub.Respond('PUT', $ConfigPath, 204)
        $null = $stub.Respond('GET', $ConfigPath, 200, $ConfigSample)

        $config = Set-VaultDrAutopilotConfiguration -Connection $connection -CleanupDeadServers $true -LastContactThreshold 10s -MinQuorum 3 -PassThru

        Assert-VaultRequest $stub.Requests[0] -Method PUT -Path $ConfigPath
        $stub.Requests[0].Body | Should -BeExactly '{"cleanup_dead_servers":true,"last_contact_threshold":"10s","min_quorum":3}'
        $config.MinQuorum | Should -Be 0
        $stub.Requests[1].ToString() | Should -Be "GET $ConfigPath"
    }

    It 'on a DR secondary: the DR operation token in the body, with the other settings' {
        $null = $stub.Respond('PUT', $ConfigPath, 204)

        Set-VaultDrAutopilotConfiguration -Connection $connection -DrOperationToken $OpToken -DeadServerLastContactThreshold '24h' `
            -ServerStabilizationTime ([TimeSpan]::FromSeconds(30)) -MaxTrailingLogs 500 -DisableUpgradeMigration $false

        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '","dead_server_last_contact_threshold":"86400s","max_trailing_logs":500,"server_stabilization_time":"30s","disable_upgrade_migration":false}')
    }

    It 'refuses to send nothing: VaultDrNoAutopilotSetting before any request' {
        { Set-VaultDrAutopilotConfiguration -Connection $connection -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrNoAutopilotSetting,VaultDr.Commands.SetVaultDrAutopilotConfigurationCommand'
        $stub.Requests.Count | Should -Be 0
    }
}

Describe 'Update-VaultDrPrimary -PrimaryClusterAddress' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'reads the status once, then POSTs update_primary_addrs with the DR operation token' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/update-primary', 204)

        Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress '10.0.0.2:8201', 'https://vault-a.example.com:8201' -Confirm:$false

        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $StatusPath", 'POST /v1/sys/replication/dr/secondary/update-primary')
        Assert-VaultRequest $stub.Requests[1] -Method POST -Path '/v1/sys/replication/dr/secondary/update-primary'
        $stub.Requests[1].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '","update_primary_addrs":["10.0.0.2:8201","https://vault-a.example.com:8201"]}')
    }

    It 'refuses a newly demoted secondary (it knows no primary) with VaultDrActivationTokenRequired, sending only the read' {
        $null = $stub.Respond('GET', $StatusPath, 200, '{"data":{"mode":"secondary","state":"idle","cluster_id":"c1","known_primary_cluster_addrs":null,"primaries":[],"primary_cluster_addr":"","secondary_id":""}}')

        Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress '10.0.0.2:8201' -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrActivationTokenRequired,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
        $failures[0].Exception.Message | Should -BeLike '*knows no primary*Nothing was sent. Point it at the new primary with one: New-VaultDrSecondaryToken*add -Force to send the addresses.'
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $StatusPath")
    }

    It '-Force sends the addresses without the status read: for a secondary whose primary was cleared' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/update-primary', 204)

        Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress '10.0.0.2:8201' -Force -Confirm:$false

        ($stub.Requests | ForEach-Object ToString) | Should -Be @('POST /v1/sys/replication/dr/secondary/update-primary')
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '","update_primary_addrs":["10.0.0.2:8201"]}')
    }

    It 'refuses an address that is neither host:port nor a URL, before any request' {
        { Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress 'vault-a' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrInvalidPrimaryClusterAddress,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
        $stub.Requests.Count | Should -Be 0
    }

    It 'is a parameter set of its own: no -ActivationToken, -ClearPrimary or -PrimaryApiAddress with it' {
        $sets = (Get-Command Update-VaultDrPrimary).Parameters['PrimaryClusterAddress'].ParameterSets.Keys | Sort-Object
        $sets | Should -Be @('PrimaryClusterAddressAddress', 'PrimaryClusterAddressConnection')
        foreach ($other in 'ActivationToken', 'ClearPrimary', 'PrimaryApiAddress', 'CAFile', 'CAPath') {
            (Get-Command Update-VaultDrPrimary).Parameters[$other].ParameterSets.Keys | Where-Object { $_ -in $sets } | Should -BeNullOrEmpty
        }
        { Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress '10.0.0.2:8201' -ClearPrimary -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
        $stub.Requests.Count | Should -Be 0
    }
}

Describe 'Invoke-VaultDrFailover -RemoveDeadPeers' {
    It '-WhatIf plans the peer check and the removal before the demote, and sends nothing' {
        $a = Start-StubVault
        $b = Start-StubVault
        try {
            $shares = [securestring[]]($KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ })
            $plan = Invoke-VaultDrFailover -Primary (New-StubConnection $a) -Secondary (New-StubConnection $b) -KeyShare $shares -RemoveDeadPeers -WhatIf

            $plan.Steps.Name[0..5] | Should -Be @(
                'Preflight: read both clusters and check the secondary can take over', 'Get a DR operation token on the secondary',
                "Check the secondary's Raft peers", "Remove the secondary's dead Raft voters", 'Demote the old primary', 'Promote the secondary')
            $plan.RaftPeersBefore | Should -BeNullOrEmpty
            ($a.Requests.Count + $b.Requests.Count) | Should -Be 0
        }
        finally { $a.Dispose(); $b.Dispose() }
    }
}
