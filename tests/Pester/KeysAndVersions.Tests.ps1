# Whose keys and which Vault version, against the stub server: exactly what is sent, what comes back, and the full
# error id and category of each refusal. KeysAndVersionsLab.Tests.ps1 does the same against the lab.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    $script:Shares = $KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ }
    $script:SealStatusPath = '/v1/sys/seal-status'
    $script:HealthPath = '/v1/sys/health'
    $script:RecoveryRefusal = 'root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values'
    $script:AutoUnsealJson = '{"type":"awskms","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"nonce":"","version":"1.17.0+ent","migration":false,"cluster_name":"vault-b","cluster_id":"d4095d41","recovery_seal":true,"recovery_seal_type":"shamir","storage_type":"raft"}'
    $script:ShamirJson = '{"type":"shamir","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"nonce":"","version":"1.17.0+ent","recovery_seal":false,"storage_type":"raft"}'
    $script:NotStartedJson = '{"started":false,"nonce":"","progress":0,"required":3,"encoded_token":"","pgp_fingerprint":"","complete":false,"otp_length":28}'
    $script:StartedJson = '{"started":true,"nonce":"' + $Nonce + '","progress":0,"required":3,"encoded_token":"","otp":"' + $OtpText + '","otp_length":28,"complete":false}'

    function Add-RefusedCeremony($Stub, [string] $Refusal, [string] $SealJson) {
        <# A ceremony whose third share makes Vault refuse the set; then the reads that say whose keys. #>
        $null = $Stub.Respond('GET', $AttemptPath, 200, $NotStartedJson, 1)
        $null = $Stub.Respond('PUT', $AttemptPath, 200, $StartedJson, 1)
        foreach ($progress in 1, 2) {
            $null = $Stub.Respond('PUT', $UpdatePath, 200, ('{"started":true,"nonce":"' + $Nonce + '","progress":' + $progress + ',"required":3,"complete":false}'), 1)
        }
        $null = $Stub.Respond('PUT', $UpdatePath, 400, (@{ errors = @($Refusal) } | ConvertTo-Json -Compress), 1)
        $null = $Stub.Respond('DELETE', $AttemptPath, 204, $null, 1)
        if ($SealJson) { $null = $Stub.Respond('GET', $SealStatusPath, 200, $SealJson) }
        else { $null = $Stub.Respond('GET', $SealStatusPath, 500, '{"errors":["internal error"]}') }
        $null = $Stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
    }

    function Get-Sent($Stub) { @($Stub.Requests | ForEach-Object ToString) }
}

Describe 'Get-VaultDrSealStatus' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'GETs sys/seal-status with the token and returns the typed status of an auto-unseal cluster' {
        $null = $stub.Respond('GET', $SealStatusPath, 200, $AutoUnsealJson)

        $seal = Get-VaultDrSealStatus -Connection $connection

        @($stub.Requests).Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $SealStatusPath
        $stub.Requests[0].Body | Should -BeNullOrEmpty
        $seal.PSObject.TypeNames[0] | Should -Be 'VaultDr.VaultSealStatus'
        $seal.Type | Should -Be 'awskms'
        $seal.RecoverySeal | Should -BeTrue
        $seal.KeyKind | Should -Be 'recovery keys'
        $seal.Threshold, $seal.Shares | Should -Be 3, 5
        $seal.Address | Should -Be $stub.BaseAddress
    }

    It 'a cluster that does not answer is a non-terminating VaultDrConnectionRefused' {
        $address = $stub.BaseAddress
        $stub.Dispose()
        $conn = New-VaultDrConnection -Address $address -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 0
        Get-VaultDrSealStatus -Connection $conn -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrConnectionRefused,VaultDr.Commands.GetVaultDrSealStatusCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Shares Vault refuses: the error says whose keys the cluster takes' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'New-VaultDrOperationToken on an auto-unseal secondary: its primary''s recovery keys; the attempt is cancelled' {
        Add-RefusedCeremony $stub $RecoveryRefusal $AutoUnsealJson

        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        Get-Sent $stub | Should -Be @(
            "GET $AttemptPath", "PUT $AttemptPath", "PUT $UpdatePath", "PUT $UpdatePath", "PUT $UpdatePath", "DELETE $AttemptPath", "GET $SealStatusPath", "GET $StatusPath")
        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrKeySharesRefused,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $message = $failed[0].Exception.Message
        $message | Should -BeLike "Vault refused the key shares on * (400: $RecoveryRefusal). * is a DR secondary with an auto-unseal seal (awskms): its DR operation token takes its DR primary's (https://127.0.0.1:49244) recovery keys, 3 of 5, *"
        $message | Should -BeLike '*not unseal keys: auto-unseal clusters have recovery keys instead*'
        $message | Should -BeLike '*The attempt was cancelled and no token was generated*'
        foreach ($share in $KeyShareTexts) { $message | Should -Not -BeLike "*$share*" }
    }

    It 'New-VaultDrOperationToken on a Shamir secondary: its primary''s unseal keys' {
        Add-RefusedCeremony $stub 'root generation aborted: unable to authenticate: unable to retrieve stored keys: failed to decrypt encrypted stored keys: cipher: message authentication failed' $ShamirJson

        New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue | Out-Null

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrKeySharesRefused,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].Exception.Message | Should -BeLike '* is a DR secondary with a Shamir seal: its DR operation token takes its DR primary''s (https://127.0.0.1:49244) unseal keys, 3 of 5, *and not another cluster''s.*'
    }

    It 'when the seal status cannot be read, the error still names both kinds of keys' {
        Add-RefusedCeremony $stub $RecoveryRefusal $null

        New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue | Out-Null

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrKeySharesRefused,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].Exception.Message | Should -BeLike '*A DR secondary takes its DR primary''s key shares: its unseal keys, or its recovery keys if the clusters use auto-unseal (Get-VaultDrSealStatus -Connection <*> shows which*'
    }

    It 'Submit-VaultDrKeyShare: the same explanation, and the attempt is left open' {
        $null = $stub.Respond('PUT', $UpdatePath, 400, (@{ errors = @($RecoveryRefusal) } | ConvertTo-Json -Compress), 1)
        $null = $stub.Respond('GET', $SealStatusPath, 200, $AutoUnsealJson)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)

        Submit-VaultDrKeyShare -Connection $connection -Key $Shares[0] -Nonce $Nonce -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty

        Get-Sent $stub | Should -Be @("PUT $UpdatePath", "GET $SealStatusPath", "GET $StatusPath")
        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrKeySharesRefused,VaultDr.Commands.SubmitVaultDrKeyShareCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failed[0].Exception.Message | Should -BeLike '*recovery keys, 3 of 5*Vault reset the attempt''s progress to 0 (the attempt stays open)*Stop-VaultDrOperationToken.'
    }

    It 'other refusals keep Vault''s own error: a share given twice' {
        $null = $stub.Respond('PUT', $UpdatePath, 400, '{"errors":["given key has already been provided during this generation operation"]}', 1)
        $null = $stub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)

        Submit-VaultDrKeyShare -Connection $connection -Key $Shares[0] -Nonce $Nonce -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrInvalidRequest,VaultDr.Commands.SubmitVaultDrKeyShareCommand'
        Get-Sent $stub | Should -Not -Contain "GET $SealStatusPath"
    }
}

