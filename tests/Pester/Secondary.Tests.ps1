BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:OpToken = ConvertTo-TestSecret $DrOperationTokenText
}

Describe 'Secondary-side changes' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'New-VaultDrSecondaryPublicKey POSTs {} and returns the key' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/generate-public-key', 200, '{"data":{"secondary_public_key":"pk-123abc"}}')

        $key = New-VaultDrSecondaryPublicKey -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/generate-public-key'
        $stub.Requests[0].Body | Should -Be '{}'
        $key.PSObject.TypeNames[0] | Should -Be 'VaultDr.SecondaryPublicKey'
        $key.PublicKey | Should -Be 'pk-123abc'
        $key.Address | Should -Be $stub.BaseAddress
    }

    It 'Enable-VaultDrSecondary POSTs the activation token and the optional fields' {
        $jwt = New-TestActivationJwt
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/enable', 200,
            '{"data":null,"warnings":["Vault has successfully found secondary information; it may take a while to perform setup tasks. Vault will be unavailable until these tasks and initial sync complete."]}')

        $output = Enable-VaultDrSecondary -Connection $connection -ActivationToken (ConvertTo-TestSecret $jwt) `
            -PrimaryApiAddress 'https://vault-a.example.com:8200' -CAFile '/etc/vault/ca.pem' -CAPath '/etc/vault/ca.d' `
            -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/enable'
        $body = Get-RequestBody $stub.Requests[0]
        $body.Keys | Sort-Object | Should -Be @('ca_file', 'ca_path', 'primary_api_addr', 'token')
        $body.token | Should -BeExactly $jwt
        $body.primary_api_addr | Should -Be 'https://vault-a.example.com:8200'
        $body.ca_file | Should -Be '/etc/vault/ca.pem'
        $body.ca_path | Should -Be '/etc/vault/ca.d'
        $warnings.Message | Should -BeLike '*successfully found secondary information*'
    }

    It 'Enable-VaultDrSecondary sends only the token by default, and -PassThru returns the status' {
        $jwt = New-TestActivationJwt
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/enable', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)

        $status = Enable-VaultDrSecondary -Connection $connection -ActivationToken (ConvertTo-TestSecret $jwt) -Confirm:$false -PassThru

        $stub.Requests[0].Body | Should -BeExactly ('{"token":"' + $jwt + '"}')
        $status.Mode | Should -Be 'secondary'
    }

    It 'Invoke-VaultDrPromote POSTs the DR operation token' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 200,
            '{"progress":0,"required":1,"complete":false,"data":{"complete":false,"progress":0,"required":1},"warnings":null}')

        $output = Invoke-VaultDrPromote -Connection $connection -DrOperationToken $OpToken -Confirm:$false

        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/promote'
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '"}')
    }

    It 'Invoke-VaultDrPromote -Force sends force:true and primary_cluster_addr, and warns' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)

        Invoke-VaultDrPromote -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress 'https://lb.example.com:8201' `
            -Force -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        $body = Get-RequestBody $stub.Requests[0]
        $body.force | Should -BeOfType [bool]
        $body.force | Should -BeTrue
        $body.primary_cluster_addr | Should -Be 'https://lb.example.com:8201'
        $body.dr_operation_token | Should -BeExactly $DrOperationTokenText
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike '*force=true*'
    }

    It 'Invoke-VaultDrPromote -PassThru returns the status read afterwards' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $status = Invoke-VaultDrPromote -Connection $connection -DrOperationToken $OpToken -Confirm:$false -PassThru
        $status.PSObject.TypeNames[0] | Should -Be 'VaultDr.DrStatus'
        $status.Mode | Should -Be 'primary'
        $stub.Requests[1].ToString() | Should -Be "GET $StatusPath"
    }

    It 'Disable-VaultDrSecondary POSTs the DR operation token' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/disable', 204)
        $output = Disable-VaultDrSecondary -Connection $connection -DrOperationToken $OpToken -Confirm:$false
        $output | Should -BeNullOrEmpty
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/disable'
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '"}')
    }

    It 'Update-VaultDrPrimary -ActivationToken sends the operation token, the activation token and the optional fields' {
        $jwt = New-TestActivationJwt
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/update-primary', 204)

        $output = Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -ActivationToken (ConvertTo-TestSecret $jwt) `
            -PrimaryApiAddress 'https://vault-b.example.com:8200' -CAFile '/ca.pem' -CAPath '/ca.d' -Confirm:$false

        $output | Should -BeNullOrEmpty
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/update-primary'
        $body = Get-RequestBody $stub.Requests[0]
        $body.Keys | Sort-Object | Should -Be @('ca_file', 'ca_path', 'dr_operation_token', 'primary_api_addr', 'token')
        $body.dr_operation_token | Should -BeExactly $DrOperationTokenText
        $body.token | Should -BeExactly $jwt
        $body.primary_api_addr | Should -Be 'https://vault-b.example.com:8200'
        $body.ca_file | Should -Be '/ca.pem'
        $body.ca_path | Should -Be '/ca.d'
    }

    It 'Update-VaultDrPrimary -ClearPrimary sends an empty token' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/update-primary', 204)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)

        $status = Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -ClearPrimary -Confirm:$false -PassThru

        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '","token":""}')
        $status.Mode | Should -Be 'secondary'
    }
}

