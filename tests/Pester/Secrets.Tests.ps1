BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # A fresh non-interactive pwsh, so -Debug behaves as in a pipeline agent and the transcript holds only the scenario.
    $work = Join-Path ([IO.Path]::GetTempPath()) ("vaultdr-secrets-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $work | Out-Null
    $resultPath = Join-Path $work 'result.json'
    $transcriptPath = Join-Path $work 'transcript.txt'
    $host_ = (Get-Process -Id $PID).Path
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'SecretsScenario.ps1'), '-ResultPath', $resultPath, '-TranscriptPath', $transcriptPath)
    if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { $pwshArgs = @((Join-Path $PSHOME 'pwsh.dll')) + $pwshArgs }
    $env:VAULTDR_MODULE_MANIFEST = (Resolve-Path $ModuleManifest).Path
    $script:ConsoleText = (& $host_ @pwshArgs 2>&1 | Out-String)
    $script:ExitCode = $LASTEXITCODE
    $script:Result = if (Test-Path $resultPath) { Get-Content -Raw $resultPath | ConvertFrom-Json } else { $null }
    $script:Transcript = if (Test-Path $transcriptPath) { Get-Content -Raw $transcriptPath } else { $null }
    Remove-Item -Recurse -Force $work

    function Get-Leaks([string[]] $Texts) {
        foreach ($secret in $Result.Secrets) {
            foreach ($text in $Texts) {
                if ($text -and $text.Contains($secret)) { "'$secret' in: $text"; break }
            }
        }
    }
}

Describe 'Secrets stay out of every stream, the transcript and $Error' {
    It 'the scenario ran to the end in a non-interactive pwsh despite -Debug' {
        $Result | Should -Not -BeNullOrEmpty -Because "the scenario wrote no result. Console: $ConsoleText"
        $ExitCode | Should -Be 0
        $Transcript | Should -Not -BeNullOrEmpty
        # The host pass really wrote every stream into the transcript, prompts included.
        $Transcript | Should -BeLike '*VERBOSE: *'
        $Transcript | Should -BeLike '*DEBUG: *'
        $Transcript | Should -BeLike '*WARNING: *'
        $Transcript | Should -BeLike '*Continue with this operation?*'
    }

    It 'the secrets were really used: sent to the stubs' {
        $sent = $Result.BodiesSent -join "`n"
        # The Vault token, the DR operation token, the activation token and key share 0 (OTP and encoded token only ever come back).
        foreach ($secret in $Result.Secrets[0, 1, 4, 5]) {
            $sent | Should -BeLike "*$secret*"
        }
        $Result.RequestCounts | ForEach-Object { $_ | Should -BeGreaterThan 15 }
    }

    It 'every kind of record was captured, including errors and warnings quoting secrets' {
        foreach ($kind in 'VerboseRecord', 'DebugRecord', 'WarningRecord', 'ErrorRecord', 'DrStatus', 'OperationToken', 'SecondaryActivationToken', 'OperationTokenProgress') {
            $Result.RecordKinds | Should -Contain $kind
        }
        ($Result.RecordTexts -join "`n") | Should -BeLike '*<redacted>*'
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidRequest,VaultDr.Commands.InvokeVaultDrPromoteCommand'
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidRequest,VaultDr.Commands.SubmitVaultDrKeyShareCommand'
        $Result.ErrorIds | Should -Contain 'VaultDrActivationTokenExpired,VaultDr.Commands.EnableVaultDrSecondaryCommand'
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidEncodedToken,VaultDr.Commands.UnprotectVaultDrOperationTokenCommand'
        # PGP: a wrong passphrase, and a decrypted token offered as a key share.
        $Result.ErrorIds | Should -Contain 'VaultDrPgpWrongPassphrase,VaultDr.Commands.UnprotectVaultDrOperationTokenCommand'
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidEncryptedKeyShare,VaultDr.Commands.UnprotectVaultDrKeyShareCommand'
        # The maintenance cmdlets on a DR secondary: the token in a body, and as X-Vault-Token (autopilot).
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidRequest,VaultDr.Commands.StartVaultDrReindexCommand'
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidRequest,VaultDr.Commands.GetVaultDrAutopilotStateCommand'
        $Result.ErrorIds | Should -Contain 'VaultDrInvalidRequest,VaultDr.Commands.SetVaultDrAutopilotConfigurationCommand'
        foreach ($kind in 'MerkleCorruptionReport', 'RaftPeer', 'AutopilotState', 'AutopilotConfiguration', 'ReplicationStatus') {
            $Result.RecordKinds | Should -Contain $kind
        }
    }

    It 'no secret appears in any captured record' {
        $Result | Should -Not -BeNullOrEmpty
        Get-Leaks $Result.RecordTexts | Should -BeNullOrEmpty
    }

    It 'no secret appears in $Error' {
        $Result | Should -Not -BeNullOrEmpty
        Get-Leaks $Result.ErrorTexts | Should -BeNullOrEmpty
    }

    It 'no secret appears in the transcript or on the console' {
        $Result | Should -Not -BeNullOrEmpty
        Get-Leaks @($Transcript) | Should -BeNullOrEmpty
        Get-Leaks @($ConsoleText) | Should -BeNullOrEmpty
    }
}
