BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # Runs a script in a fresh pwsh that believes it is on an Azure Pipelines agent; returns its stdout lines.
    function Invoke-OnAgent([string] $Script) {
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        'pwsh', '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$script:ModuleManifest'; $Script" | ForEach-Object { $start.ArgumentList.Add($_) }
        $start.Environment['TF_BUILD'] = 'True'
        $start.Environment['VAULT_MAX_RETRIES'] = '0'
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $null = $stderr.Result
        return $stdout -split "`r?`n"
    }
}

Describe 'On an Azure Pipelines agent (TF_BUILD)' {
    It 'an error becomes one logissue annotation; a silenced one does not' {
        $lines = Invoke-OnAgent "Get-VaultDrStatus -Address http://127.0.0.1:1 -ErrorAction Continue 2>`$null; Write-Output '--'; Get-VaultDrStatus -Address http://127.0.0.1:1 -ErrorAction SilentlyContinue; `$ErrorActionPreference = 'Ignore'; Get-VaultDrStatus -Address http://127.0.0.1:1"
        $separator = [array]::IndexOf($lines, '--')
        $separator | Should -BeGreaterThan 0
        @($lines[0..$separator] | Where-Object { $_ -like '##vso`[task.logissue type=error`]*' }).Count | Should -Be 1
        @($lines[$separator..($lines.Count - 1)] | Where-Object { $_ -like '##vso*' }).Count | Should -Be 0
    }

    It 'a warning becomes an annotation unless -WarningAction silences it' {
        $lines = Invoke-OnAgent "New-VaultDrConnection -Address http://127.0.0.1:1 -SkipCertificateCheck 3>`$null | Out-Null; Write-Output '--'; New-VaultDrConnection -Address http://127.0.0.1:1 -SkipCertificateCheck -WarningAction SilentlyContinue | Out-Null"
        $separator = [array]::IndexOf($lines, '--')
        @($lines[0..$separator] | Where-Object { $_ -like '##vso`[task.logissue type=warning`]*TLS certificate checks are OFF*' }).Count | Should -Be 1
        @($lines[$separator..($lines.Count - 1)] | Where-Object { $_ -like '##vso*' }).Count | Should -Be 0
    }
}
