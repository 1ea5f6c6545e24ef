# PGP against the lab, and against GnuPG itself: the lab encrypts as Vault does (gpg opens it), the module decrypts what
# gpg encrypted, and a rehearsal with lab-made keys runs a whole PGP ceremony to a promote. The gpg tests need gpg: where
# it is missing they FAIL and say so; they are never skipped. Each makes its own throwaway GNUPGHOME and removes it
# (after gpgconf --kill all, so no gpg-agent outlives it).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    function Assert-GnuPg {
        if (-not (Get-Command gpg -CommandType Application -ErrorAction Ignore)) {
            throw 'gpg (GnuPG) is missing on this machine. This test checks VaultDr against a real OpenPGP tool and cannot pass without it: install GnuPG (apt-get install gnupg, brew install gnupg, winget install GnuPG.GnuPG) and run it again.'
        }
    }

    function Invoke-Gpg {
        <# gpg in the throwaway home, bytes in and out (PowerShell's pipes would re-encode a binary message). #>
        param([Parameter(Mandatory)][string] $GnuPgHome, [Parameter(Mandatory)][AllowEmptyString()][string[]] $Arguments, [byte[]] $InputBytes)
        $start = [System.Diagnostics.ProcessStartInfo]::new('gpg')
        foreach ($argument in @('--batch', '--yes', '--no-tty', '--pinentry-mode', 'loopback', '--trust-model', 'always') + $Arguments) { $start.ArgumentList.Add($argument) }
        $start.Environment['GNUPGHOME'] = $GnuPgHome
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start)
        $errors = $process.StandardError.ReadToEndAsync()
        $output = [System.IO.MemoryStream]::new()
        $copy = $process.StandardOutput.BaseStream.CopyToAsync($output)
        if ($InputBytes) { $process.StandardInput.BaseStream.Write($InputBytes, 0, $InputBytes.Length) }
        $process.StandardInput.Close()
        $copy.Wait()
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "gpg $($Arguments -join ' ') failed ($($process.ExitCode)): $($errors.Result)" }
        , $output.ToArray()
    }

    function New-GnuPgKey {
        <# A key holder's key as gpg makes it: RSA 2048 primary, RSA 2048 encryption subkey; returns its fingerprint. #>
        param([Parameter(Mandatory)][string] $GnuPgHome, [string] $Passphrase = '')
        $null = Invoke-Gpg $GnuPgHome @('--passphrase', $Passphrase, '--quick-gen-key', 'VaultDr Rehearsal <rehearsal@vaultdr.invalid>', 'rsa2048', 'default', 'never')
        $listing = [Text.Encoding]::UTF8.GetString((Invoke-Gpg $GnuPgHome @('--list-keys', '--with-colons')))
        $fingerprint = ($listing -split '\r?\n' | Where-Object { $_ -like 'fpr:*' } | Select-Object -First 1).Split(':')[9]
        $null = Invoke-Gpg $GnuPgHome @('--passphrase', $Passphrase, '--quick-add-key', $fingerprint, 'rsa2048', 'encr', 'never')
        $fingerprint
    }

    function New-GnuPgHome {
        $folder = Join-Path ([IO.Path]::GetTempPath()) "vaultdr-gpg-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $null = New-Item -ItemType Directory -Path $folder
        if (-not $IsWindows) { chmod 700 $folder }
        $folder
    }

    function Remove-GnuPgHome([string] $GnuPgHome) {
        if (-not $GnuPgHome -or -not (Test-Path $GnuPgHome)) { return }
        if (Get-Command gpgconf -CommandType Application -ErrorAction Ignore) {
            $saved = $env:GNUPGHOME
            try { $env:GNUPGHOME = $GnuPgHome; gpgconf --kill all 2>$null } finally { $env:GNUPGHOME = $saved }
        }
        Remove-Item -Recurse -Force $GnuPgHome -ErrorAction SilentlyContinue
    }

    function Start-DrPair {
        <# Two lab clusters, the second a caught-up DR secondary of the first; returns primary, secondary, and a connection to the secondary. #>
        param([hashtable] $LabParameters = @{})
        $primary, $secondary = Start-VaultDrLab -ClusterCount 2 -StateStepDelayMs 20 -CatchUpDelayMs 40 @LabParameters
        Enable-VaultDrPrimary -Connection $primary.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $primary.Connection -Id $secondary.Name |
            Enable-VaultDrSecondary -Connection $secondary.Connection -Confirm:$false -WarningAction SilentlyContinue
        $dr = New-VaultDrConnection -Address $secondary.Address -Token $primary.RootToken -MaxRetries 0
        $null = Wait-VaultDrReplication -Primary $primary.Connection -Secondary $dr -TimeoutSec 30
        $primary, $secondary, $dr
    }

    function Assert-Promotes([Parameter(Mandatory)] $Primary, [Parameter(Mandatory)] $Dr, [Parameter(Mandatory)][securestring] $Token) {
        <# The token is the one the lab holds: it promotes the secondary (after the primary's demote, never two primaries). #>
        Invoke-VaultDrDemote -Connection $Primary.Connection -Confirm:$false -WarningAction SilentlyContinue
        Invoke-VaultDrPromote -Connection $Dr -DrOperationToken $Token -Confirm:$false -WarningAction SilentlyContinue
        (Get-VaultDrStatus -Connection $Dr).Mode | Should -Be 'primary'
    }
}

