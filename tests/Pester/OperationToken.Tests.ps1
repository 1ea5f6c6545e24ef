BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    $script:Shares = $KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ }
    $script:NotStartedJson = '{"started":false,"nonce":"","progress":0,"required":3,"encoded_token":"","pgp_fingerprint":"","complete":false,"otp_length":28}'
    $script:StartedJson = (@{
            started = $true; nonce = $Nonce; progress = 0; required = 3; encoded_token = ''; otp = $OtpText; otp_length = 28; complete = $false
        } | ConvertTo-Json -Compress)

    function Get-UpdateJson([int] $Progress, [string] $EncodedToken = '') {
        @{
            started = $true; nonce = $Nonce; progress = $Progress; required = 3; pgp_fingerprint = ''
            complete = [bool]$EncodedToken; encoded_token = $EncodedToken
        } | ConvertTo-Json -Compress
    }

    function Add-CeremonyAnswers($Stub, [string] $AttemptState = $NotStartedJson) {
        $null = $Stub.Respond('GET', $AttemptPath, 200, $AttemptState, 1)
        $null = $Stub.Respond('PUT', $AttemptPath, 200, $StartedJson, 1)
        $null = $Stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 1), 1)
        $null = $Stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 2), 1)
        $null = $Stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 3 $EncodedTokenText), 1)
    }
}

