BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Get-VaultDrStatus' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'GETs dr/status with the token and returns a typed primary status' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)

        $status = Get-VaultDrStatus -Connection $connection

        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $StatusPath
        $stub.Requests[0].Body | Should -BeNullOrEmpty
        $status.PSObject.TypeNames[0] | Should -Be 'VaultDr.DrStatus'
        $status.Mode | Should -Be 'primary'
        $status.IsPrimary | Should -BeTrue
        $status.State | Should -Be 'running'
        $status.ClusterId | Should -Be 'd4095d41-3aee-8791-c421-9bc7f88f7c3e'
        $status.LastWal | Should -Be 241
        $status.MerkleRoot | Should -Be '56794a98e52598f35974024fba6691f047e772e9'
        $status.KnownSecondaries | Should -Be @('3')
        $status.Secondaries.Count | Should -Be 1
        $status.Secondaries[0].PSObject.TypeNames[0] | Should -Be 'VaultDr.DrPeer'
        $status.Secondaries[0].NodeId | Should -Be '3'
        $status.Secondaries[0].ApiAddress | Should -Be 'https://127.0.0.1:49264'
        $status.Secondaries[0].IsConnected | Should -BeTrue
        $status.Secondaries[0].ClockSkewMs | Should -Be 12
        $status.Secondaries[0].LastHeartbeat | Should -Be ([datetimeoffset]'2020-06-10T15:40:47-07:00')
        $status.Raw['future_field'] | Should -Be 'kept'
        $status.Address | Should -Be $stub.BaseAddress
    }

    It 'returns a typed secondary status' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)

        $status = Get-VaultDrStatus -Connection $connection

        $status.Mode | Should -Be 'secondary'
        $status.IsSecondary | Should -BeTrue
        $status.State | Should -Be 'stream-wals'
        $status.LastRemoteWal | Should -Be 241
        $status.SecondaryId | Should -Be '3'
        $status.PrimaryClusterAddr | Should -Be 'https://127.0.0.1:8201'
        $status.KnownPrimaryClusterAddrs | Should -Be @('https://127.0.0.1:8201')
        $status.Primaries[0].ClusterAddress | Should -Be 'https://127.0.0.1:8201'
        $status.Primaries[0].ConnectionStatus | Should -Be 'connected'
    }

    It 'reads a disabled cluster' {
        $null = $stub.Respond('GET', $StatusPath, 200, '{"data":{"mode":"disabled"}}')
        $status = Get-VaultDrStatus -Connection $connection
        $status.Mode | Should -Be 'disabled'
        $status.IsPrimary | Should -BeFalse
        $status.Secondaries.Count | Should -Be 0
    }

    It 'works with -Address and -Token instead of a connection' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $status = Get-VaultDrStatus -Address $stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret 'hvs.AdHocTokenForThisTestOnly1234')
        $status.Mode | Should -Be 'primary'
        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $StatusPath -TokenText 'hvs.AdHocTokenForThisTestOnly1234'
    }

    It 'takes a connection from the pipeline' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $status = $connection | Get-VaultDrStatus
        $status.Mode | Should -Be 'primary'
        $stub.Requests.Count | Should -Be 1
    }

    It 'takes an object with a Connection property from the pipeline' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $status = [pscustomobject]@{ Connection = $connection; Other = 'x' } | Get-VaultDrStatus
        $status.Mode | Should -Be 'primary'
        $stub.Requests.Count | Should -Be 1
    }
}

Describe 'Get-VaultDrStatus with two clusters' {
    BeforeAll {
        $stubA = Start-StubVault
        $stubB = Start-StubVault
    }
    AfterAll {
        $stubA.Dispose()
        $stubB.Dispose()
    }

    It 'returns one status per connection, in the order given' {
        # The first answers slowly, so an order taken from completion would come out reversed.
        $null = $stubA.Delay('GET', $StatusPath, [timespan]::FromMilliseconds(300), 200, $StatusPrimaryJson)
        $null = $stubB.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
        $a = New-StubConnection $stubA
        $b = New-StubConnection $stubB -TokenText 'hvs.SecondClusterTokenForPester99'

        $statuses = Get-VaultDrStatus -Connection $a, $b

        $statuses.Count | Should -Be 2
        $statuses[0].Mode | Should -Be 'primary'
        $statuses[0].Address | Should -Be $stubA.BaseAddress
        $statuses[1].Mode | Should -Be 'secondary'
        $statuses[1].Address | Should -Be $stubB.BaseAddress
        Assert-VaultRequest $stubB.Requests[0] -Method GET -Path $StatusPath -TokenText 'hvs.SecondClusterTokenForPester99'
    }
}

