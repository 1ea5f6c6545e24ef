# Rules about the repository's own files. Needs git and the checkout, not the module.

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:MaxLines = 450
    $script:SourceExtensions = '.cs', '.ps1', '.psm1', '.psd1', '.ps1xml', '.csproj', '.props', '.targets'

    # What git tracks, not what happens to lie in the tree: out/, bin/, obj/ and .packages/ are never looked at.
    # -z: paths come NUL-separated and unquoted, whatever characters they hold.
    $listing = git -C $Root ls-files -z
    if ($LASTEXITCODE -ne 0) { throw "git ls-files failed in $Root (exit code $LASTEXITCODE)." }
    $script:SourceFiles = @(
        "$listing" -split "`0" | Where-Object { $_ -and [System.IO.Path]::GetExtension($_) -in $SourceExtensions } |
            # A tracked file deleted in the working tree has nothing left to count.
            Where-Object { Test-Path -LiteralPath (Join-Path $Root $_) -PathType Leaf })
}

Describe 'The repository' {
    It 'finds the tracked source files it checks' {
        # Without this, a broken listing would let the next test pass on no files at all.
        $SourceFiles | Should -Contain 'build.ps1'
        $SourceFiles | Should -Contain 'VaultDr.psd1'
        $SourceFiles | Should -Contain 'Directory.Build.props'
        $SourceFiles | Should -Contain 'src/VaultDr/VaultDr.csproj'
        @($SourceFiles | Where-Object { $_ -like '*.cs' }).Count | Should -BeGreaterThan 100
    }

    # A file past one sitting gets split by role: a partial class, a test class per subject, a dot-sourced file of functions.
    It 'has no source file over 450 lines' {
        $tooLong = foreach ($file in $SourceFiles) {
            $count = [System.IO.File]::ReadAllLines((Join-Path $Root $file)).Length
            if ($count -gt $MaxLines) { "$file ($count lines)" }
        }
        $tooLong | Should -BeNullOrEmpty -Because "no source file may be over $MaxLines lines"
    }
}
