BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:PesterModule = if ($env:VAULTDR_PESTER_MODULE) { $env:VAULTDR_PESTER_MODULE } else { Join-Path $Root '.packages/pester/5.7.1/tools/Pester.psd1' }

    function Get-ReadmeBlock([string] $Heading) {
        $text = Get-Content -Raw (Join-Path $script:Root 'README.md')
        $section = ($text -split "(?m)^## ")[1..99] | Where-Object { $_.StartsWith($Heading) } | Select-Object -First 1
        if ($section -notmatch '(?s)```powershell\r?\n(.*?)```') { throw "README has no powershell block under '## $Heading'." }
        return $Matches[1]
    }
}

Describe 'The README' {
    It 'gives exactly the two set-up commands' {
        $text = Get-Content -Raw (Join-Path $Root 'README.md')
        $commands = [regex]::Matches($text, 'dotnet tool restore && dotnet pwsh \./build\.ps1 -Task (\w+)') | ForEach-Object { $_.Groups[1].Value }
        $commands | Should -Be @('Demo', 'Test')
        Get-Content -Raw (Join-Path $Root '.ci/run') | Should -Match 'dotnet tool restore && dotnet pwsh \./build\.ps1 -Task Test'
    }

    It 'has a "Rehearse your runbook" Pester example that passes as written against the lab' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "VaultDrReadme-$([guid]::NewGuid().ToString('N')).Tests.ps1"
        Set-Content -Path $file -Value (Get-ReadmeBlock 'Rehearse your runbook') -Encoding utf8NoBOM
        try {
            # A fresh pwsh in the repository root, as a reader would run it.
            Push-Location $Root
            try {
                $output = dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$PesterModule'; `$r = Invoke-Pester -Path '$file' -PassThru -Output None; Write-Output ('RESULT ' + `$r.PassedCount + ' ' + `$r.FailedCount)" 2>&1
            }
            finally { Pop-Location }
            $result = $output | Where-Object { "$_" -match '^RESULT (\d+) (\d+)' } | Select-Object -Last 1
            $result | Should -Not -BeNullOrEmpty -Because ($output -join "`n")
            "$result" | Should -Be 'RESULT 1 0'
        }
        finally { Remove-Item -Force -ErrorAction Ignore $file }
    }
}
