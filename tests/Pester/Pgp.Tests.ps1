# PGP mode of the DR operation token ceremony and PGP-encrypted key shares, against the stub server: the requests the
# module sends, the objects it returns and its errors. The keys and messages are GnuPG's (tests/VaultDr.Tests/OpenPgp/GnuPg,
# see its README.md), so what the module reads and decrypts is what a key holder's gpg writes. PgpLab.Tests.ps1 runs the
# same against the lab and against gpg itself.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    $script:GnuPg = (Resolve-Path (Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg')).Path
    $script:RsaPublic = Join-Path $GnuPg 'rsa.pub.asc'
    $script:RsaPrivate = Join-Path $GnuPg 'rsa.sec.asc'
    $script:EccPrivate = Join-Path $GnuPg 'ecc.sec.asc'
    $script:RsaFingerprint = '17773008bbd3b2fae82cf5b9a1244f7fbedaac4a'
    $script:Passphrase = ConvertTo-TestSecret 'correct horse'
    # gpg -e of 'hvs.FixtureTokenFromGnuPG12' for the RSA key, base64: what Vault returns as encoded_token.
    $script:PgpEncodedToken = (Get-Content -Raw (Join-Path $GnuPg 'rsa.msg.b64')).Trim()
    $script:PgpTokenText = 'hvs.FixtureTokenFromGnuPG12'
    # gpg -e of '0a1b2c3d' (a share's hex text) for the Curve25519 key, base64: one of keys_base64.
    $script:EncryptedShare = (Get-Content -Raw (Join-Path $GnuPg 'ecc.msg.b64')).Trim()

    # pgp_key as Vault takes it: base64 of the binary key, which gpg --export | base64 -w0 prints.
    $armored = Get-Content -Raw $RsaPublic
    $body = ($armored -split '\r?\n' | Where-Object { $_ -and $_ -notmatch '^(-----|Version:|Comment:|=)' }) -join ''
    $script:RsaPgpKey = $body

    $script:Shares = $KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ }
    $script:NotStartedJson = '{"started":false,"nonce":"","progress":0,"required":3,"encoded_token":"","pgp_fingerprint":"","complete":false,"otp_length":28}'

    function Get-PgpAnswer([int] $Progress, [string] $Fingerprint = $RsaFingerprint, [string] $EncodedToken = '') {
        @{ started = $true; nonce = $Nonce; progress = $Progress; required = 3; pgp_fingerprint = $Fingerprint; complete = [bool]$EncodedToken; encoded_token = $EncodedToken; otp = ''; otp_length = 28 } |
            ConvertTo-Json -Compress
    }

    function Add-PgpCeremonyAnswers($Stub, [string] $Fingerprint = $RsaFingerprint) {
        $null = $Stub.Respond('GET', $AttemptPath, 200, $NotStartedJson, 1)
        $null = $Stub.Respond('PUT', $AttemptPath, 200, (Get-PgpAnswer 0 $Fingerprint), 1)
        $null = $Stub.Respond('PUT', $UpdatePath, 200, (Get-PgpAnswer 1 $Fingerprint), 1)
        $null = $Stub.Respond('PUT', $UpdatePath, 200, (Get-PgpAnswer 2 $Fingerprint), 1)
        $null = $Stub.Respond('PUT', $UpdatePath, 200, (Get-PgpAnswer 3 $Fingerprint $PgpEncodedToken), 1)
    }
}

