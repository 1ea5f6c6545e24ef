<#
.SYNOPSIS
    Shared by the docs tests (Docs, DocExamples, Readme, Demo, Package): reads docs/<cmdlet>.md (PlatyPS 0.14
    schema) into sections, parameter yaml blocks and examples; reads the about page's powershell blocks; finds
    variables an example uses that nothing on its page assigned; runs a page's examples in a fresh runspace;
    runs script text in a fresh pwsh.
#>

$script:DocsFolder = (Resolve-Path (Join-Path $PSScriptRoot '../../docs')).Path
$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

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

function Read-AboutExample([string] $Path) {
    <#
        Every powershell block of an about page, in order. An about page has no EXAMPLES section of blocks: its
        examples sit in the prose, so each is titled by the heading it stands under (numbered when a heading has
        several).
    #>
    $lines = (Get-Content -Raw $Path) -split "`r?`n"
    $heading = $null
    $fence = $null
    $block = $null
    $examples = [System.Collections.Generic.List[object]]::new()
    foreach ($line in $lines) {
        if ($null -eq $fence -and $line -match '^(```|~~~)\s*(\S*)') { $fence = $Matches[1]; $block = @{ Info = $Matches[2]; Lines = [System.Collections.Generic.List[string]]::new() }; continue }
        if ($null -ne $fence -and $line.Trim() -eq $fence) {
            $fence = $null
            if ($block.Info -eq 'powershell') {
                $count = @($examples | Where-Object Heading -eq $heading).Count
                $title = if ($count) { "$heading ($($count + 1))" } else { $heading }
                $examples.Add([pscustomobject]@{ Heading = $heading; Title = $title; Code = ($block.Lines -join "`n") })
            }
            continue
        }
        if ($null -ne $fence) { $block.Lines.Add($line); continue }
        if ($line -match '^#+ (.+?)\s*$') { $heading = $Matches[1] }
    }
    $examples
}

# What a fresh session defines by itself ($true, $null, $HOME, $PID, the preference variables, ...), asked once.
$script:FreshSessionVariables = $null

