<#
    The command surface (syntax, parameter sets, OutputType, ConfirmImpact) matches the committed snapshot, so a
    refactor cannot change what users and scripts see by accident. After a deliberate change to the surface, run
    build.ps1 -Task Snapshot and commit the new Snapshots/VaultDr.Commands.txt with the change.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'CommandSnapshot.ps1')
    $script:SnapshotFile = Join-Path $PSScriptRoot 'Snapshots/VaultDr.Commands.txt'
}

Describe 'The command surface' {
    It 'matches Snapshots/VaultDr.Commands.txt' {
        $expected = (Get-Content -Raw $SnapshotFile) -replace "`r`n", "`n"
        $actual = Get-VaultDrCommandSurface -ModuleName VaultDr
        # Each line carries its section ("## Get-VaultDrStatus"), so a difference says which command it is in.
        $sectioned = {
            param([string] $Text)
            $section = ''
            foreach ($line in $Text.TrimEnd() -split "`n") {
                if ($line.StartsWith('## ')) { $section = $line.Substring(3) } elseif ($line) { "$section | $line" }
            }
        }
        $expectedLines = & $sectioned $expected
        $actualLines = & $sectioned $actual
        $diff = Compare-Object $expectedLines $actualLines | ForEach-Object {
            "$(if ($_.SideIndicator -eq '=>') { 'now:     ' } else { 'snapshot:' }) $($_.InputObject)"
        }
        $because = "the surface changed; if that is deliberate, run build.ps1 -Task Snapshot and commit the file:`n$($diff -join "`n")"
        $actual.TrimEnd() | Should -BeExactly $expected.TrimEnd() -Because $because
    }
}