Describe 'Primary-side changes' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'Enable-VaultDrPrimary POSTs {} and returns nothing' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/enable', 204)

        $output = Enable-VaultDrPrimary -Connection $connection

        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/primary/enable'
        $stub.Requests[0].Body | Should -Be '{}'
    }

    It 'Enable-VaultDrPrimary -PrimaryClusterAddress sends primary_cluster_addr' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/enable', 204)
        Enable-VaultDrPrimary -Connection $connection -PrimaryClusterAddress 'https://lb.example.com:8201'
        $body = Get-RequestBody $stub.Requests[0]
        $body.Keys | Should -Be @('primary_cluster_addr')
        $body.primary_cluster_addr | Should -Be 'https://lb.example.com:8201'
    }

    It 'Enable-VaultDrPrimary -PassThru reads and returns the status after the change' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/enable', 200,
            '{"data":null,"warnings":["This cluster is being enabled as a primary for replication. Vault will be unavailable for a brief period and will resume service shortly."]}')
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)

        $output = Enable-VaultDrPrimary -Connection $connection -PassThru -WarningVariable warnings -WarningAction SilentlyContinue

        $stub.Requests.Count | Should -Be 2
        $stub.Requests[1].Method | Should -Be 'GET'
        $stub.Requests[1].Path | Should -Be $StatusPath
        @($output).Count | Should -Be 1
        $output.PSObject.TypeNames[0] | Should -Be 'VaultDr.DrStatus'
        $output.Mode | Should -Be 'primary'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike '*being enabled as a primary*'
    }

    It 'Invoke-VaultDrDemote POSTs {} to primary/demote' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/demote', 204)
        $output = Invoke-VaultDrDemote -Connection $connection -Confirm:$false
        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/primary/demote'
        $stub.Requests[0].Body | Should -Be '{}'
    }

    It 'Invoke-VaultDrDemote -PassThru returns the status read afterwards' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/demote', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
        $output = Invoke-VaultDrDemote -Connection $connection -Confirm:$false -PassThru
        $output.Mode | Should -Be 'secondary'
        ($stub.Requests | ForEach-Object ToString) | Should -Be @('POST /v1/sys/replication/dr/primary/demote', "GET $StatusPath")
    }

    It 'Disable-VaultDrPrimary POSTs {} to primary/disable' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/disable', 204)
        $output = Disable-VaultDrPrimary -Connection $connection -Confirm:$false
        $output | Should -BeNullOrEmpty
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/primary/disable'
        $stub.Requests[0].Body | Should -Be '{}'
    }

    It 'Revoke-VaultDrSecondary reads the status, finds the id among known_secondaries, then POSTs {"id":...}' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson.Replace('"known_secondaries":["3"]', '"known_secondaries":["3","us-east"]'))
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/revoke-secondary', 204)
        $output = Revoke-VaultDrSecondary -Connection $connection -Id 'us-east' -Confirm:$false
        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 2
        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $StatusPath
        Assert-VaultRequest $stub.Requests[1] -Method POST -Path '/v1/sys/replication/dr/primary/revoke-secondary'
        $stub.Requests[1].Body | Should -Be '{"id":"us-east"}'
    }

    It 'Revoke-VaultDrSecondary -Force skips the check: one POST' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/revoke-secondary', 204)
        Revoke-VaultDrSecondary -Connection $connection -Id 'gone-already' -Force -Confirm:$false
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/primary/revoke-secondary'
        $stub.Requests[0].Body | Should -Be '{"id":"gone-already"}'
    }

    It 'Revoke-VaultDrSecondary of an id the primary does not list: ObjectNotFound, the known ids, nothing POSTed' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $err = { Revoke-VaultDrSecondary -Connection $connection -Id 'us-eats' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrUnknownSecondaryId,VaultDr.Commands.RevokeVaultDrSecondaryCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -BeLike "*lists no DR secondary 'us-eats' (known: '3'). Nothing was revoked.*"
        @($stub.Requests | Where-Object Method -eq 'POST').Count | Should -Be 0
    }

    It 'Revoke-VaultDrSecondary -PassThru returns the status' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/revoke-secondary', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        (Revoke-VaultDrSecondary -Connection $connection -Id '3' -Confirm:$false -PassThru).Mode | Should -Be 'primary'
    }
}