function Get-AutomaticVariableName {
    <#
        The variables an example may use without assigning them: what a fresh runspace already defines, plus the
        ones PowerShell sets only in context ($_ in a pipeline, $args in a script block, $Matches after -match).
    #>
    if ($null -eq $script:FreshSessionVariables) {
        $shell = [powershell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
        try { $script:FreshSessionVariables = @($shell.AddCommand('Get-Variable').Invoke() | ForEach-Object Name) }
        finally { $shell.Runspace.Dispose(); $shell.Dispose() }
    }
    $contextual = '_', 'PSItem', 'args', 'input', 'this', 'Matches', 'foreach', 'switch', 'PSCmdlet', 'PSBoundParameters',
        'MyInvocation', 'LASTEXITCODE', 'PSScriptRoot', 'PSCommandPath', 'StackTrace', 'Event', 'EventArgs',
        'EventSubscriber', 'Sender', 'SourceArgs', 'SourceEventArgs'
    @($script:FreshSessionVariables) + $contextual
}

function Get-ExampleVariable([string] $Code) {
    <#
        The variables one example assigns and the ones it uses (by name, scope qualifiers dropped; $env: and other
        drive-qualified names are not variables an example defines). Assigned: the left side of =, +=, ... (also
        $a, $b = ... and [type]$a = ...), a foreach variable, a param() or script block parameter, a [ref] argument,
        and the names given to -OutVariable, -ErrorVariable, -WarningVariable, -InformationVariable and
        -PipelineVariable (or their aliases).
    #>
    # A page whose examples do not parse is reported by Docs.Tests.ps1; here the parser's best reading is enough.
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$null)
    # $global:name and $name are the same variable here; an example runs at the global scope.
    $nameOf = { param($Variable) $Variable.VariablePath.UserPath -replace '^(global|local|script|private|using):', '' }
    $assigned = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $targets = [System.Collections.Generic.HashSet[object]]::new()
    $addTarget = {
        param($Expression)
        switch ($Expression) {
            { $_ -is [System.Management.Automation.Language.VariableExpressionAst] } {
                [void]$targets.Add($_); [void]$assigned.Add((& $nameOf $_))
            }
            { $_ -is [System.Management.Automation.Language.ArrayLiteralAst] } { foreach ($element in $_.Elements) { & $addTarget $element } }
            { $_ -is [System.Management.Automation.Language.AttributedExpressionAst] } { & $addTarget $_.Child }
        }
    }
    $variableParameters = 'OutVariable', 'ov', 'ErrorVariable', 'ev', 'WarningVariable', 'wv', 'InformationVariable', 'iv', 'PipelineVariable', 'pv'
    foreach ($node in $ast.FindAll({ $true }, $true)) {
        switch ($node) {
            { $_ -is [System.Management.Automation.Language.AssignmentStatementAst] } { & $addTarget $_.Left }
            { $_ -is [System.Management.Automation.Language.ForEachStatementAst] } { & $addTarget $_.Variable }
            { $_ -is [System.Management.Automation.Language.ParameterAst] } { & $addTarget $_.Name }
            { $_ -is [System.Management.Automation.Language.ConvertExpressionAst] -and $_.Type.TypeName.FullName -eq 'ref' } { & $addTarget $_.Child }
            { $_ -is [System.Management.Automation.Language.CommandAst] } {
                $elements = $_.CommandElements
                for ($i = 0; $i -lt $elements.Count; $i++) {
                    $parameter = $elements[$i]
                    if ($parameter -isnot [System.Management.Automation.Language.CommandParameterAst] -or $parameter.ParameterName -notin $variableParameters) { continue }
                    $value = if ($parameter.Argument) { $parameter.Argument } elseif ($i + 1 -lt $elements.Count) { $elements[$i + 1] }
                    # -ErrorVariable +name appends to name: the same variable.
                    if ($value -is [System.Management.Automation.Language.StringConstantExpressionAst]) { [void]$assigned.Add($value.Value.TrimStart('+')) }
                }
            }
        }
    }
    $used = foreach ($variable in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.VariableExpressionAst] }, $true)) {
        if ($targets.Contains($variable) -or $variable.VariablePath.IsDriveQualified) { continue }
        [pscustomobject]@{ Name = (& $nameOf $variable); Line = $variable.Extent.StartLineNumber }
    }
    [pscustomobject]@{ Assigned = @($assigned); Used = @($used) }
}

function Find-UnassignedVariable([object[]] $Examples) {
    <#
        The static check behind "every example runs as pasted, in order, in a fresh session": each variable an
        example uses must be assigned by that example or by an earlier one on its page, or be automatic. Returns
        one {Example, Variable, Line} per offending variable (first use in the example); nothing when the page is
        clean.
    #>
    $automatic = [System.Collections.Generic.HashSet[string]]::new([string[]](Get-AutomaticVariableName), [StringComparer]::OrdinalIgnoreCase)
    $known = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    foreach ($example in $Examples) {
        $variables = Get-ExampleVariable $example.Code
        foreach ($name in $variables.Assigned) { [void]$known.Add($name) }
        $variables.Used | Where-Object { -not $known.Contains($_.Name) -and -not $automatic.Contains($_.Name) } |
            Group-Object Name | ForEach-Object {
                [pscustomobject]@{ Example = $example.Title; Variable = $_.Name; Line = [int]($_.Group | Measure-Object Line -Minimum).Minimum }
            }
    }
}