Describe 'New-VaultDrOperationToken -PgpKeyPath' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'sends the key as pgp_key (base64 of the binary key), gives the shares and returns the encrypted token with its fingerprint' {
        Add-PgpCeremonyAnswers $stub

        $result = $Shares | New-VaultDrOperationToken -Connection $connection -PgpKeyPath $RsaPublic -WarningAction SilentlyContinue

        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $AttemptPath", "PUT $AttemptPath", "PUT $UpdatePath", "PUT $UpdatePath", "PUT $UpdatePath")
        Assert-VaultRequest $stub.Requests[1] -Method PUT -Path $AttemptPath
        $start = Get-RequestBody $stub.Requests[1]
        @($start.Keys) | Should -Be @('pgp_key')
        $start.pgp_key | Should -BeExactly $RsaPgpKey
        [Convert]::FromBase64String($start.pgp_key)[0] | Should -Be 0x99 -Because 'the binary key, not its armor'
        ($stub.Requests[2..4] | ForEach-Object { $_.JsonString('key') }) | Should -Be $KeyShareTexts
        $result.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'
        $result.DrOperationToken | Should -BeNullOrEmpty
        $result.EncodedToken | Should -BeOfType [securestring]
        ConvertFrom-TestSecret $result.EncodedToken | Should -BeExactly $PgpEncodedToken
        $result.PgpFingerprint | Should -Be $RsaFingerprint
        $result.Address | Should -Be $stub.BaseAddress
    }

    It '-AsPlainText returns the encoded token; it pipes into Unprotect-VaultDrOperationToken with the private key' {
        Add-PgpCeremonyAnswers $stub
        $plain = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -PgpKeyPath $RsaPublic -AsPlainText -WarningAction SilentlyContinue
        $plain | Should -BeOfType [string]
        $plain | Should -BeExactly $PgpEncodedToken

        Add-PgpCeremonyAnswers $stub
        $token = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -PgpKeyPath $RsaPublic -WarningAction SilentlyContinue |
            Unprotect-VaultDrOperationToken -PgpPrivateKeyPath $RsaPrivate -PgpPassphrase $Passphrase
        $token.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'
        ConvertFrom-TestSecret $token.DrOperationToken | Should -BeExactly $PgpTokenText
    }

    It 'takes the same key as -PgpKey, base64 of the binary key' {
        Add-PgpCeremonyAnswers $stub
        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -PgpKey $RsaPgpKey -WarningAction SilentlyContinue
        (Get-RequestBody $stub.Requests[1]).pgp_key | Should -BeExactly $RsaPgpKey
        $result.PgpFingerprint | Should -Be $RsaFingerprint
    }

    It 'cancels the attempt before giving any share when Vault names another key (VaultDrPgpFingerprintMismatch)' {
        Add-PgpCeremonyAnswers $stub -Fingerprint 'c9e4f6b2a3d1e5f708192a3b4c5d6e7f8091a2b3'
        $null = $stub.Respond('DELETE', $AttemptPath, 204)

        $result = New-VaultDrOperationToken -Connection $connection -KeyShare $Shares -PgpKeyPath $RsaPublic -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("GET $AttemptPath", "PUT $AttemptPath", "DELETE $AttemptPath")
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrPgpFingerprintMismatch,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $failures[0].Exception.Message | Should -BeLike "*c9e4f6b2a3d1e5f708192a3b4c5d6e7f8091a2b3*$RsaFingerprint*No key share was given*"
    }

    It 'refuses a bad key before any request: <Case>' -ForEach @(
        @{ Case = 'a missing file'; Parameters = @{ PgpKeyPath = 'no-such-key.asc' }; Id = 'VaultDrPgpKeyFileNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'a private key'; Parameters = @{ PgpKeyPath = 'rsa.sec.asc' }; Id = 'VaultDrPgpKeyIsPrivate'; Category = 'SecurityError' }
        @{ Case = 'a sign-only key'; Parameters = @{ PgpKeyPath = 'signonly.pub.asc' }; Id = 'VaultDrPgpKeyCannotEncrypt'; Category = 'InvalidArgument' }
        @{ Case = 'a message, not a key'; Parameters = @{ PgpKeyPath = 'rsa.msg.b64' }; Id = 'VaultDrInvalidPgpKey'; Category = 'InvalidArgument' }
        @{ Case = 'base64 of no key'; Parameters = @{ PgpKey = 'bXlwZ3BrZXk=' }; Id = 'VaultDrInvalidPgpKey'; Category = 'InvalidArgument' }
        @{ Case = 'both parameters'; Parameters = @{ PgpKeyPath = 'rsa.pub.asc'; PgpKey = 'bXlwZ3BrZXk=' }; Id = 'VaultDrPgpKeyConflict'; Category = 'InvalidArgument' }
    ) {
        if ($Parameters.PgpKeyPath) { $Parameters.PgpKeyPath = Join-Path $GnuPg $Parameters.PgpKeyPath }
        $thrown = { New-VaultDrOperationToken -Connection $connection -KeyShare $Shares @Parameters -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be "$Id,VaultDr.Commands.NewVaultDrOperationTokenCommand"
        $thrown.CategoryInfo.Category | Should -Be $Category
        $stub.Requests.Count | Should -Be 0
    }

    It 'with no key share from the pipeline, says so and sends nothing (VaultDrNoKeyShares)' {
        $thrown = { @() | New-VaultDrOperationToken -Connection $connection -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrNoKeyShares,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $thrown.Exception.Message | Should -BeLike '*Unprotect-VaultDrKeyShare*'
        $stub.Requests.Count | Should -Be 0
    }
}

Describe 'Start-VaultDrOperationToken -PgpKeyPath' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It 'PUTs pgp_key and returns the attempt, naming the key' {
        $null = $stub.Respond('PUT', $AttemptPath, 200, (Get-PgpAnswer 0))
        $progress = Start-VaultDrOperationToken -Connection $connection -PgpKeyPath $RsaPublic
        $stub.Requests.Count | Should -Be 1
        Assert-VaultRequest $stub.Requests[0] -Method PUT -Path $AttemptPath
        $body = Get-RequestBody $stub.Requests[0]
        @($body.Keys) | Should -Be @('pgp_key')
        $body.pgp_key | Should -BeExactly $RsaPgpKey
        $progress.PgpFingerprint | Should -Be $RsaFingerprint
        $progress.Otp | Should -BeNullOrEmpty
    }

    It 'cancels the attempt it started when Vault names another key' {
        $null = $stub.Respond('PUT', $AttemptPath, 200, (Get-PgpAnswer 0 'c9e4f6b2a3d1e5f708192a3b4c5d6e7f8091a2b3'))
        $null = $stub.Respond('DELETE', $AttemptPath, 204)
        $progress = Start-VaultDrOperationToken -Connection $connection -PgpKeyPath $RsaPublic -ErrorVariable failures -ErrorAction SilentlyContinue
        $progress | Should -BeNullOrEmpty
        ($stub.Requests | ForEach-Object ToString) | Should -Be @("PUT $AttemptPath", "DELETE $AttemptPath")
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrPgpFingerprintMismatch,VaultDr.Commands.StartVaultDrOperationTokenCommand'
    }
}

Describe 'Unprotect-VaultDrOperationToken -PgpPrivateKeyPath' {
    It 'decrypts what gpg encrypted into an OperationToken; -AsPlainText gives the token' {
        $result = Unprotect-VaultDrOperationToken -EncodedToken $PgpEncodedToken -PgpPrivateKeyPath $RsaPrivate -PgpPassphrase $Passphrase
        $result.PSObject.TypeNames[0] | Should -Be 'VaultDr.OperationToken'
        ConvertFrom-TestSecret $result.DrOperationToken | Should -BeExactly $PgpTokenText
        Unprotect-VaultDrOperationToken -EncodedToken $PgpEncodedToken -PgpPrivateKeyPath $EccPrivate, $RsaPrivate -PgpPassphrase $Passphrase -AsPlainText |
            Should -BeExactly $PgpTokenText
    }

    It 'fails with <Id> (<Category>) when <Case>' -ForEach @(
        @{ Case = 'the passphrase is wrong'; Keys = 'rsa.sec.asc'; Secret = 'wrong horse'; Id = 'VaultDrPgpWrongPassphrase'; Category = 'AuthenticationError' }
        @{ Case = 'the passphrase is missing'; Keys = 'rsa.sec.asc'; Secret = $null; Id = 'VaultDrPgpPassphraseRequired'; Category = 'InvalidArgument' }
        @{ Case = 'the key is another'; Keys = 'ecc.sec.asc'; Secret = $null; Id = 'VaultDrPgpNoMatchingKey'; Category = 'InvalidArgument' }
        @{ Case = 'the file is a public key'; Keys = 'rsa.pub.asc'; Secret = $null; Id = 'VaultDrInvalidPgpPrivateKey'; Category = 'InvalidArgument' }
        @{ Case = 'the file is missing'; Keys = 'no-such.key.asc'; Secret = $null; Id = 'VaultDrPgpKeyFileNotFound'; Category = 'ObjectNotFound' }
    ) {
        $parameters = @{ EncodedToken = $PgpEncodedToken; PgpPrivateKeyPath = (Join-Path $GnuPg $Keys) }
        if ($Secret) { $parameters.PgpPassphrase = ConvertTo-TestSecret $Secret }
        $result = Unprotect-VaultDrOperationToken @parameters -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be "$Id,VaultDr.Commands.UnprotectVaultDrOperationTokenCommand"
        $failures[0].CategoryInfo.Category | Should -Be $Category
        $failures[0].Exception.Message | Should -Not -Match 'wrong horse|correct horse'
    }

    It 'an OTP-encoded token given with a private key is no OpenPGP message (VaultDrInvalidEncodedToken)' {
        Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -PgpPrivateKeyPath $EccPrivate -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrInvalidEncodedToken,VaultDr.Commands.UnprotectVaultDrOperationTokenCommand'
    }
}

Describe 'Unprotect-VaultDrKeyShare' {
    It 'decrypts an encrypted share, base64 or hex, into a SecureString share; -AsPlainText gives its text' {
        $share = $EncryptedShare | Unprotect-VaultDrKeyShare -PgpPrivateKeyPath $EccPrivate
        $share | Should -BeOfType [securestring]
        ConvertFrom-TestSecret $share | Should -BeExactly '0a1b2c3d'
        $hex = [Convert]::ToHexString([Convert]::FromBase64String($EncryptedShare)).ToLowerInvariant()
        Unprotect-VaultDrKeyShare -EncryptedKeyShare $hex -PgpPrivateKeyPath $EccPrivate -AsPlainText | Should -BeExactly '0a1b2c3d'
    }

    It 'pipes into a ceremony: the decrypted share is what Vault receives' {
        $stub = Start-StubVault
        try {
            $connection = New-StubConnection $stub
            $null = $stub.Respond('GET', $AttemptPath, 200, $NotStartedJson, 1)
            $null = $stub.Respond('PUT', $AttemptPath, 200, (@{ started = $true; nonce = $Nonce; progress = 0; required = 1; otp = $OtpText; otp_length = 28 } | ConvertTo-Json -Compress), 1)
            $null = $stub.Respond('PUT', $UpdatePath, 200, (@{ started = $true; nonce = $Nonce; progress = 1; required = 1; complete = $true; encoded_token = $EncodedTokenText } | ConvertTo-Json -Compress), 1)

            $token = $EncryptedShare | Unprotect-VaultDrKeyShare -PgpPrivateKeyPath $EccPrivate |
                New-VaultDrOperationToken -Connection $connection -AsPlainText -WarningAction SilentlyContinue

            $stub.Requests[2].Body | Should -BeExactly ('{"key":"0a1b2c3d","nonce":"' + $Nonce + '"}')
            $token | Should -BeExactly $DrOperationTokenText
        }
        finally { $stub.Dispose() }
    }

    It 'a share for another key fails alone (VaultDrPgpNoMatchingKey); the others still come out' {
        $shares = $PgpEncodedToken, $EncryptedShare | Unprotect-VaultDrKeyShare -PgpPrivateKeyPath $EccPrivate -AsPlainText -ErrorVariable failures -ErrorAction SilentlyContinue
        $shares | Should -BeExactly '0a1b2c3d'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrPgpNoMatchingKey,VaultDr.Commands.UnprotectVaultDrKeyShareCommand'
        $failures[0].Exception.Message | Should -BeLike '*F714661AF093F7A4*'
    }

    It 'refuses a decrypted token as a share, and text that is no message (VaultDrInvalidEncryptedKeyShare)' {
        Unprotect-VaultDrKeyShare -EncryptedKeyShare $PgpEncodedToken -PgpPrivateKeyPath $RsaPrivate -PgpPassphrase $Passphrase -ErrorVariable failures -ErrorAction SilentlyContinue
        Unprotect-VaultDrKeyShare -EncryptedKeyShare 'not a share!' -PgpPrivateKeyPath $RsaPrivate -ErrorVariable +failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 2
        $failures | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'VaultDrInvalidEncryptedKeyShare,VaultDr.Commands.UnprotectVaultDrKeyShareCommand' }
        $failures[0].Exception.Message | Should -BeLike '*Unprotect-VaultDrOperationToken*'
        $failures[0].Exception.Message | Should -Not -Match $PgpTokenText
    }

    It 'a missing private key file ends the command before any share (VaultDrPgpKeyFileNotFound)' {
        $thrown = { $EncryptedShare | Unprotect-VaultDrKeyShare -PgpPrivateKeyPath (Join-Path $GnuPg 'missing.asc') -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrPgpKeyFileNotFound,VaultDr.Commands.UnprotectVaultDrKeyShareCommand'
        $thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