Describe 'Vault 2.x: the ceremony needs a Vault token' {
    BeforeEach { $stub = Start-StubVault; $connection = New-StubConnection $stub }
    AfterEach { $stub.Dispose() }

    It 'New-VaultDrOperationToken sends the connection''s token; a 403 explains the 2.x rule and the two ways out' {
        $null = $stub.Respond('GET', $AttemptPath, 403, '{"errors":["permission denied"]}')

        New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty

        @($stub.Requests).Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $AttemptPath
        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $message = $failed[0].Exception.Message
        $message | Should -BeLike "Vault answered 403 to GET $AttemptPath`: permission denied. Since Vault 2.0 the DR operation token ceremony (generate-operation-token) needs a Vault token as well as the key shares, and the token sent (from -Token) was refused.*"
        $message | Should -BeLike '*batch DR operation token prepared on the primary beforehand (New-VaultDrBatchOperationToken) as -DrOperationToken*'
        $message | Should -BeLike '*add "generate-operation-token" to enable_unauthenticated_access in the DR secondary''s server configuration, reload it (SIGHUP)*'
        $message | Should -Not -BeLike "*$VaultTokenText*"
    }

    It 'Start-VaultDrOperationToken and Stop-VaultDrOperationToken send the token, and explain a 403 the same way' {
        $null = $stub.Respond('PUT', $AttemptPath, 403, '{"errors":["permission denied"]}')
        $null = $stub.Respond('DELETE', $AttemptPath, 403, '{"errors":["permission denied"]}')

        Start-VaultDrOperationToken -Connection $connection -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable started
        Stop-VaultDrOperationToken -Connection $connection -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable stopped

        Assert-VaultRequest $stub.Requests[0] -Method PUT -Path $AttemptPath
        Assert-VaultRequest $stub.Requests[1] -Method DELETE -Path $AttemptPath
        $started[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.StartVaultDrOperationTokenCommand'
        $stopped[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.StopVaultDrOperationTokenCommand'
        $started[0].Exception.Message, $stopped[0].Exception.Message | Should -BeLike '*Since Vault 2.0 the DR operation token ceremony*'
    }
}

Describe 'Versions, read from sys/health' {
    BeforeEach {
        $primaryStub = Start-StubVault; $secondaryStub = Start-StubVault
        $primary = New-StubConnection $primaryStub; $secondary = New-StubConnection $secondaryStub
        $null = $primaryStub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $null = $secondaryStub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
    }
    AfterEach { $primaryStub.Dispose(); $secondaryStub.Dispose() }

    It 'Test-VaultDrReplication fails a secondary older than its primary, in one sentence' {
        $null = $primaryStub.Respond('GET', $HealthPath, 200, '{"version":"1.17.0+ent","replication_dr_mode":"primary"}')
        $null = $secondaryStub.Respond('GET', $HealthPath, 472, '{"version":"1.16.3+ent","replication_dr_mode":"secondary"}')

        $health = Test-VaultDrReplication -Primary $primary -Secondary $secondary

        $p = $primaryStub.BaseAddress.Authority; $s = $secondaryStub.BaseAddress.Authority
        $health.Healthy | Should -BeFalse
        $health.VersionSkew | Should -BeTrue
        $health.PrimaryVersion, $health.SecondaryVersion | Should -Be '1.17.0+ent', '1.16.3+ent'
        $health.FailedChecks | Should -Be @(
            "$s runs Vault 1.16.3+ent, older than $p's 1.17.0+ent: it is not safe to replicate from a newer version of Vault to an older one. Upgrade $s to 1.17.0 or later (the secondaries first, then the primary).")
        Get-Sent $primaryStub | Sort-Object | Should -Be @("GET $HealthPath", "GET $StatusPath")
        Get-Sent $secondaryStub | Sort-Object | Should -Be @("GET $HealthPath", "GET $StatusPath")
        Test-VaultDrReplication -Primary $primary -Secondary $secondary -Quiet | Should -BeFalse
    }

    It 'Test-VaultDrReplication: a secondary on the newer version, or a version not said, is no failure' {
        $null = $primaryStub.Respond('GET', $HealthPath, 200, '{"version":"1.16.3+ent"}')
        $null = $secondaryStub.Respond('GET', $HealthPath, 472, '{"replication_dr_mode":"secondary"}')

        $health = Test-VaultDrReplication -Primary $primary -Secondary $secondary

        $health.Healthy | Should -BeTrue -Because ($health.FailedChecks -join ' ')
        $health.VersionSkew | Should -BeFalse
        $health.PrimaryVersion | Should -Be '1.16.3+ent'
        $health.SecondaryVersion | Should -BeNullOrEmpty
    }

    It 'Invoke-VaultDrFailover refuses a re-attach of an older old primary before any change, and names both versions' {
        $null = $primaryStub.Respond('GET', $HealthPath, 200, '{"version":"1.16.3+ent"}')
        $null = $secondaryStub.Respond('GET', $HealthPath, 472, '{"version":"1.17.0+ent"}')
        $null = $secondaryStub.Respond('GET', $AttemptPath, 200, $NotStartedJson)

        $report = Invoke-VaultDrFailover -Primary $primary -Secondary $secondary -KeyShare $Shares -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrFailoverStepFailed,VaultDr.Commands.InvokeVaultDrFailoverCommand'
        $report.FailedStep | Should -BeLike '1. Preflight*'
        $report.OldPrimaryVersion, $report.NewPrimaryVersion | Should -Be '1.16.3+ent', '1.17.0+ent'
        $report.Error | Should -BeLike "* runs Vault 1.16.3+ent, older than *'s 1.17.0+ent: after the failover it would be re-attached as the DR secondary of *Nothing was changed. Upgrade * to 1.17.0 or later first, or add -Force."
        $report.NextSafeCommand | Should -BeLike 'Nothing was changed. Upgrade * to the Vault version of * or later first*-Force fails over anyway.'
        @($primaryStub.Requests; $secondaryStub.Requests) | Where-Object Method -ne 'GET' | Should -BeNullOrEmpty
    }

    It 'Invoke-VaultDrFailover refuses a Vault 2.x ceremony whose token is refused, before any change' {
        $null = $primaryStub.Respond('GET', $HealthPath, 200, '{"version":"2.0.0+ent"}')
        $null = $secondaryStub.Respond('GET', $HealthPath, 472, '{"version":"2.0.0+ent"}')
        $null = $secondaryStub.Respond('GET', $AttemptPath, 403, '{"errors":["permission denied"]}')

        $report = Invoke-VaultDrFailover -Primary $primary -Secondary $secondary -KeyShare $Shares -Confirm:$false -ErrorAction SilentlyContinue

        $report.Error | Should -BeLike '* runs Vault 2.0.0+ent: since Vault 2.0 the DR operation token ceremony needs a Vault token as well as the key shares, and the token configured for it was refused (403 permission denied). Nothing was changed.*New-VaultDrBatchOperationToken*enable_unauthenticated_access*'
        $report.NextSafeCommand | Should -BeLike 'Nothing was changed. Give the connection a Vault token made on the primary*'
        Assert-VaultRequest ($secondaryStub.Requests | Where-Object Path -eq $AttemptPath) -Method GET -Path $AttemptPath
        @($primaryStub.Requests; $secondaryStub.Requests) | Where-Object Method -ne 'GET' | Should -BeNullOrEmpty
    }

    It 'Invoke-VaultDrFailover -WhatIf reads nothing, versions included' {
        $report = Invoke-VaultDrFailover -Primary $primary -Secondary $secondary -KeyShare $Shares -WhatIf
        $report.OldPrimaryVersion, $report.NewPrimaryVersion | Should -Be $null, $null
        @($primaryStub.Requests; $secondaryStub.Requests) | Should -BeNullOrEmpty
    }
}