function New-DocExampleSession([string] $ModuleManifest) {
    <#
        A fresh runspace for one page's examples. Nothing is defined in it but what PowerShell defines; the built
        module is imported by its manifest, as a reader's Import-Module would; the location is the repository root,
        where the docs tell a reader to build and import from. It has no host that can prompt, so, like pwsh
        -NonInteractive or a pipeline agent, a High-impact call without -Confirm:$false fails there.
        Runspaces share the process environment: the session remembers it, so Close-DocExampleSession can undo an
        example's $env: changes.
    #>
    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    $session = [pscustomobject]@{
        Runspace    = $runspace
        Environment = [System.Environment]::GetEnvironmentVariables()
    }
    $shell = [powershell]::Create()
    $shell.Runspace = $runspace
    try {
        [void]$shell.AddCommand('Import-Module').AddParameter('Name', (Resolve-Path $ModuleManifest).Path).AddParameter('ErrorAction', 'Stop').AddStatement()
        [void]$shell.AddCommand('Set-Location').AddParameter('LiteralPath', $script:RepositoryRoot)
        [void]$shell.Invoke()
    }
    finally { $shell.Dispose() }
    $session
}

function Invoke-DocExample($Session, [string] $Code) {
    <#
        Runs one example in the page's runspace as if pasted at its prompt: dot-sourced into the global scope, so
        its variables are there for the next example of the page. Returns Failed (it wrote an error or threw) and a
        Transcript of everything it wrote (output as the console would show it, warnings, information, errors).
    #>
    # A "PS C:\>" prompt, if an example shows one, is not part of the command.
    $text = $Code -replace '(?m)^PS [^>\r\n]*> ?', ''
    $shell = [powershell]::Create()
    $shell.Runspace = $Session.Runspace
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $thrown = $null
    try {
        # Formatted as the console would show it, line by line, so the lines before a terminating error are kept.
        [void]$shell.AddScript($text, $false).AddCommand('Out-String').AddParameter('Stream', $true).AddParameter('Width', 160)
        try { $shell.Invoke($null, $output) }
        catch { $thrown = if ($_.Exception.InnerException) { $_.Exception.InnerException } else { $_.Exception } }
        $errors = @($shell.Streams.Error | ForEach-Object {
                $position = if ($_.InvocationInfo -and $_.InvocationInfo.ScriptLineNumber) { " (line $($_.InvocationInfo.ScriptLineNumber))" }
                "$($_.FullyQualifiedErrorId)$($position): $($_.Exception.Message)"
            })
        if ($thrown) {
            $record = if ($thrown -is [System.Management.Automation.IContainsErrorRecord]) { $thrown.ErrorRecord }
            $errors += "thrown: $(if ($record) { "$($record.FullyQualifiedErrorId): " })$($thrown.Message)"
        }
        $transcript = @(
            ($output | ForEach-Object { "$_" }) -join "`n"
            $shell.Streams.Warning | ForEach-Object { "WARNING: $_" }
            $shell.Streams.Information | ForEach-Object { "$($_.MessageData)" }
            $errors | ForEach-Object { "ERROR: $_" }
        ) -join "`n"
        [pscustomobject]@{ Failed = $errors.Count -gt 0; Errors = $errors; Transcript = $transcript.Trim() }
    }
    finally { $shell.Dispose() }
}

function Close-DocExampleSession($Session) {
    <# Stops every lab the page's examples started (in their runspace), closes it and restores the environment. #>
    $shell = [powershell]::Create()
    $shell.Runspace = $Session.Runspace
    try { [void]$shell.AddCommand('Stop-VaultDrLab').Invoke() }
    finally {
        $shell.Dispose()
        $Session.Runspace.Dispose()
        $now = [System.Environment]::GetEnvironmentVariables()
        foreach ($name in $now.Keys) {
            if (-not $Session.Environment.Contains($name)) { [System.Environment]::SetEnvironmentVariable($name, $null) }
        }
        foreach ($name in $Session.Environment.Keys) {
            if ($now[$name] -ne $Session.Environment[$name]) { [System.Environment]::SetEnvironmentVariable($name, $Session.Environment[$name]) }
        }
    }
}