Describe 'New-VaultDrSecondaryToken' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
        $expires = [datetimeoffset]::FromUnixTimeSeconds([datetimeoffset]::UtcNow.AddMinutes(30).ToUnixTimeSeconds())
        $jwt = New-TestActivationJwt -ExpiresAt $expires -PrimaryAddress 'https://vault-a.example.com:8200'
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer $jwt))
    }
    AfterEach { $stub.Dispose() }

    It 'sends id and a default ttl of 1800s and returns a typed token' {
        $token = New-VaultDrSecondaryToken -Connection $connection -Id 'us-east'

        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/primary/secondary-token'
        $stub.Requests[0].Body | Should -Be '{"id":"us-east","ttl":"1800s"}'
        $token.PSObject.TypeNames[0] | Should -Be 'VaultDr.SecondaryActivationToken'
        $token.Id | Should -Be 'us-east'
        $token.ActivationToken | Should -BeOfType [securestring]
        ConvertFrom-TestSecret $token.ActivationToken | Should -BeExactly $jwt
        $token.Ttl | Should -Be ([timespan]::FromSeconds(1800))
        $token.PrimaryApiAddress | Should -Be 'https://vault-a.example.com:8200'
        $token.ExpiresAt | Should -Be $expires
        $token.CreationTime | Should -Be ([datetimeoffset]'2026-01-10T14:41:00.56961496-04:00')
        $token.IsEncrypted | Should -BeFalse
        $token.Address | Should -Be $stub.BaseAddress
    }

    It 'sends ttl 3600s for -Ttl 1h' {
        $null = New-VaultDrSecondaryToken -Connection $connection -Id 'us-east' -Ttl 1h
        (Get-RequestBody $stub.Requests[0]).ttl | Should -Be '3600s'
    }

    It 'accepts a TimeSpan and a number of seconds for -Ttl' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer $jwt))
        $null = New-VaultDrSecondaryToken -Connection $connection -Id 'a' -Ttl ([timespan]::FromMinutes(5))
        $null = New-VaultDrSecondaryToken -Connection $connection -Id 'b' -Ttl 90
        (Get-RequestBody $stub.Requests[0]).ttl | Should -Be '300s'
        (Get-RequestBody $stub.Requests[1]).ttl | Should -Be '90s'
    }

    It '-AsPlainText returns the token string' {
        $plain = New-VaultDrSecondaryToken -Connection $connection -Id 'us-east' -AsPlainText
        $plain | Should -BeOfType [string]
        $plain | Should -BeExactly $jwt
    }

    It '-SecondaryPublicKey sends secondary_public_key and returns the encrypted token from data.token' {
        $stub.Dispose()
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, '{"data":{"token":"encrypted-activation-blob-0001"},"wrap_info":null}')

        $token = New-VaultDrSecondaryToken -Connection $connection -Id 'us-west' -SecondaryPublicKey 'pubkey-abc'

        $body = Get-RequestBody $stub.Requests[0]
        $body.id | Should -Be 'us-west'
        $body.secondary_public_key | Should -Be 'pubkey-abc'
        $token.IsEncrypted | Should -BeTrue
        ConvertFrom-TestSecret $token.ActivationToken | Should -Be 'encrypted-activation-blob-0001'
    }
}