Describe 'PGP with GnuPG: each side reads what the other wrote' {
    AfterEach {
        Stop-VaultDrLab
        Remove-GnuPgHome $gnupgHome
    }

    It 'gpg --decrypt opens the lab''s encrypted key shares and its encrypted DR operation token, which promotes' {
        Assert-GnuPg
        $script:gnupgHome = New-GnuPgHome
        $fingerprint = New-GnuPgKey $gnupgHome
        $publicKey = Join-Path $gnupgHome 'holder.pub.gpg'
        [IO.File]::WriteAllBytes($publicKey, (Invoke-Gpg $gnupgHome @('--export', $fingerprint)))

        # One gpg key for all three shares, as a lone key holder would have it: the lab encrypts each share's hex text.
        $primary, $secondary, $dr = Start-DrPair -LabParameters @{ PgpKeyPath = $publicKey, $publicKey, $publicKey; KeyThreshold = 2 }
        @($primary.UnsealKeys).Count | Should -Be 0
        $primary.PgpFingerprints | Should -Be (@($fingerprint.ToLowerInvariant()) * 3)
        $shares = $primary.EncryptedUnsealKeys | Select-Object -First 2 | ForEach-Object {
            $hex = [Text.Encoding]::ASCII.GetString((Invoke-Gpg $gnupgHome @('--decrypt') -InputBytes ([Convert]::FromBase64String($_))))
            $hex | Should -Match '^[0-9a-f]{66}$'
            ConvertTo-TestSecret $hex
        }

        $encrypted = $shares | New-VaultDrOperationToken -Connection $dr -PgpKeyPath $publicKey -WarningAction SilentlyContinue

        $encrypted.PgpFingerprint | Should -Be $fingerprint.ToLowerInvariant()
        $message = [Convert]::FromBase64String((ConvertFrom-TestSecret $encrypted.EncodedToken))
        $message[0] -band 0x80 | Should -Be 0x80 -Because 'a binary OpenPGP message, not an armored one'
        $token = [Text.Encoding]::ASCII.GetString((Invoke-Gpg $gnupgHome @('--decrypt') -InputBytes $message))
        $token | Should -Match '^hvs\.[A-Za-z0-9]{24}$'
        Assert-Promotes $primary $dr (ConvertTo-TestSecret $token)
    }

    It 'Unprotect-VaultDrKeyShare opens key shares gpg --encrypt encrypted, with the passphrase; they make a token that promotes' {
        Assert-GnuPg
        $script:gnupgHome = New-GnuPgHome
        $fingerprint = New-GnuPgKey $gnupgHome -Passphrase 'rehearsal passphrase'
        $privateKey = Join-Path $gnupgHome 'holder.key.asc'
        [IO.File]::WriteAllBytes($privateKey, (Invoke-Gpg $gnupgHome @('--passphrase', 'rehearsal passphrase', '--armor', '--export-secret-keys', $fingerprint)))
        $primary, $secondary, $dr = Start-DrPair
        $encryptedShares = Get-LabKeyShares $primary | ForEach-Object {
            $message = Invoke-Gpg $gnupgHome @('--encrypt', '--recipient', $fingerprint) -InputBytes ([Text.Encoding]::ASCII.GetBytes((ConvertFrom-TestSecret $_)))
            [Convert]::ToBase64String($message)
        }

        $shares = $encryptedShares | Unprotect-VaultDrKeyShare -PgpPrivateKeyPath $privateKey -PgpPassphrase (ConvertTo-TestSecret 'rehearsal passphrase')

        @($shares).Count | Should -Be 3
        $shares | ForEach-Object { $_ | Should -BeOfType [securestring] }
        ($shares | ForEach-Object { ConvertFrom-TestSecret $_ }) | Should -Be (Get-LabKeyShares $primary | ForEach-Object { ConvertFrom-TestSecret $_ })
        $token = $shares | New-VaultDrOperationToken -Connection $dr -WarningAction SilentlyContinue
        Assert-Promotes $primary $dr $token.DrOperationToken
    }
}

