BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')
}

Describe 'Orchestration cmdlets keep every secret out of every stream, the transcript and $Error' {
    BeforeAll {
        # Some calls here fail on purpose: their error records are part of what is checked.
        $ErrorActionPreference = 'Continue'
        $a, $b = Start-VaultDrLab -ClusterCount 2 -StateStepDelayMs 30 -CatchUpDelayMs 60
        $transcript = Join-Path ([IO.Path]::GetTempPath()) "vaultdr-secrets-lab-$([guid]::NewGuid().ToString('n')).txt"
        $Error.Clear()
        $records = [System.Collections.Generic.List[object]]::new()
        Start-Transcript -Path $transcript | Out-Null
        try {
            $connA = $a.Connection
            $records.AddRange(@(Enable-VaultDrPrimary -Connection $connA -Verbose -Debug *>&1))
            $activation = New-VaultDrSecondaryToken -Connection $connA -Id $b.Name -Verbose -Debug
            $records.AddRange(@($activation | Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -Verbose -Debug *>&1))
            $connB = New-VaultDrConnection -Address $b.Address -Token $a.RootToken
            $records.AddRange(@(Wait-VaultDrReplication -Primary $connA -Secondary $connB -TimeoutSec 20 -Verbose -Debug *>&1))
            $records.AddRange(@(Test-VaultDrReplication -Primary $connA -Secondary $connB -Verbose -Debug *>&1))
            $records.AddRange(@(Get-VaultDrHealth -Connection $connA, $connB -Verbose -Debug *>&1))
            $batch = New-VaultDrBatchOperationToken -Connection $connA -Ttl 10m -Verbose -Debug
            $records.Add($batch)
            $shares = @(Get-LabKeyShares $a)
            $ceremony = $shares | New-VaultDrOperationToken -Connection $connB -Verbose -Debug 3>$null
            $records.Add($ceremony)
            $records.AddRange(@($ceremony | Revoke-VaultDrOperationToken -Connection $connB -Confirm:$false -Verbose -Debug *>&1))
            $records.AddRange(@(Wait-VaultDrReplication -Primary $connA -Secondary $connB -TimeoutSec 20 *>&1))
            $records.AddRange(@(Invoke-VaultDrFailover -Primary $connA -Secondary $connB -KeyShare $shares -Confirm:$false -Verbose -Debug *>&1))
            # Failures that quote what they were given: a used batch token on a cluster that is now primary, and a bad key share.
            $records.AddRange(@($batch | Invoke-VaultDrPromote -Connection $connB -Confirm:$false -Verbose -Debug *>&1))
            $records.AddRange(@(Invoke-VaultDrFailover -Primary $connB -Secondary $connA -DrOperationToken $batch.DrOperationToken -Unplanned -Confirm:$false -Verbose -Debug *>&1))
        }
        finally { Stop-Transcript | Out-Null }

        $script:Secrets = @(
            ConvertFrom-TestSecret $a.RootToken
            ConvertFrom-TestSecret $b.RootToken
            $a.UnsealKeys | ForEach-Object { ConvertFrom-TestSecret $_ }
            ConvertFrom-TestSecret $activation.ActivationToken
            ConvertFrom-TestSecret $batch.DrOperationToken
            ConvertFrom-TestSecret $ceremony.DrOperationToken
        )
        $script:Texts = @($records | ForEach-Object { "$_"; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString(); "$($_.ErrorDetails)" } })
        $script:Texts += @($records | Where-Object { $_ -is [VaultDr.FailoverReport] } | ForEach-Object { $_ | Format-List * | Out-String; $_.Steps | Format-List * | Out-String })
        $script:Texts += @($Error | ForEach-Object { "$_"; $_.Exception.ToString() })
        $script:TranscriptText = Get-Content -Raw $transcript
        Remove-Item -Force $transcript
        Stop-VaultDrLab
    }

    It 'the scenario produced verbose, debug, warning and error records, and the secrets were real' {
        $kinds = $records | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique
        foreach ($kind in 'VerboseRecord', 'DebugRecord', 'WarningRecord', 'ErrorRecord', 'FailoverReport', 'ReplicationHealth', 'VaultHealth') {
            $kinds | Should -Contain $kind
        }
        $Secrets.Count | Should -Be 10
        $Secrets | ForEach-Object { $_.Length | Should -BeGreaterThan 20 }
        $TranscriptText | Should -BeLike '*DEBUG: *'
    }

    It 'no secret appears in any record, in $Error or in the transcript' {
        $leaks = foreach ($secret in $Secrets) {
            foreach ($text in @($Texts) + $TranscriptText) {
                if ($text -and $text.Contains($secret)) { "a secret of length $($secret.Length) in: $($text.Substring(0, [Math]::Min(200, $text.Length)))"; break }
            }
        }
        $leaks | Should -BeNullOrEmpty
    }
}
