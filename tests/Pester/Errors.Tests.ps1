BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:OpToken = ConvertTo-TestSecret $DrOperationTokenText
}

Describe 'Vault errors become ErrorRecords' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It '400 on a DR secondary: VaultDrInvalidRequest, InvalidArgument, with Vault''s text and the status' {
        $null = $stub.Respond('GET', $StatusPath, 400, '{"errors":["path disabled in replication DR secondary mode"]}')

        $output = Get-VaultDrStatus -Connection $connection -ErrorVariable failures -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrInvalidRequest,VaultDr.Commands.GetVaultDrStatusCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -BeLike '*path disabled in replication DR secondary mode*'
        $failures[0].Exception.Message | Should -BeLike '*400*'
        $failures[0].Exception.StatusCode | Should -Be 400
        $stub.Requests.Count | Should -Be 1
    }

    It '403: VaultDrPermissionDenied, PermissionDenied' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/enable', 403, '{"errors":["permission denied"]}')
        Enable-VaultDrPrimary -Connection $connection -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.EnableVaultDrPrimaryCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].Exception.Message | Should -BeLike '*permission denied*'
    }

    It '404 from open-source Vault: VaultDrNotFound, ObjectNotFound, saying enterprise-only' {
        $null = $stub.Respond('GET', $StatusPath, 404, '{"errors":["enterprise-only feature"]}')
        Get-VaultDrStatus -Connection $connection -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrNotFound,VaultDr.Commands.GetVaultDrStatusCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -BeLike '*enterprise-only feature*'
    }

    It '503 sealed: retried, then VaultDrUnavailable, ResourceUnavailable' {
        $null = $stub.Respond('GET', $StatusPath, 503, '{"errors":["Vault is sealed"]}', [int]::MaxValue, @{ 'Retry-After' = '0' })
        $retrying = New-VaultDrConnection -Address $stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 2

        Get-VaultDrStatus -Connection $retrying -ErrorVariable failures -ErrorAction SilentlyContinue

        $stub.Requests.Count | Should -Be 3
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrUnavailable,VaultDr.Commands.GetVaultDrStatusCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failures[0].Exception.Message | Should -BeLike '*Vault is sealed*'
    }

    It 'a read that recovers after a 503 returns the status' {
        $null = $stub.Respond('GET', $StatusPath, 503, '{"errors":["Vault is sealed"]}', 1, @{ 'Retry-After' = '0' })
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $retrying = New-VaultDrConnection -Address $stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 1
        (Get-VaultDrStatus -Connection $retrying).Mode | Should -Be 'primary'
        $stub.Requests.Count | Should -Be 2
    }

    It 'a 200 body listing errors is an error, not a result' {
        $null = $stub.Respond('GET', $StatusPath, 200, '{"errors":["something odd"]}')
        $output = Get-VaultDrStatus -Connection $connection -ErrorVariable failures -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrInvalidResponse,VaultDr.Commands.GetVaultDrStatusCommand'
    }

    It 'an error on one of two clusters still returns the other''s status' {
        $other = Start-StubVault
        try {
            $null = $stub.Respond('GET', $StatusPath, 403, '{"errors":["permission denied"]}')
            $null = $other.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
            $statuses = Get-VaultDrStatus -Connection $connection, (New-StubConnection $other) -ErrorVariable failures -ErrorAction SilentlyContinue
            @($statuses).Count | Should -Be 1
            $statuses.Mode | Should -Be 'secondary'
            $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.GetVaultDrStatusCommand'
            $failures[0].TargetObject | Should -Be $stub.BaseAddress
        } finally {
            $other.Dispose()
        }
    }

    It 'warnings in a 200 answer become warning records' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 200,
            '{"data":null,"warnings":["This cluster is being promoted to a replication primary.","second warning"]}')
        Invoke-VaultDrPromote -Connection $connection -DrOperationToken $OpToken -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 2
        $warnings[0].Message | Should -BeLike '*This cluster is being promoted to a replication primary.*'
        $warnings[1].Message | Should -BeLike '*second warning*'
    }

    It 'a namespace-configured connection sends no X-Vault-Namespace and warns once' {
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $namespaced = New-StubConnection $stub -Namespace 'team-a'

        $null = Get-VaultDrStatus -Connection $namespaced -WarningVariable first -WarningAction SilentlyContinue
        $null = Get-VaultDrStatus -Connection $namespaced -WarningVariable second -WarningAction SilentlyContinue

        $stub.Requests.Count | Should -Be 2
        $stub.Requests | ForEach-Object { $_.Header('X-Vault-Namespace') | Should -BeNullOrEmpty }
        $first.Count | Should -Be 1
        $first[0].Message | Should -BeLike "*Namespace 'team-a' is ignored*"
        $second.Count | Should -Be 0
    }
}

Describe 'Transport failures' {
    It 'connection refused: VaultDrConnectionRefused, ConnectionError' {
        $closed = Start-StubVault
        $address = $closed.BaseAddress.ToString()
        $closed.Dispose()
        $connection = New-VaultDrConnection -Address $address -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 0

        Get-VaultDrStatus -Connection $connection -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrConnectionRefused,VaultDr.Commands.GetVaultDrStatusCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failures[0].Exception.RequestMayHaveBeenProcessed | Should -BeFalse
    }
}