Describe 'A PGP rehearsal with lab-made keys, without gpg' {
    BeforeAll {
        $script:keyFolder = Join-Path ([IO.Path]::GetTempPath()) "vaultdr-pgp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $script:keys = New-VaultDrLabPgpKey -Path $keyFolder -Count 3 -Passphrase (ConvertTo-TestSecret 'lab passphrase')
        $script:primary, $script:secondary, $script:dr = Start-DrPair -LabParameters @{ PgpKeyPath = $keys.PublicKeyPath }
    }
    AfterAll {
        Stop-VaultDrLab
        Remove-Item -Recurse -Force $keyFolder -ErrorAction SilentlyContinue
    }

    It 'New-VaultDrLabPgpKey wrote each pair, the private key readable by its owner only' {
        $keys.Name | Should -Be @('keyholder-1', 'keyholder-2', 'keyholder-3')
        $keys.Fingerprint | ForEach-Object { $_ | Should -Match '^[0-9a-f]{40}$' }
        $keys.HasPassphrase | Should -Be @($true, $true, $true)
        Get-Content -Raw $keys[0].PublicKeyPath | Should -Match '^-----BEGIN PGP PUBLIC KEY BLOCK-----'
        Get-Content -Raw $keys[0].PrivateKeyPath | Should -Match '^-----BEGIN PGP PRIVATE KEY BLOCK-----'
        if (-not $IsWindows) { (Get-Item $keys[0].PrivateKeyPath).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        $thrown = { New-VaultDrLabPgpKey -Path $keyFolder -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrPgpKeyFileExists,VaultDr.Commands.NewVaultDrLabPgpKeyCommand'
        $thrown.CategoryInfo.Category | Should -Be 'ResourceExists' 
    }

    It '-PgpKeyPath with -AutoUnseal is refused before any lab starts: recovery keys are not what it encrypts' {
        $before = @(Get-VaultDrLab).Count
        $thrown = { Start-VaultDrLab -AutoUnseal -PgpKeyPath $keys.PublicKeyPath -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrPgpWithAutoUnseal,VaultDr.Commands.StartVaultDrLabCommand'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.Exception.Message | Should -Match 'Start one lab with -AutoUnseal and another with -PgpKeyPath'
        @(Get-VaultDrLab).Count | Should -Be $before
    }

    It 'the cluster has one share per key, only encrypted; a plain-share ceremony says what to do' {
        $primary.KeyThreshold | Should -Be 3
        @($primary.UnsealKeys).Count | Should -Be 0
        $primary.EncryptedUnsealKeys.Count | Should -Be 3
        $primary.PgpFingerprints | Should -Be $keys.Fingerprint
        $thrown = { $primary.UnsealKeys | New-VaultDrOperationToken -Connection $dr -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrNoKeyShares,VaultDr.Commands.NewVaultDrOperationTokenCommand'
    }

    It 'the key holders'' shares open with their keys, and a PGP ceremony gives a token only the chosen key opens; it promotes' {
        $passphrase = ConvertTo-TestSecret 'lab passphrase'
        $shares = $primary.EncryptedUnsealKeys | Unprotect-VaultDrKeyShare -PgpPrivateKeyPath $keys.PrivateKeyPath -PgpPassphrase $passphrase

        $encrypted = $shares | New-VaultDrOperationToken -Connection $dr -PgpKeyPath $keys[1].PublicKeyPath -WarningAction SilentlyContinue

        $encrypted.PgpFingerprint | Should -Be $keys[1].Fingerprint
        $encrypted.DrOperationToken | Should -BeNullOrEmpty
        $encrypted | Unprotect-VaultDrOperationToken -PgpPrivateKeyPath $keys[0].PrivateKeyPath -PgpPassphrase $passphrase -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrPgpNoMatchingKey,VaultDr.Commands.UnprotectVaultDrOperationTokenCommand'
        $token = $encrypted | Unprotect-VaultDrOperationToken -PgpPrivateKeyPath $keys[1].PrivateKeyPath -PgpPassphrase $passphrase
        Assert-Promotes $primary $dr $token.DrOperationToken
        $token | Revoke-VaultDrOperationToken -Connection $dr -Confirm:$false -ErrorAction SilentlyContinue
    }
}