Describe 'New-VaultDrOperationToken' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'uses a 38-character encoded token for the 28-character OTP (test vector sanity)' {
        $EncodedTokenText.Length | Should -Be 38
        $EncodedTokenText | Should -Not -Match '='
    }

    It 'runs the ceremony and returns the decoded token as a SecureString' {
        Add-CeremonyAnswers $stub

        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -WarningVariable warnings -WarningAction SilentlyContinue

        ($stub.Requests | ForEach-Object ToString) | Should -Be @(
            "GET $AttemptPath", "PUT $AttemptPath", "PUT $UpdatePath", "PUT $UpdatePath", "PUT $UpdatePath")
        $stub.Requests | ForEach-Object { $_.Header('X-Vault-Token') | Should -BeExactly $VaultTokenText; $_.Header('X-Vault-Request') | Should -Be 'true' }
        $stub.Requests[1].Body | Should -Be '{}'
        for ($i = 0; $i -lt 3; $i++) {
            $body = Get-RequestBody $stub.Requests[2 + $i]
            $body.Keys | Sort-Object | Should -Be @('key', 'nonce')
            $body.key | Should -BeExactly $KeyShareTexts[$i]
            $body.nonce | Should -Be $Nonce
        }
        $result.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'
        $result.DrOperationToken | Should -BeOfType [securestring]
        ConvertFrom-TestSecret $result.DrOperationToken | Should -BeExactly $DrOperationTokenText
        $result.Address | Should -Be $stub.BaseAddress
        $warnings.Message | Should -BeLike '*Revoke-VaultDrOperationToken*'
    }

    It '-AsPlainText returns the token string' {
        Add-CeremonyAnswers $stub
        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -AsPlainText -WarningAction SilentlyContinue
        $result | Should -BeOfType [string]
        $result | Should -BeExactly $DrOperationTokenText
    }

    It 'takes the key shares from the pipeline' {
        Add-CeremonyAnswers $stub
        $result = $Shares | New-VaultDrOperationToken -Connection $connection -WarningAction SilentlyContinue
        @($result).Count | Should -Be 1
        ConvertFrom-TestSecret $result.DrOperationToken | Should -BeExactly $DrOperationTokenText
        ($stub.Requests | Where-Object Path -EQ $UpdatePath | ForEach-Object { $_.JsonString('key') }) | Should -Be $KeyShareTexts
    }

    It 'cancels the attempt and fails with VaultDrNotEnoughKeyShares when the shares run out' {
        Add-CeremonyAnswers $stub
        $null = $stub.Respond('DELETE', $AttemptPath, 204)

        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares[0], $Shares[1] -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        ($stub.Requests | ForEach-Object ToString) | Should -Be @(
            "GET $AttemptPath", "PUT $AttemptPath", "PUT $UpdatePath", "PUT $UpdatePath", "DELETE $AttemptPath")
        $stub.Requests[4].Body | Should -Be '{}'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrNotEnoughKeyShares,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'refuses to touch an attempt already in progress without -Force' {
        $null = $stub.Respond('GET', $AttemptPath, 200, (Get-UpdateJson 1))
        $null = $stub.Respond('PUT', $AttemptPath, 200, $StartedJson)

        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $AttemptPath")
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrOperationTokenAttemptInProgress,VaultDr.Commands.NewVaultDrOperationTokenCommand'
    }

    It 'with -Force cancels the attempt in progress, then starts a new one' {
        $null = $stub.Respond('DELETE', $AttemptPath, 204)
        Add-CeremonyAnswers $stub -AttemptState (Get-UpdateJson 1)

        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -Force -AsPlainText -WarningAction SilentlyContinue

        $result | Should -BeExactly $DrOperationTokenText
        ($stub.Requests | ForEach-Object ToString) | Should -Be @(
            "GET $AttemptPath", "DELETE $AttemptPath", "PUT $AttemptPath", "PUT $UpdatePath", "PUT $UpdatePath", "PUT $UpdatePath")
    }

    It 'rejects an invalid key share before any request' {
        $bad = ConvertTo-TestSecret 'not a key share!'
        $thrown = { New-VaultDrOperationToken -Connection $connection -KeyShare $Shares[0], $bad -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidKeyShare,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $stub.Requests.Count | Should -Be 0
    }
}

Describe 'The single-step operation token cmdlets' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'Get-VaultDrOperationTokenProgress GETs the attempt and returns typed progress' {
        $null = $stub.Respond('GET', $AttemptPath, 200, (Get-UpdateJson 1))

        $progress = Get-VaultDrOperationTokenProgress -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method GET -Path $AttemptPath
        $progress.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationTokenProgress'
        $progress.Started | Should -BeTrue
        $progress.Nonce | Should -Be $Nonce
        $progress.Progress | Should -Be 1
        $progress.Required | Should -Be 3
        $progress.Complete | Should -BeFalse
        $progress.EncodedToken | Should -BeNullOrEmpty
        $progress.Otp | Should -BeNullOrEmpty
    }

    It 'Start-VaultDrOperationToken PUTs {} and returns the OTP once, as a SecureString' {
        $null = $stub.Respond('PUT', $AttemptPath, 200, $StartedJson)

        $progress = Start-VaultDrOperationToken -Connection $connection

        Assert-VaultRequest $stub.Requests[0] -Method PUT -Path $AttemptPath
        $stub.Requests[0].Body | Should -Be '{}'
        $progress.Started | Should -BeTrue
        $progress.Nonce | Should -Be $Nonce
        $progress.OtpLength | Should -Be 28
        $progress.Otp | Should -BeOfType [securestring]
        ConvertFrom-TestSecret $progress.Otp | Should -BeExactly $OtpText
    }

    It 'Start-VaultDrOperationToken -PgpKey refuses what is no OpenPGP key before any request (Pgp.Tests.ps1 has real keys)' {
        $thrown = { Start-VaultDrOperationToken -Connection $connection -PgpKey 'bXlwZ3BrZXk=' -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidPgpKey,VaultDr.Commands.StartVaultDrOperationTokenCommand'
        $stub.Requests.Count | Should -Be 0
    }

    It 'Stop-VaultDrOperationToken DELETEs the attempt with a {} body and returns nothing' {
        $null = $stub.Respond('DELETE', $AttemptPath, 204)
        $output = Stop-VaultDrOperationToken -Connection $connection
        $output | Should -BeNullOrEmpty
        Assert-VaultRequest $stub.Requests[0] -Method DELETE -Path $AttemptPath
        $stub.Requests[0].Body | Should -Be '{}'
    }

    It 'Submit-VaultDrKeyShare -Nonce PUTs key and nonce and returns the progress' {
        $null = $stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 1))

        $progress = Submit-VaultDrKeyShare -Connection $connection -Key $Shares[0] -Nonce $Nonce

        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method PUT -Path $UpdatePath
        $stub.Requests[0].Body | Should -BeExactly ('{"key":"' + $KeyShareTexts[0] + '","nonce":"' + $Nonce + '"}')
        $progress.Progress | Should -Be 1
    }

    It 'Submit-VaultDrKeyShare takes shares from the pipeline and reads the nonce once' {
        $null = $stub.Respond('GET', $AttemptPath, 200, (Get-UpdateJson 0))
        $null = $stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 1), 1)
        $null = $stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 2), 1)
        $null = $stub.Respond('PUT', $UpdatePath, 200, (Get-UpdateJson 3 $EncodedTokenText), 1)

        $results = $Shares | Submit-VaultDrKeyShare -Connection $connection

        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $AttemptPath", "PUT $UpdatePath", "PUT $UpdatePath", "PUT $UpdatePath")
        ($stub.Requests[1..($stub.Requests.Count - 1)] | ForEach-Object { $_.JsonString('key') }) | Should -Be $KeyShareTexts
        ($stub.Requests[1..($stub.Requests.Count - 1)] | ForEach-Object { $_.JsonString('nonce') }) | Should -Be @($Nonce, $Nonce, $Nonce)
        $results.Count | Should -Be 3
        $results[2].Complete | Should -BeTrue
        ConvertFrom-TestSecret $results[2].EncodedToken | Should -BeExactly $EncodedTokenText
    }

    It 'Submit-VaultDrKeyShare without an attempt in progress fails with VaultDrNoOperationTokenAttempt and submits nothing' {
        $null = $stub.Respond('GET', $AttemptPath, 200, $NotStartedJson)
        Submit-VaultDrKeyShare -Connection $connection -Key $Shares[0] -ErrorVariable failures -ErrorAction SilentlyContinue
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $AttemptPath")
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrNoOperationTokenAttempt,VaultDr.Commands.SubmitVaultDrKeyShareCommand'
    }

    It 'Revoke-VaultDrOperationToken POSTs the token to operation-token/delete' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/operation-token/delete', 204)
        $output = Revoke-VaultDrOperationToken -Connection $connection -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText)
        $output | Should -BeNullOrEmpty
        Assert-VaultRequest $stub.Requests[0] -Method POST -Path '/v1/sys/replication/dr/secondary/operation-token/delete'
        $stub.Requests[0].Body | Should -BeExactly ('{"dr_operation_token":"' + $DrOperationTokenText + '"}')
    }
}