Describe 'Bad input is refused before any request' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach {
        $stub.Requests.Count | Should -Be 0 -Because 'nothing may be sent for bad input'
        $stub.Dispose()
    }

    It 'a blank -Id' {
        $thrown = { New-VaultDrSecondaryToken -Connection $connection -Id '  ' -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidId,VaultDr.Commands.NewVaultDrSecondaryTokenCommand'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown = { Revoke-VaultDrSecondary -Connection $connection -Id '  ' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidId,VaultDr.Commands.RevokeVaultDrSecondaryCommand'
    }

    It '-PrimaryClusterAddress that is not a URL' {
        $thrown = { Invoke-VaultDrPromote -Connection $connection -DrOperationToken $OpToken -PrimaryClusterAddress 'not a url' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidPrimaryClusterAddress,VaultDr.Commands.InvokeVaultDrPromoteCommand'
        $thrown = { Enable-VaultDrPrimary -Connection $connection -PrimaryClusterAddress 'not a url' -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidPrimaryClusterAddress,VaultDr.Commands.EnableVaultDrPrimaryCommand'
    }

    It 'an -Address that is not http(s)' {
        $thrown = { New-VaultDrConnection -Address 'ftp://x' -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidAddress,VaultDr.Commands.NewVaultDrConnectionCommand'
        $thrown = { Get-VaultDrStatus -Address 'ftp://x' -Token $OpToken -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidAddress,VaultDr.Commands.GetVaultDrStatusCommand'
    }

    It 'an expired activation token' {
        $expired = ConvertTo-TestSecret (New-TestActivationJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(-5)))
        $thrown = { Enable-VaultDrSecondary -Connection $connection -ActivationToken $expired -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrActivationTokenExpired,VaultDr.Commands.EnableVaultDrSecondaryCommand'
        $thrown = { Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -ActivationToken $expired -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrActivationTokenExpired,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
    }

    It 'a malformed activation JWT' {
        $malformed = ConvertTo-TestSecret 'eyJhbGciOiJFUzUxMiJ9.%%%not-base64%%%.sig'
        $thrown = { Enable-VaultDrSecondary -Connection $connection -ActivationToken $malformed -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidActivationToken,VaultDr.Commands.EnableVaultDrSecondaryCommand'
    }

    It 'an invalid key share' {
        $thrown = { Submit-VaultDrKeyShare -Connection $connection -Key (ConvertTo-TestSecret 'zz not hex or base64 !!') -Nonce $Nonce -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidKeyShare,VaultDr.Commands.SubmitVaultDrKeyShareCommand'
    }

    It '-Ttl banana is a parameter binding error that explains durations' {
        $thrown = { New-VaultDrSecondaryToken -Connection $connection -Id 'x' -Ttl 'banana' -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*NewVaultDrSecondaryTokenCommand'
        $thrown.Exception.Message | Should -BeLike '*duration*'
    }

    It 'Update-VaultDrPrimary with neither -ActivationToken nor -ClearPrimary: PowerShell cannot pick a parameter set' {
        $thrown = { Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'AmbiguousParameterSet,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
        $thrown.Exception.Message | Should -Match 'insufficient number of parameters'
        $stub.Requests.Count | Should -Be 0
    }

    It 'Update-VaultDrPrimary -Address with neither: the default set asks for the activation token' {
        $thrown = { Update-VaultDrPrimary -Address $stub.BaseAddress -Token (ConvertTo-TestSecret $VaultTokenText) -DrOperationToken $OpToken -Confirm:$false -ErrorAction Stop } |
            Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'MissingMandatoryParameter,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
        $thrown.Exception.Message | Should -Match 'ActivationToken'
        $stub.Requests.Count | Should -Be 0
    }

    It 'Update-VaultDrPrimary with both -ActivationToken and -ClearPrimary: no parameter set takes both' {
        $jwt = ConvertTo-TestSecret (New-TestActivationJwt)
        $thrown = { Update-VaultDrPrimary -Connection $connection -DrOperationToken $OpToken -ActivationToken $jwt -ClearPrimary -Confirm:$false -ErrorAction Stop } |
            Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'AmbiguousParameterSet,VaultDr.Commands.UpdateVaultDrPrimaryCommand'
        $stub.Requests.Count | Should -Be 0
    }

    It 'Invoke-VaultDrFailover with both -Planned and -Unplanned: no parameter set takes both' {
        $thrown = { Invoke-VaultDrFailover -Primary $connection -Secondary $connection -DrOperationToken $OpToken -Planned -Unplanned -Confirm:$false -ErrorAction Stop } |
            Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'AmbiguousParameterSet,VaultDr.Commands.InvokeVaultDrFailoverCommand'
        $stub.Requests.Count | Should -Be 0
    }

    It 'an empty DR operation token' {
        $thrown = { Invoke-VaultDrPromote -Connection $connection -DrOperationToken ([securestring]::new()) -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidDrOperationToken,VaultDr.Commands.InvokeVaultDrPromoteCommand'
    }
}
