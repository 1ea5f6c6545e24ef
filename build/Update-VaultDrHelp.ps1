<#
.SYNOPSIS
    Regenerates the SYNTAX and PARAMETERS sections of docs/<cmdlet>.md from the compiled cmdlets, the
    way PlatyPS's Update-MarkdownHelp does, keeping every hand-written part (synopsis, description,
    examples, each parameter's description, inputs, outputs, notes, links). A cmdlet without a page
    gets a skeleton with PlatyPS's {{ Fill ... }} placeholders.
.DESCRIPTION
    Imports the module's assembly itself (not the manifest), so cmdlets that are built but not yet
    exported get pages too. Run it in a fresh pwsh: build.ps1 -Task Docs -Update does.
#>
param(
    [Parameter(Mandatory)][string] $ModuleAssembly,
    [Parameter(Mandatory)][string] $DocsFolder,
    [string] $ModuleName = 'VaultDr'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
$shouldProcessText = @{
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
    WhatIf  = "Shows what would happen if the cmdlet runs.`nThe cmdlet is not run."
}
$commonParametersText = 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).'

function Get-DocParameter($Command) {
    <# The parameters a page documents: everything but the common ones (WhatIf/Confirm stay). #>
    $Command.Parameters.Values | Where-Object { $common -notcontains $_.Name -or $_.Name -in 'WhatIf', 'Confirm' }
}

function Get-SetName($Command) {
    <# Parameter set names, the default one first, as PlatyPS lists them. #>
    $names = @($Command.ParameterSets | ForEach-Object Name)
    $default = $Command.DefaultParameterSet
    @($names | Where-Object { $_ -eq $default }) + @($names | Where-Object { $_ -ne $default })
}

