# Whose keys and which Vault version, against the lab: auto-unseal clusters and their recovery keys, shares Vault
# refuses, the Vault 2.x ceremony, and version skew before a failback. The request log (Get-VaultDrLabRequest) shows
# what reached each cluster.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    function New-LabPair([object[]] $Arguments) {
        <# A primary and a caught-up DR secondary of a new lab started with -ClusterCount 2 and the arguments. #>
        $params = @{ ClusterCount = 2; StateStepDelayMs = 30; CatchUpDelayMs = 60 }
        for ($i = 0; $i -lt $Arguments.Count; $i += 2) { $params[([string]$Arguments[$i]).TrimStart('-')] = $Arguments[$i + 1] }
        $a, $b = Start-VaultDrLab @params
        Enable-VaultDrPrimary -Connection $a.Connection -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $a.Connection -Id $b.Name |
            Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -WarningAction SilentlyContinue
        Wait-VaultDrReplication -Primary $a.Connection -Secondary $b.Connection -TimeoutSec 20 | Out-Null
        [pscustomobject]@{ A = $a; B = $b }
    }

    function Get-StateChange($Lab) { @(Get-VaultDrLabRequest -Lab $Lab | Where-Object Method -ne 'GET') }
}

Describe 'Auto-unseal clusters: recovery keys' {
    BeforeAll {
        $script:pair = New-LabPair '-AutoUnseal', $true, '-KeyShares', 4, '-KeyThreshold', 2
        $script:shamir = @(Start-VaultDrLab -ClusterCount 1)[0]
    }
    AfterAll { Stop-VaultDrLab }

    It 'each LabCluster has recovery keys and their threshold, and no unseal keys' {
        foreach ($cluster in $pair.A, $pair.B) {
            $cluster.SealType | Should -Be 'transit'
            $cluster.RecoveryKeys.Count | Should -Be 4
            $cluster.RecoveryKeys | ForEach-Object { $_ | Should -BeOfType [securestring] }
            $cluster.RecoveryThreshold | Should -Be 2
            $cluster.UnsealKeys.Count | Should -Be 0
            $cluster.KeyThreshold | Should -Be 0
        }
        $shamir.SealType | Should -Be 'shamir'
        $shamir.RecoveryKeys.Count | Should -Be 0
        $shamir.RecoveryThreshold | Should -Be 0
    }

    It 'sys/seal-status reports the transit seal and the recovery configuration, on the DR secondary too' {
        foreach ($seal in Get-VaultDrSealStatus -Connection $pair.A.Connection, $pair.B.Connection) {
            $seal.Type | Should -Be 'transit'
            $seal.RecoverySeal | Should -BeTrue
            $seal.RecoverySealType | Should -Be 'shamir'
            $seal.Threshold, $seal.Shares | Should -Be 2, 4
        }
        (Get-VaultDrSealStatus -Connection $shamir.Connection).RecoverySeal | Should -BeFalse
    }

    It 'the ceremony takes the recovery threshold of the primary''s recovery keys' {
        Clear-VaultDrLabRequest -Lab $pair.A.Lab
        (Get-VaultDrOperationTokenProgress -Connection $pair.B.Connection).Required | Should -Be 2

        $op = $pair.A.RecoveryKeys | New-VaultDrOperationToken -Connection $pair.B.Connection -WarningAction SilentlyContinue

        ConvertFrom-TestSecret $op.DrOperationToken | Should -Match '^hvs\.[A-Za-z0-9]{24}$'
        @(Get-VaultDrLabRequest -Cluster $pair.B | Where-Object Path -like '*/generate-operation-token/update').Count | Should -Be 2
        $op | Revoke-VaultDrOperationToken -Connection $pair.B.Connection -Confirm:$false
    }

    It 'unseal keys are refused as Vault refuses them, and the error names the primary''s recovery keys' {
        $unsealKeys = Get-LabKeyShares $shamir
        Clear-VaultDrLabRequest -Lab $pair.A.Lab

        $unsealKeys | New-VaultDrOperationToken -Connection $pair.B.Connection -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue | Should -BeNullOrEmpty

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrKeySharesRefused,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failed[0].Exception.Message | Should -BeLike "*(400: root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values). $($pair.B.Name) is a DR secondary with an auto-unseal seal (transit): its DR operation token takes its DR primary's ($($pair.A.Address.GetLeftPart('Authority'))) recovery keys, 2 of 4,*"
        (Get-VaultDrOperationTokenProgress -Connection $pair.B.Connection).Started | Should -BeFalse -Because 'the refused attempt was cancelled'
        @(Get-VaultDrLabRequest -Cluster $pair.B | ForEach-Object { "$($_.Method) $($_.Path) $($_.Status)" }) | Should -Contain 'PUT /v1/sys/replication/dr/secondary/generate-operation-token/update 400'
    }

    It 'a Shamir cluster refuses recovery keys, and the error names its unseal keys' {
        $other = New-LabPair
        try {
            $pair.A.RecoveryKeys | Select-Object -First 3 | New-VaultDrOperationToken -Connection $other.B.Connection -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue

            $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrKeySharesRefused,VaultDr.Commands.NewVaultDrOperationTokenCommand'
            $failed[0].Exception.Message | Should -BeLike '*(400: root generation aborted: unable to authenticate: unable to retrieve stored keys: failed to decrypt encrypted stored keys: cipher: message authentication failed).*with a Shamir seal: its DR operation token takes its DR primary''s (*) unseal keys, 3 of 5,*'
        }
        finally { Stop-VaultDrLab -Lab $other.A.Lab }
    }
}