Describe 'Pipelines between clusters' {
    BeforeEach {
        $primaryStub = Start-StubVault
        $secondaryStub = Start-StubVault
        $pri = New-StubConnection $primaryStub
        $sec = New-StubConnection $secondaryStub -TokenText 'hvs.SecondaryClusterTokenPester77'
    }
    AfterEach {
        $primaryStub.Dispose()
        $secondaryStub.Dispose()
    }

    It 'New-VaultDrSecondaryToken | Enable-VaultDrSecondary sends the wrapped token to the secondary' {
        $jwt = New-TestActivationJwt -PrimaryAddress $primaryStub.BaseAddress.ToString()
        $null = $primaryStub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer $jwt))
        $null = $secondaryStub.Respond('POST', '/v1/sys/replication/dr/secondary/enable', 204)

        New-VaultDrSecondaryToken -Connection $pri -Id 'dr-1' | Enable-VaultDrSecondary -Connection $sec -Confirm:$false

        $primaryStub.Requests.Count | Should -Be 1
        $primaryStub.Requests[0].Body | Should -Be '{"id":"dr-1","ttl":"1800s"}'
        $secondaryStub.Requests.Count | Should -Be 1
        Assert-VaultRequest $secondaryStub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/enable' -TokenText 'hvs.SecondaryClusterTokenPester77'
        $secondaryStub.Requests[0].JsonString('token') | Should -BeExactly $jwt
    }

    It 'New-VaultDrSecondaryToken | Update-VaultDrPrimary sends the activation token' {
        $jwt = New-TestActivationJwt
        $null = $primaryStub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer $jwt))
        $null = $secondaryStub.Respond('POST', '/v1/sys/replication/dr/secondary/update-primary', 204)

        New-VaultDrSecondaryToken -Connection $pri -Id 'dr-1' | Update-VaultDrPrimary -Connection $sec -DrOperationToken $OpToken -Confirm:$false

        $secondaryStub.Requests[0].JsonString('token') | Should -BeExactly $jwt
        $secondaryStub.Requests[0].JsonString('dr_operation_token') | Should -BeExactly $DrOperationTokenText
    }

    It 'New-VaultDrSecondaryPublicKey | New-VaultDrSecondaryToken sends secondary_public_key' {
        $null = $secondaryStub.Respond('POST', '/v1/sys/replication/dr/secondary/generate-public-key', 200, '{"data":{"secondary_public_key":"pk-from-secondary"}}')
        $null = $primaryStub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, '{"data":{"token":"encrypted-for-pk"}}')

        $token = New-VaultDrSecondaryPublicKey -Connection $sec | New-VaultDrSecondaryToken -Connection $pri -Id 'dr-2'

        $primaryStub.Requests.Count | Should -Be 1
        $body = Get-RequestBody $primaryStub.Requests[0]
        $body.id | Should -Be 'dr-2'
        $body.secondary_public_key | Should -Be 'pk-from-secondary'
        $token.IsEncrypted | Should -BeTrue
    }

    It 'an OperationToken piped into Invoke-VaultDrPromote binds -DrOperationToken' {
        $null = $secondaryStub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)
        $operationToken = Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret $OtpText)
        $operationToken.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'

        $operationToken | Invoke-VaultDrPromote -Connection $sec -Confirm:$false

        $secondaryStub.Requests.Count | Should -Be 1
        $secondaryStub.Requests[0].JsonString('dr_operation_token') | Should -BeExactly $DrOperationTokenText
    }

    It 'an OperationToken piped into Revoke-VaultDrOperationToken and Disable-VaultDrSecondary binds -DrOperationToken' {
        $null = $secondaryStub.Respond('POST', '/v1/sys/replication/dr/secondary/operation-token/delete', 204)
        $null = $secondaryStub.Respond('POST', '/v1/sys/replication/dr/secondary/disable', 204)
        $operationToken = Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret $OtpText)

        $operationToken | Disable-VaultDrSecondary -Connection $sec -Confirm:$false
        $operationToken | Revoke-VaultDrOperationToken -Connection $sec

        ($secondaryStub.Requests | ForEach-Object ToString) | Should -Be @(
            'POST /v1/sys/replication/dr/secondary/disable'
            'POST /v1/sys/replication/dr/secondary/operation-token/delete')
        $secondaryStub.Requests | ForEach-Object { $_.JsonString('dr_operation_token') | Should -BeExactly $DrOperationTokenText }
    }
}