function Format-PipelineInput($Set) {
    $kinds = @()
    if ($Set.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($Set.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-ParameterBlock($Command, $Parameter) {
    <# One yaml block per distinct (required, position, pipeline input), as PlatyPS writes them. #>
    $allSets = @(Get-SetName $Command)
    $sets = $Parameter.ParameterSets
    $groups = [ordered]@{}
    foreach ($setName in @($sets.Keys | Sort-Object { $i = $allSets.IndexOf($_); if ($i -lt 0) { -1 } else { $i } })) {
        $set = $sets[$setName]
        $position = if ($set.Position -eq [int]::MinValue) { 'Named' } else { [string]$set.Position }
        $key = '{0}|{1}|{2}' -f $set.IsMandatory, $position, (Format-PipelineInput $set)
        if (-not $groups.Contains($key)) { $groups[$key] = [System.Collections.Generic.List[string]]::new() }
        $groups[$key].Add($setName)
    }
    $validValues = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues)
    $wildcards = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    foreach ($key in $groups.Keys) {
        $required, $position, $pipeline = $key -split '\|'
        $names = $groups[$key]
        $setText = if ($names -contains '__AllParameterSets' -or ($groups.Count -eq 1 -and $names.Count -eq $allSets.Count -and $allSets.Count -gt 0 -and $sets.Count -eq $allSets.Count)) { '(All)' } else { $names -join ', ' }
        $lines = @(
            '```yaml'
            "Type: $($Parameter.ParameterType.Name)"
            "Parameter Sets: $setText"
            "Aliases: $($Parameter.Aliases -join ', ')".TrimEnd()
        )
        if ($validValues) { $lines += "Accepted values: $($validValues -join ', ')" }
        $lines += @(
            ''
            "Required: $required"
            "Position: $position"
            'Default value: None'
            "Accept pipeline input: $pipeline"
            "Accept wildcard characters: $wildcards"
            '```'
        )
        $lines -join "`n"
    }
}

function Get-SyntaxSection($Command) {
    $setNames = @(Get-SetName $Command)
    $parts = foreach ($setName in $setNames) {
        $set = $Command.ParameterSets | Where-Object Name -eq $setName
        $parameters = @($set.Parameters | Where-Object { $common -notcontains $_.Name -or $_.Name -in 'WhatIf', 'Confirm' })
        $positional = @($parameters | Where-Object { $_.Position -ge 0 } | Sort-Object Position)
        $named = @($parameters | Where-Object { $_.Position -lt 0 -and $_.Name -notin 'WhatIf', 'Confirm' })
        $tail = @($parameters | Where-Object { $_.Name -in 'WhatIf', 'Confirm' } | Sort-Object { $_.Name -eq 'Confirm' })
        $tokens = foreach ($p in $positional + $named + $tail) {
            $type = $p.ParameterType
            $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
            $name = if ($p.Position -ge 0) { "[-$($p.Name)]" } else { "-$($p.Name)" }
            $text = if ($isSwitch) { $name } else { "$name <$($type.Name)>" }
            if ($p.IsMandatory) { $text } else { "[$text]" }
        }
        $line = (@($Command.Name) + @($tokens) + '[<CommonParameters>]') -join ' '
        $heading = if ($setNames.Count -gt 1) { "### $setName$(if ($setName -eq $Command.DefaultParameterSet) { ' (Default)' })`n" } else { '' }
        $fence = '```'
        "$heading$fence`n$line`n$fence`n"
    }
    "## SYNTAX`n`n" + ($parts -join "`n")
}

function Split-Section([string] $Markdown) {
    <# H2 sections keyed by title (in order); '' holds what comes before the first. Fences are respected. #>
    $sections = [ordered]@{ '' = [System.Collections.Generic.List[string]]::new() }
    $current = ''
    $inFence = $false
    foreach ($line in $Markdown -split "`r?`n") {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^## (.+?)\s*$') {
            $current = $Matches[1].Trim().ToUpperInvariant()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        $sections[$current].Add($line)
    }
    $sections
}

function Get-ParameterDescription([System.Collections.Generic.List[string]] $Lines) {
    <# -Name -> the hand-written text between "### -Name" and its first yaml block. #>
    $result = @{}
    $name = $null
    $text = [System.Collections.Generic.List[string]]::new()
    $done = $false
    foreach ($line in @($Lines) + '### -') {
        if ($line -match '^### -?(.*)$') {
            if ($name) { $result[$name] = ($text -join "`n").Trim() }
            $name = $Matches[1].Trim()
            $text.Clear()
            $done = $false
            continue
        }
        if ($line -match '^```') { $done = $true }
        if ($name -and -not $done) { $text.Add($line) }
    }
    $result
}

function Get-ParametersSection($Command, [hashtable] $Descriptions) {
    $blocks = foreach ($parameter in @(Get-DocParameter $Command | Sort-Object Name)) {
        $description = if ($shouldProcessText.ContainsKey($parameter.Name)) { $shouldProcessText[$parameter.Name] }
            elseif ($Descriptions[$parameter.Name]) { $Descriptions[$parameter.Name] }
            else { "{{ Fill $($parameter.Name) Description }}" }
        "### -$($parameter.Name)`n$description`n`n" + ((Get-ParameterBlock $Command $parameter) -join "`n`n") + "`n"
    }
    "## PARAMETERS`n`n" + ($blocks -join "`n") + "`n### CommonParameters`n$commonParametersText`n"
}

function New-Page($Command) {
    $inputs = @(Get-DocParameter $Command | Where-Object { $_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName } } |
        ForEach-Object { $_.ParameterType.FullName } | Select-Object -Unique)
    $outputs = @($Command.OutputType | ForEach-Object { $_.Type.FullName } | Select-Object -Unique)
    $typeList = { param($types) if ($types) { ($types | ForEach-Object { "### $_`n" }) -join "`n" } else { "### None`n" } }
    # Get-Help -Online opens the page itself: an absolute https URL, also the first related link (Docs.Tests.ps1).
    $online = "https://github.com/vaultdr/VaultDr/blob/main/docs/$($Command.Name).md"
    @"
---
external help file: $ModuleName.dll-Help.xml
Module Name: $ModuleName
online version: $online
schema: 2.0.0
---

# $($Command.Name)

## SYNOPSIS
{{ Fill in the Synopsis }}

$(Get-SyntaxSection $Command)
## DESCRIPTION
{{ Fill in the Description }}

## EXAMPLES

### Example 1
``````powershell
PS C:\> {{ Add example code here }}
``````

{{ Add example description here }}

$(Get-ParametersSection $Command @{})
## INPUTS

$(& $typeList $inputs)
## OUTPUTS

$(& $typeList $outputs)
## NOTES

## RELATED LINKS

[Online Version:]($online)
"@
}

function Update-Page([string] $Markdown, $Command) {
    $sections = Split-Section $Markdown
    if (-not $sections.Contains('SYNTAX') -or -not $sections.Contains('PARAMETERS')) {
        throw "The page for $($Command.Name) has no ## SYNTAX or ## PARAMETERS section."
    }
    $descriptions = Get-ParameterDescription $sections['PARAMETERS']
    $text = [System.Text.StringBuilder]::new()
    foreach ($title in $sections.Keys) {
        $body = switch ($title) {
            '' { ($sections[''] -join "`n").TrimEnd() + "`n`n" }
            'SYNTAX' { Get-SyntaxSection $Command; "`n" }
            'PARAMETERS' { Get-ParametersSection $Command $descriptions; "`n" }
            default { "## $title`n" + (($sections[$title] -join "`n").TrimEnd()) + "`n`n" }
        }
        [void]$text.Append(($body -join ''))
    }
    # Titles were upper-cased to find them; PlatyPS writes them upper case anyway.
    $text.ToString().TrimEnd() + "`n"
}

$module = Import-Module (Resolve-Path $ModuleAssembly).Path -PassThru -Force
New-Item -ItemType Directory -Force -Path $DocsFolder | Out-Null
foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $path = Join-Path $DocsFolder "$($command.Name).md"
    if (Test-Path $path) {
        $before = Get-Content -Raw $path
        $after = Update-Page $before $command
        if ($after -ne ($before -replace "`r`n", "`n")) {
            Set-Content -Path $path -Value $after -NoNewline -Encoding utf8NoBOM
            Write-Host "    updated $path"
        }
    } else {
        Set-Content -Path $path -Value ((New-Page $command).TrimEnd() + "`n") -NoNewline -Encoding utf8NoBOM
        Write-Host "    created $path (fill in the {{ ... }} placeholders)"
    }
}