Describe 'Vault 2.x: the ceremony with a Vault token' {
    BeforeAll {
        $script:pair = New-LabPair '-VaultVersion', '2.0'
        $script:shares = @(Get-LabKeyShares $pair.A)
        $script:stranger = New-VaultDrConnection -Address $pair.B.Address -Token (ConvertTo-TestSecret 'hvs.NotATokenOfThisCluster0000') -MaxRetries 0
    }
    AfterAll { Stop-VaultDrLab }

    It 'sys/health reports 2.0.0+ent' {
        (Get-VaultDrHealth -Connection $pair.A.Connection, $pair.B.Connection).Version | Should -Be '2.0.0+ent', '2.0.0+ent'
    }

    It 'without a Vault token the ceremony is refused with 403, explained, and nothing is started' {
        $saved = $env:VAULT_TOKEN; $env:VAULT_TOKEN = $null
        try {
            $shares | New-VaultDrOperationToken -Address $pair.B.Address -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { $env:VAULT_TOKEN = $saved }

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failed[0].Exception.Message | Should -BeLike '*permission denied. Since Vault 2.0 the DR operation token ceremony (generate-operation-token) needs a Vault token as well as the key shares, and no Vault token was sent*New-VaultDrBatchOperationToken*enable_unauthenticated_access*'
        (Get-VaultDrOperationTokenProgress -Connection $pair.B.Connection).Started | Should -BeFalse
    }

    It 'a token the secondary does not know is refused the same way' {
        $shares | New-VaultDrOperationToken -Connection $stranger -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.NewVaultDrOperationTokenCommand'
        $failed[0].Exception.Message | Should -BeLike '*and the token sent (from -Token) was refused.*'
    }

    It 'with the primary''s root token (the secondary''s Connection) the ceremony passes' {
        $op = $shares | New-VaultDrOperationToken -Connection $pair.B.Connection -WarningAction SilentlyContinue
        ConvertFrom-TestSecret $op.DrOperationToken | Should -Match '^hvs\.'
        $op | Revoke-VaultDrOperationToken -Connection $pair.B.Connection -Confirm:$false
    }

    It 'with enable_unauthenticated_access naming it, the ceremony passes without a valid token, until it is cleared' {
        Set-VaultDrLabCluster -Cluster $pair.B -EnableUnauthenticatedAccess generate-operation-token
        try {
            $op = $shares | New-VaultDrOperationToken -Connection $stranger -WarningAction SilentlyContinue
            ConvertFrom-TestSecret $op.DrOperationToken | Should -Match '^hvs\.'
            $op | Revoke-VaultDrOperationToken -Connection $stranger -Confirm:$false
            (Get-VaultDrLabLog -Cluster $pair.B | Select-Object -Last 1).Message | Should -Be 'core: reloaded configuration: enable_unauthenticated_access=[generate-operation-token]'
        }
        finally { Set-VaultDrLabCluster -Cluster $pair.B -EnableUnauthenticatedAccess @() }
        $shares | New-VaultDrOperationToken -Connection $stranger -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrPermissionDenied,VaultDr.Commands.NewVaultDrOperationTokenCommand'
    }

    It 'Invoke-VaultDrFailover refuses a secondary without a usable token before any change' {
        Clear-VaultDrLabRequest -Lab $pair.A.Lab
        $report = Invoke-VaultDrFailover -Primary $pair.A.Connection -Secondary $stranger -KeyShare $shares -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrFailoverStepFailed,VaultDr.Commands.InvokeVaultDrFailoverCommand'
        $report.FailedStep | Should -BeLike '1. Preflight*'
        $report.Error | Should -BeLike '* runs Vault 2.0.0+ent: since Vault 2.0 the DR operation token ceremony needs a Vault token as well as the key shares, and the token configured for it was refused (403 permission denied). Nothing was changed.*'
        Get-StateChange $pair.A.Lab | Should -BeNullOrEmpty -Because 'the preflight only reads'
        (Get-VaultDrStatus -Connection $pair.A.Connection).Mode | Should -Be 'primary'
    }

    It 'Set-VaultDrLabCluster -WhatIf changes nothing' {
        Set-VaultDrLabCluster -Cluster $pair.B -VaultVersion 1.19 -EnableUnauthenticatedAccess rekey -WhatIf
        (Get-VaultDrHealth -Connection $pair.B.Connection).Version | Should -Be '2.0.0+ent'
    }
}

Describe 'Versions: a failback that would re-attach an older cluster' {
    BeforeAll {
        $script:pair = New-LabPair '-VaultVersion', '1.16.3'
        $script:shares = @(Get-LabKeyShares $pair.A)
    }
    AfterAll { Stop-VaultDrLab }

    It 'Test-VaultDrReplication flags a secondary older than its primary, and clears when it is upgraded' {
        Set-VaultDrLabCluster -Cluster $pair.A -VaultVersion 1.17.0
        $health = Test-VaultDrReplication -Primary $pair.A.Connection -Secondary $pair.B.Connection
        $health.Healthy | Should -BeFalse
        $health.VersionSkew | Should -BeTrue
        $health.FailedChecks | Should -Be @(
            "$($pair.B.Address.Authority) runs Vault 1.16.3+ent, older than $($pair.A.Address.Authority)'s 1.17.0+ent: it is not safe to replicate from a newer version of Vault to an older one. Upgrade $($pair.B.Address.Authority) to 1.17.0 or later (the secondaries first, then the primary).")

        Set-VaultDrLabCluster -Cluster $pair.A -VaultVersion 1.16.3
        Test-VaultDrReplication -Primary $pair.A.Connection -Secondary $pair.B.Connection -Quiet | Should -BeTrue
    }

    It 'after a failover, the old primary is upgraded first; failing back would re-attach the older one: refused' {
        $report = Invoke-VaultDrFailover -Primary $pair.A.Connection -Secondary $pair.B.Connection -KeyShare $shares -Confirm:$false
        $report.Succeeded | Should -BeTrue -Because ($report.Steps | Out-String)
        $report.OldPrimaryVersion, $report.NewPrimaryVersion | Should -Be '1.16.3+ent', '1.16.3+ent'
        Set-VaultDrLabCluster -Cluster $pair.A -VaultVersion 1.17.0
        Wait-VaultDrReplication -Primary $pair.B.Connection -Secondary $pair.A.Connection -TimeoutSec 20 | Out-Null
        Clear-VaultDrLabRequest -Lab $pair.A.Lab

        $back = Invoke-VaultDrFailover -Primary $pair.B.Connection -Secondary $pair.A.Connection -KeyShare $shares -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed[0].FullyQualifiedErrorId | Should -Be 'VaultDrFailoverStepFailed,VaultDr.Commands.InvokeVaultDrFailoverCommand'
        $back.OldPrimaryVersion, $back.NewPrimaryVersion | Should -Be '1.16.3+ent', '1.17.0+ent'
        $back.Error | Should -BeLike "$($pair.B.Name) (*) runs Vault 1.16.3+ent, older than $($pair.A.Name) (*)'s 1.17.0+ent*Upgrade $($pair.B.Name) (*) to 1.17.0 or later first, or add -Force."
        $back.NextSafeCommand | Should -Be "Nothing was changed. Upgrade $($pair.B.Name) to the Vault version of $($pair.A.Name) or later first (it becomes the secondary of $($pair.A.Name), and Vault must not replicate from a newer version to an older one), then run the failover again; -Force fails over anyway."
        Get-StateChange $pair.A.Lab | Should -BeNullOrEmpty
        (Get-VaultDrStatus -Connection $pair.B.Connection).Mode | Should -Be 'primary'
    }

    It 'with -Force the failback runs, warns, and says to upgrade the re-attached cluster' {
        $back = Invoke-VaultDrFailover -Primary $pair.B.Connection -Secondary $pair.A.Connection -KeyShare $shares -Force -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue

        $back.Succeeded | Should -BeTrue -Because ($back.Steps | Out-String)
        $back.NextSafeCommand | Should -Be "Upgrade $($pair.B.Name) to Vault 1.17.0 or later now: it replicates from a newer version, which is not safe."
        @($warned.Message) -like '-Force: * runs Vault 1.16.3+ent, older than *' | Should -HaveCount 1
        $old, $new = Get-VaultDrStatus -Connection $pair.B.Connection, $pair.A.Connection
        $old.Mode, $new.Mode | Should -Be 'secondary', 'primary'
        (Test-VaultDrReplication -Primary $pair.A.Connection -Secondary $pair.B.Connection).VersionSkew | Should -BeTrue
    }
}
