# build/Demo.ps1 (build.ps1 -Task Demo, the README's first command) against the built module: it must say what it
# does and do it. It runs once, in a fresh pwsh, as build.ps1 runs it (about 10 s).
BeforeAll {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $manifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
    $demo = Join-Path $RepositoryRoot 'build/Demo.ps1'
    $raw = Invoke-FreshPwsh "& '$demo' -ModuleManifest '$((Resolve-Path $manifest).Path)'"
    # Colours are terminal escapes when the host thinks it has a terminal; the text is what a reader sees.
    $script:Output = $raw -replace '\x1b\[[0-9;]*m', ''
    $script:Lines = $Output -split "`r?`n"

    function Get-StatusTable([string[]] $Lines, [int] $From) {
        <# The rows (Cluster, Mode) of the first status table at or after line $From. #>
        $header = $From
        while ($header -lt $Lines.Count -and $Lines[$header] -notmatch '^Cluster\s+Mode\s+State') { $header++ }
        $rows = for ($i = $header + 2; $i -lt $Lines.Count -and $Lines[$i].Trim(); $i++) {
            $columns = $Lines[$i].Trim() -split '\s+'
            [pscustomobject]@{ Cluster = $columns[0]; Mode = $columns[1] }
        }
        @($rows)
    }
}

Describe 'The demo (build.ps1 -Task Demo)' {
    It 'passes, and its verdict says where the primary role ended up' {
        $Output | Should -Match 'Demo PASSED: DR lifecycle \(enable, replicate, fail over by hand, fail back with Invoke-VaultDrFailover, clean up\) in [\d.]+ s; vault-1 is the only primary, vault-2 its caught-up DR secondary\.'
        $Output | Should -Not -Match 'TWO PRIMARIES'
    }

    It 'walks the steps it names, in order' {
        $titles = @(
            'Start a two-cluster lab \(TLS on, private CA\)'
            'Enable DR primary on vault-1'
            'Write data on vault-1'
            'Activation token from vault-1 -> enable vault-2 as its DR secondary \(wipes vault-2\)'
            'Fail over by hand: DR operation token on vault-2 from 3 unseal key shares, before anything changes'
            'Demote vault-1'
            'Promote vault-2'
            "Re-attach vault-1 as vault-2's DR secondary with update-primary \(no wipe\)"
            'Delete the DR operation tokens \(they never expire\)'
            'Read the data on the new primary vault-2, and write more there'
            'Fail back with Invoke-VaultDrFailover: vault-1 primary again, vault-2 re-attached as its secondary'
            'Read both writes on vault-1'
            'Stop the lab'
        )
        $stepLines = @($Lines | Where-Object { $_ -match '^\[\s*[\d.]+s\] \d+\. ' })
        $stepLines.Count | Should -Be $titles.Count -Because $Output
        for ($i = 0; $i -lt $titles.Count; $i++) {
            $stepLines[$i] | Should -Match "^\[\s*[\d.]+s\] $($i + 1)\. $($titles[$i])$"
        }
    }

    It 'fails over to vault-2 (one primary) and back to vault-1 (one primary), each time with the other caught up behind it' {
        $failover = [array]::FindIndex($Lines, [Predicate[string]] { param($line) $line -match '\] 8\. Re-attach' })
        $failback = [array]::FindIndex($Lines, [Predicate[string]] { param($line) $line -match '\] 11\. Fail back' })
        $failover | Should -BeGreaterThan 0
        $failback | Should -BeGreaterThan $failover
        $afterFailover = Get-StatusTable $Lines $failover
        @($afterFailover | ForEach-Object { "$($_.Cluster) $($_.Mode)" }) | Should -Be @('vault-1 secondary', 'vault-2 primary')
        $afterFailback = Get-StatusTable $Lines $failback
        @($afterFailback | ForEach-Object { "$($_.Cluster) $($_.Mode)" }) | Should -Be @('vault-1 primary', 'vault-2 secondary')
        $Output | Should -Match 'vault-1 caught up with vault-2 at WAL \d+'
        $Output | Should -Match '12\. Delete the DR operation tokens this failover generated \[Succeeded\]'
        $Output | Should -Match 'both secrets are on vault-1'
    }
}
