# The maintenance cmdlets against the stub: the combined status, reindex (and -Wait), the Merkle check, recover, and a
# listener without replication status endpoints. What is sent (method, path, body, which token where), what comes back.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:OpToken = ConvertTo-TestSecret $DrOperationTokenText
    $script:MerkleSample = @'
{"request_id":"d4b2ad1a-6e5f-7f9e-edfe-558eb89a40e6","lease_id":"","lease_duration":0,"renewable":false,"data":{"merkle_corruption_report":{"corrupted_root":false,"corrupted_tree_map":{"1":{"corrupted_index_tuples_map":{"5":{"corrupted":false,"subpages":[28]}},"corrupted_subtree_root":false,"root_hash":"DyGc6rQTV9XgyNSff3zimhi3FJM=","tree_type":"replicated"},"2":{"corrupted_index_tuples_map":null,"corrupted_subtree_root":false,"root_hash":"EXmRTdfYCZTm5i9wLef9RQqyLCw=","tree_type":"local"}},"last_corruption_check_epoch":"2023-09-11T11:25:59.44956-07:00"}}}
'@
    $script:MerkleHealthy = '{"data":{"merkle_corruption_report":{"corrupted_root":false,"corrupted_tree_map":{"1":{"corrupted_index_tuples_map":null,"corrupted_subtree_root":false,"root_hash":"DyGc6rQTV9XgyNSff3zimhi3FJM=","tree_type":"replicated"}},"last_corruption_check_epoch":"2026-11-29T10:00:00Z"}}}'
    $script:PathDisabled = '{"errors":["path disabled in replication DR secondary mode"]}'
    function Get-StatusJson([hashtable] $Fields) { @{ data = @{ mode = 'primary'; state = 'running' } + $Fields } | ConvertTo-Json -Compress -Depth 4 }
}

Describe 'Get-VaultDrReplicationStatus' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'GETs sys/replication/status and returns both kinds, each read like Get-VaultDrStatus' {
        $null = $stub.Respond('GET', '/v1/sys/replication/status', 200, '{"data":{"dr":{"mode":"secondary","state":"stream-wals","last_remote_wal":223,"last_reindex_epoch":"1709564746","last_corruption_check_epoch":"-62135596800"},"performance":{"mode":"disabled"}}}')

        $status = Get-VaultDrReplicationStatus -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method GET -Path '/v1/sys/replication/status'
        $status.PSObject.TypeNames[0] | Should -Be 'VaultDr.ReplicationStatus'
        $status.Dr.PSObject.TypeNames[0] | Should -Be 'VaultDr.DrStatus'
        $status.Dr.Mode | Should -Be 'secondary'
        $status.Dr.LastRemoteWal | Should -Be 223
        $status.Dr.LastReindex | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1709564746))
        $status.Dr.LastCorruptionCheck | Should -BeNullOrEmpty
        $status.Performance.Mode | Should -Be 'disabled'
        $status.Address | Should -Be $stub.BaseAddress
    }
}

Describe 'A listener with disable_replication_status_endpoints' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It '<Command> fails with VaultDrStatusEndpointsDisabled, naming the listener option and another listener' -ForEach @(
        @{ Command = 'Get-VaultDrStatus'; Path = '/v1/sys/replication/dr/status'; Class = 'GetVaultDrStatusCommand' }
        @{ Command = 'Get-VaultDrReplicationStatus'; Path = '/v1/sys/replication/status'; Class = 'GetVaultDrReplicationStatusCommand' }
    ) {
        $null = $stub.Respond('GET', $Path, 404, '{"errors":["disabled path"]}')

        & $Command -Connection $connection -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be "VaultDrStatusEndpointsDisabled,VaultDr.Commands.$Class"
        $failures[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failures[0].Exception.Message | Should -BeLike '*disable_replication_status_endpoints*'
        $failures[0].Exception.Message | Should -BeLike '*another listener of the same cluster*'
        $stub.Requests.Count | Should -Be 1
    }

    It 'Start-VaultDrReindex -Wait stops at its first status read: the reindex is not sent' {
        $null = $stub.Respond('GET', $StatusPath, 404, '{"errors":["disabled path"]}')

        Start-VaultDrReindex -Connection $connection -Wait -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrStatusEndpointsDisabled,VaultDr.Commands.StartVaultDrReindexCommand'
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $StatusPath")
    }
}