Describe 'Unprotect-VaultDrOperationToken' {
    It 'decodes a modern OTP-encoded token into an OperationToken' {
        $result = Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret $OtpText)
        $result.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'
        ConvertFrom-TestSecret $result.DrOperationToken | Should -BeExactly $DrOperationTokenText
    }

    It '-AsPlainText returns the token string; a padded encoded token is accepted too' {
        $padded = $EncodedTokenText + '=='
        Unprotect-VaultDrOperationToken -EncodedToken $padded -Otp (ConvertTo-TestSecret $OtpText) -AsPlainText | Should -BeExactly $DrOperationTokenText
    }

    It 'decodes a legacy (otp_length 0) token into a UUID' {
        $uuid = '5a1c3e2b-7d4f-4e6a-9b8c-0d1e2f3a4b5c'
        $uuidBytes = [Convert]::FromHexString($uuid.Replace('-', ''))
        $otpBytes = [byte[]](0..15 | ForEach-Object { ($_ * 29 + 7) % 256 })
        $xored = [byte[]]::new(16)
        for ($i = 0; $i -lt 16; $i++) { $xored[$i] = $uuidBytes[$i] -bxor $otpBytes[$i] }
        $legacyOtp = [Convert]::ToBase64String($otpBytes)
        $legacyEncoded = [Convert]::ToBase64String($xored)

        Unprotect-VaultDrOperationToken -EncodedToken $legacyEncoded -Otp (ConvertTo-TestSecret $legacyOtp) -AsPlainText | Should -BeExactly $uuid
    }

    It 'binds EncodedToken and Otp from the pipeline by property name' {
        $result = [pscustomobject]@{ EncodedToken = $EncodedTokenText; Otp = (ConvertTo-TestSecret $OtpText) } | Unprotect-VaultDrOperationToken -AsPlainText
        $result | Should -BeExactly $DrOperationTokenText
    }

    It 'fails with VaultDrInvalidEncodedToken when the OTP length does not match' {
        $result = Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret ($OtpText.Substring(0, 26))) -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrInvalidEncodedToken,VaultDr.Commands.UnprotectVaultDrOperationTokenCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
