<#
.SYNOPSIS
    Shared by Docs.Tests.ps1 and DocExamples.Tests.ps1: reads docs/<cmdlet>.md (PlatyPS 0.14 schema)
    into sections, parameter yaml blocks and examples, and runs script text in a fresh pwsh.
#>

$script:DocsFolder = (Resolve-Path (Join-Path $PSScriptRoot '../../docs')).Path

function Read-DocPage([string] $Path) {
    <# H2 sections (fences respected), the PARAMETERS yaml blocks and the EXAMPLES powershell blocks. #>
    $lines = (Get-Content -Raw $Path) -split "`r?`n"
    $sections = [ordered]@{}
    $current = $null
    $fence = $null
    $parameters = [System.Collections.Generic.List[object]]::new()
    $examples = [System.Collections.Generic.List[object]]::new()
    $h3 = $null
    $block = $null
    $description = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $lines) {
        if ($null -eq $fence -and $line -match '^(```|~~~)\s*(\S*)') {
            $fence = $Matches[1]; $block = @{ Info = $Matches[2]; Lines = [System.Collections.Generic.List[string]]::new() }
            if ($current) { $sections[$current].Add($line) }
            continue
        }
        if ($null -ne $fence -and $line.Trim() -eq $fence) {
            $fence = $null
            if ($current) { $sections[$current].Add($line) }
            if ($current -eq 'PARAMETERS' -and $h3 -like '-*' -and $block.Info -eq 'yaml') {
                $yaml = [ordered]@{}
                foreach ($entry in $block.Lines) {
                    if ($entry -match '^([^:]+):\s*(.*)$') { $yaml[$Matches[1].Trim()] = $Matches[2].Trim() }
                }
                $parameters.Add([pscustomobject]@{ Name = $h3.Substring(1); Description = ($description -join ' ').Trim(); Yaml = $yaml })
            }
            if ($current -eq 'EXAMPLES' -and $block.Info -eq 'powershell') {
                $examples.Add([pscustomobject]@{ Title = $h3; Code = ($block.Lines -join "`n") })
            }
            continue
        }
        if ($null -ne $fence) { $block.Lines.Add($line); if ($current) { $sections[$current].Add($line) }; continue }
        if ($line -match '^## (.+?)\s*$') {
            $current = $Matches[1]; $sections[$current] = [System.Collections.Generic.List[string]]::new(); $h3 = $null; continue
        }
        if ($line -match '^### (.+?)\s*$') { $h3 = $Matches[1]; $description.Clear() }
        elseif ($current -eq 'PARAMETERS' -and $h3 -like '-*' -and $line.Trim()) { $description.Add($line.Trim()) }
        if ($current) { $sections[$current].Add($line) }
    }
    [pscustomobject]@{
        Sections   = $sections
        Synopsis   = (($sections['SYNOPSIS'] | Where-Object { $_.Trim() }) -join ' ').Trim()
        Parameters = $parameters
        Examples   = $examples
        SyntaxSets = @($sections['SYNTAX'] | Where-Object { $_ -match '^### ' } | ForEach-Object { ($_ -replace '^### ', '' -replace '\s*\(Default\)$', '').Trim() })
    }
}

function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}) {
    <# Runs $Script in a new non-interactive pwsh (this pwsh's own host) and returns its output text. #>
    $scriptFile = Join-Path ([IO.Path]::GetTempPath()) ("vaultdr-docs-" + [guid]::NewGuid().ToString('n') + '.ps1')
    Set-Content -Path $scriptFile -Value $Script -Encoding utf8NoBOM
    try {
        $host_ = (Get-Process -Id $PID).Path
        $pwshArgs = @('-NoProfile', '-NonInteractive', '-File', $scriptFile)
        if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { $pwshArgs = @((Join-Path $PSHOME 'pwsh.dll')) + $pwshArgs }
        $saved = @{}
        foreach ($key in $Environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $Environment[$key]) }
        try { (& $host_ @pwshArgs 2>&1 | Out-String) }
        finally { foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) } }
    }
    finally { Remove-Item -Force -ErrorAction Ignore $scriptFile }
}

function Get-NormalizedText([string] $Text) {
    <# Markdown emphasis and code marks dropped, whitespace collapsed: how Get-Help shows a paragraph. #>
    (($Text -replace '[`*]', '') -replace '\s+', ' ').Trim()
}