Describe 'Start-VaultDrReindex' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'POSTs {} to sys/replication/reindex with the Vault token, and returns nothing' {
        $null = $stub.Respond('POST', '/v1/sys/replication/reindex', 200, '{"warnings":["Reindex started"],"data":null}')

        $output = Start-VaultDrReindex -Connection $connection -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/reindex'
        $stub.Requests[0].Body | Should -BeExactly '{}'
        $warnings.Message | Should -BeLike '*Reindex started*'
    }

    It '-Diff -Force -SkipFlush send their flags, and -SkipFlush warns' {
        $null = $stub.Respond('POST', '/v1/sys/replication/reindex', 204)

        Start-VaultDrReindex -Connection $connection -Diff -Force -SkipFlush -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $stub.Requests[0].Body | Should -BeExactly '{"diff":true,"force":true,"skip_flush":true}'
        $warnings.Message | Should -BeLike '*another reindex may be needed*'
    }

    It 'on a DR secondary: POSTs to dr/secondary/reindex with the DR operation token in the body' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/reindex', 204)

        Start-VaultDrReindex -Connection $connection -DrOperationToken $OpToken -Diff -Confirm:$false

        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/reindex'
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '","diff":true}')
    }

    It 'takes the DR operation token from a piped OperationToken' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/reindex', 204)

        Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret $OtpText) | Start-VaultDrReindex -Connection $connection -Confirm:$false

        $stub.Requests[0].JsonString('dr_operation_token') | Should -BeExactly $DrOperationTokenText
    }

    It '-Wait reads the status before, follows the reindex through its stages, and returns the status it ended with' {
        $null = $stub.Respond('GET', $StatusPath, 200, (Get-StatusJson @{ last_reindex_epoch = '0' }), 1)
        $null = $stub.Respond('POST', '/v1/sys/replication/reindex', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, (Get-StatusJson @{ last_reindex_epoch = '0'; reindex_in_progress = $true; reindex_stage = 'scanning' }), 1)
        $null = $stub.Respond('GET', $StatusPath, 200, (Get-StatusJson @{ last_reindex_epoch = '0'; reindex_in_progress = $true; reindex_stage = 'building'; reindex_building_progress = 26838; reindex_building_total = 305443 }), 1)
        $null = $stub.Respond('GET', $StatusPath, 200, (Get-StatusJson @{ last_reindex_epoch = '1764410000' }), 1)

        $status = Start-VaultDrReindex -Connection $connection -Wait -Confirm:$false

        $status.PSObject.TypeNames[0] | Should -Be 'VaultDr.DrStatus'
        $status.LastReindex | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1764410000))
        $status.ReindexInProgress | Should -BeNullOrEmpty
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $StatusPath", 'POST /v1/sys/replication/reindex', "GET $StatusPath", "GET $StatusPath", "GET $StatusPath")
    }

    It '-Wait gives up after -TimeoutSec with VaultDrReindexTimeout: the reindex goes on' {
        $null = $stub.Respond('GET', $StatusPath, 200, (Get-StatusJson @{ last_reindex_epoch = '0' }), 1)
        $null = $stub.Respond('POST', '/v1/sys/replication/reindex', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, (Get-StatusJson @{ reindex_in_progress = $true; reindex_stage = 'building'; reindex_building_progress = 1; reindex_building_total = 10 }))

        Start-VaultDrReindex -Connection $connection -Wait -TimeoutSec 1 -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrReindexTimeout,VaultDr.Commands.StartVaultDrReindexCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failures[0].Exception.Message | Should -BeLike '*stage building: 1 of 10 keys*It goes on in Vault*'
    }

    It 'on a DR secondary without -DrOperationToken: VaultDrWrongRole says to add it' {
        $null = $stub.Respond('POST', '/v1/sys/replication/reindex', 400, $PathDisabled)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)

        Start-VaultDrReindex -Connection $connection -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrWrongRole,VaultDr.Commands.StartVaultDrReindexCommand'
        $failures[0].Exception.Message | Should -BeLike 'Start-VaultDrReindex needs a cluster that is not a DR secondary, but * is a DR secondary. A DR secondary takes a DR operation token instead of a Vault token: add -DrOperationToken*'
    }

    It 'with -DrOperationToken on a primary: VaultDrWrongRole says to leave it out' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/reindex', 400, '{"errors":["Not a DR secondary."]}')
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)

        Start-VaultDrReindex -Connection $connection -DrOperationToken $OpToken -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrWrongRole,VaultDr.Commands.StartVaultDrReindexCommand'
        $failures[0].Exception.Message | Should -BeLike '*needs a DR secondary, but * is a DR primary. -DrOperationToken is for a DR secondary: run it again without -DrOperationToken*'
    }
}

