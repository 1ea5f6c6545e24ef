BeforeAll {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
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

    It 'has a "Use" block that defines every variable it uses' {
        $missing = @(Find-UnassignedVariable @([pscustomobject]@{ Title = 'Use'; Code = (Get-ReadmeBlock 'Use') }) | ForEach-Object { "`$$($_.Variable) (line $($_.Line))" })
        $missing | Should -BeNullOrEmpty -Because 'a reader pastes it into a fresh session'
    }

    It 'has a "Use" block that runs as written against the lab and fails over safely: one primary, its secondary caught up' {
        $block = Join-Path ([IO.Path]::GetTempPath()) "VaultDrReadmeUse-$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content -Path $block -Value (Get-ReadmeBlock 'Use') -Encoding utf8NoBOM
        # Dot-sourced, as pasted at a prompt; then the clusters are read as they are left. $Error holds every
        # error the block wrote, shown or not.
        $check = @"
`$Error.Clear()
. '$block'
`$errors = @(`$Error | ForEach-Object { "`$_" })
`$modes = @(Get-VaultDrStatus -Connection `$dr, `$primary | ForEach-Object { [string]`$_.Mode })
`$caughtUp = Test-VaultDrReplication -Primary `$dr -Secondary `$primary -Quiet -WarningAction SilentlyContinue
`$steps = @(`$report.Steps | ForEach-Object { [ordered]@{ Name = [string]`$_.Name; Status = [string]`$_.Status } })
'VAULTDR-README-JSON ' + (@{ Errors = `$errors; Modes = `$modes; CaughtUp = `$caughtUp; Steps = `$steps } | ConvertTo-Json -Compress -Depth 4)
"@
        try {
            # A fresh pwsh in the repository root, as a reader would run it.
            Push-Location $Root
            try { $output = Invoke-FreshPwsh $check }
            finally { Pop-Location }
        }
        finally { Remove-Item -Force -ErrorAction Ignore $block }
        $jsonLine = $output -split "`r?`n" | Where-Object { $_.StartsWith('VAULTDR-README-JSON ') } | Select-Object -First 1
        $jsonLine | Should -Not -BeNullOrEmpty -Because $output
        $result = $jsonLine.Substring('VAULTDR-README-JSON '.Length) | ConvertFrom-Json
        @($result.Errors) | Should -BeNullOrEmpty -Because $output
        # The failover moved the primary role to the DR cluster and re-attached the old primary behind it.
        @($result.Modes) | Should -Be @('primary', 'secondary')
        $result.CaughtUp | Should -BeTrue -Because $output
        $output | Should -Not -Match 'TWO PRIMARIES' -Because 'the block demotes the primary before it promotes the secondary'
        $names = @($result.Steps.Name)
        $names.IndexOf('Demote the old primary') | Should -BeLessThan $names.IndexOf('Promote the secondary')
        @($result.Steps | Where-Object Status -ne 'Succeeded') | Should -BeNullOrEmpty
    }
}
