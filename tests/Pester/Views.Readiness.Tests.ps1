# The default views of src/VaultDr/VaultDr.Readiness.format.ps1xml at 80 columns (as Views.Tests.ps1 checks the other
# format files): a readiness report per secondary with its counts, its checks as a table and, with Format-List, with
# the threshold and the sentence that says what to do. A report made by Test-VaultDrReadiness against stub clusters,
# and reports built with long production names and the longest values a check writes.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ViewsCommon.ps1')

    function New-Check([string] $Cluster, [string] $Name, [string] $Result, [string] $Value, [string] $Threshold, [string] $Message) {
        [VaultDr.ReadinessCheck]@{ Cluster = $Cluster; Name = $Name; Result = $Result; Value = $Value; Threshold = $Threshold; Message = $Message }
    }
}

Describe 'Readiness views at 80 columns' {
    BeforeAll {
        $script:primaryStub = Start-StubVault
        $script:secondaryStub = Start-StubVault
        $null = $primaryStub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
        $null = $secondaryStub.Respond('GET', $StatusPath, 200, $StatusSecondaryJson)
        $null = $primaryStub.Respond('GET', '/v1/sys/health', 200, '{"version":"1.17.0+ent"}')
        $null = $secondaryStub.Respond('GET', '/v1/sys/health', 472, '{"version":"1.16.3+ent"}')
        $null = $primaryStub.Respond('GET', '/v1/sys/seal-status', 200, '{"type":"transit","t":3,"n":5,"recovery_seal":true}')
        $script:report = Test-VaultDrReadiness -Primary (New-StubConnection $primaryStub) -Secondary (New-StubConnection $secondaryStub)

        $long = 'vault-dr.eu-west-1.internal.example.com:8443'
        $script:checks = @(
            New-Check $long Replication Fail 'merkle-sync, 1234567 WALs behind' 'stream-wals, caught up' 'vault-dr.eu-west-1.internal.example.com:8443 is in state ''merkle-sync'', not ''stream-wals'' (still syncing).'
            New-Check $long Version Warn '1.17.0 -> 1.18.1' 'primary <= secondary' 'x.'
            New-Check 'vault-a.example.com' Tls Warn 'CN=vault-a.example.com, issued by CN=Example Corp Issuing CA 02, OU=Platform, O=Example, until 2026-12-04 23:18 UTC' '14 days' 'The certificate of vault-a.example.com expires in 4d 3h, on 2026-12-04 23:18 UTC: renew it before then, and reload Vault (SIGHUP) so the listener serves the new one.'
            New-Check 'vault-a.example.com' DrOperationToken Warn '3 of 5 recovery keys' 'a prepared batch token' 'y.'
            New-Check $long RaftQuorum Skipped $null 'healthy' 'A DR secondary answers Raft reads only with a DR operation token: pass -DrOperationToken.'
        )
    }
    AfterAll { $primaryStub.Dispose(); $secondaryStub.Dispose() }

    It 'VaultDr.ReadinessReport: primary, secondary, result and the count of each result' {
        $reports = @(
            $report
            [VaultDr.ReadinessReport]@{
                Primary = 'https://vault-a.example.com:8200'; Secondary = 'https://vault-dr.eu-west-1.internal.example.com:8443'
                PrimaryName = 'vault-a.example.com:8200'; SecondaryName = 'vault-dr.eu-west-1.internal.example.com:8443'; Result = 'Fail'; Checks = $checks
            }
        )
        $text = Show-View $reports

        Assert-View $text -Header Primary, Secondary, Result, Fail, Warn, Pass, Skipped
        $p, $s = $primaryStub.BaseAddress.Authority, $secondaryStub.BaseAddress.Authority
        $counts = foreach ($result in 'Fail', 'Warn', 'Pass', 'Skipped') { @($report.Checks | Where-Object Result -eq $result).Count }
        $text | Should -Match "(?m)^$([regex]::Escape($p)) +$([regex]::Escape($s)) +Fail +$($counts -join ' +') *$"
        $text | Should -Match '(?m)^vault-a\.example\.com +vault-dr\.eu-wes…:8443 +Fail +1 +3 +0 +1 *$'
    }

    It 'VaultDr.ReadinessCheck: cluster, name, result and the value, wrapped in its column' {
        $text = Show-View ($report.Checks + $checks)

        Assert-View $text -Header Cluster, Name, Result, Value
        Get-ColumnText $text -Label Name -Next Result | Should -Be ($report.Checks.Name + $checks.Name)
        Get-ColumnText $text -Label Result -Next Value | Should -Be ([string[]] ($report.Checks.Result + $checks.Result))
        # A word longer than the column is cut hard, so compare without the white space.
        Get-ColumnText $text -Label Value | ForEach-Object { $_ -replace '\s' } | Should -Be ([string[]] ($report.Checks.Value + $checks.Value) -replace '\s')
        $text | Should -Match '(?m)^vault-dr\.eu-w…:8443 +Replication +Fail +merkle-sync, 1234567 WALs behind *$'
        $text | Should -Match "(?m)^$([regex]::Escape($secondaryStub.BaseAddress.Authority)) +Version +Fail +1\.17\.0 -> 1\.16\.3 *$"
    }

    It 'VaultDr.ReadinessCheck with Format-List: the threshold and the whole message' {
        $text = Show-View $checks[2], $report.Checks[6] -List

        Assert-View $text -Label Cluster, Name, Result, Value, Threshold, Message
        $items = $text -split '(\r?\n){2,}' | Where-Object { $_.Trim() }
        Get-ListValue $items[0] Message | Should -Be $checks[2].Message
        Get-ListValue $items[0] Threshold | Should -Be '14 days'
        Get-ListValue $items[1] Value | Should -Be '3 of 5 recovery keys'
        Get-ListValue $items[1] Message | Should -Be $report.Checks[6].Message
        Get-ListValue $items[1] Message | Should -Match 'the ceremony needs 3 of 5 recovery key holders of the primary cluster'
    }

    It 'every view of the readiness format file was rendered above' {
        Get-UnrenderedView $ModuleManifest -File 'VaultDr.Readiness.format.ps1xml' | Should -BeNullOrEmpty
    }
}