Describe 'Invoke-VaultDrMerkleCheck' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'POSTs {} to sys/replication/merkle-check and returns the typed report of HashiCorp''s sample, with a warning and what to do' {
        $null = $stub.Respond('POST', '/v1/sys/replication/merkle-check', 200, $MerkleSample)

        $report = Invoke-VaultDrMerkleCheck -Connection $connection -WarningVariable warnings -WarningAction SilentlyContinue

        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/merkle-check'
        $stub.Requests[0].Body | Should -BeExactly '{}'
        $report.PSObject.TypeNames[0] | Should -Be 'VaultDr.MerkleCorruptionReport'
        $report.Healthy | Should -BeFalse
        $report.IsDrSecondary | Should -BeFalse
        $report.Replicated.TreeType | Should -Be 'replicated'
        $report.Replicated.Corrupted | Should -BeTrue
        $report.Replicated.CorruptedPages[0].Page | Should -Be 5
        $report.Replicated.CorruptedPages[0].Subpages | Should -Be @(28)
        $report.Local.Corrupted | Should -BeFalse
        $report.LastCorruptionCheck | Should -Be ([DateTimeOffset]'2023-09-11T11:25:59.44956-07:00')
        $report.Recommendation | Should -BeLike 'The replicated Merkle tree of * is corrupt. Reindex this cluster (Start-VaultDrReindex -Connection <*>)*'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -Be "Merkle tree corruption on $connection. $($report.Recommendation)"
    }

    It 'on a DR secondary: POSTs the DR operation token to dr/secondary/merkle-check; a healthy report warns of nothing' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/merkle-check', 200, $MerkleHealthy)

        $report = Invoke-VaultDrMerkleCheck -Connection $connection -DrOperationToken $OpToken -WarningVariable warnings

        $stub.Requests[0].Path | Should -Be '/v1/sys/replication/dr/secondary/merkle-check'
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '"}')
        $report.IsDrSecondary | Should -BeTrue
        $report.Healthy | Should -BeTrue
        $report.Recommendation | Should -BeLike '*do not reindex for this. Check its primary too*'
        $warnings | Should -BeNullOrEmpty
    }
}

Describe 'Repair-VaultDrReplication' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'POSTs {} to sys/replication/recover, and -PassThru returns the status read afterwards' {
        $null = $stub.Respond('POST', '/v1/sys/replication/recover', 200, '{"warnings":["recovery started"],"data":null}')
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)

        $status = Repair-VaultDrReplication -Connection $connection -PassThru -WarningAction SilentlyContinue

        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/recover'
        $stub.Requests[0].Body | Should -BeExactly '{}'
        $status.Mode | Should -Be 'primary'
    }

    It 'on a DR secondary: POSTs the DR operation token to dr/secondary/recover' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/recover', 204)

        $output = Repair-VaultDrReplication -Connection $connection -DrOperationToken $OpToken

        $output | Should -BeNullOrEmpty
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/recover'
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '"}')
    }

    It 'is Medium impact: it runs without -Confirm:$false in a session that cannot prompt' {
        $null = $stub.Respond('POST', '/v1/sys/replication/recover', 204)
        Repair-VaultDrReplication -Connection $connection
        $stub.Requests.Count | Should -Be 1
    }
}
