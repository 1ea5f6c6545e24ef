# The docs-drift test: every exported cmdlet has a page in docs/ that matches the compiled cmdlet, and
# Get-Help in a fresh pwsh shows that page (not the generated fallback). Covers whatever the module
# exports, so the lab cmdlets are checked as soon as they are exported.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $manifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
    $module = Import-Module $manifest -Force -PassThru
    $script:Cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters |
        Where-Object { $_ -notin 'WhatIf', 'Confirm' }
    $script:PlatyPSKeys = 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters'
    # A page's online version is the page itself on the project's site.
    $script:ProjectUri = (Import-PowerShellDataFile $ModuleManifest).PrivateData.PSData.ProjectUri.TrimEnd('/')
    function Get-OnlinePage([string] $Name) { "$ProjectUri/blob/main/docs/$Name.md" }
    function Test-AbsoluteHttps([string] $Uri) {
        $parsed = $null
        [uri]::TryCreate($Uri, [UriKind]::Absolute, [ref]$parsed) -and $parsed.Scheme -eq 'https'
    }

    function Get-DocCommand([string] $Name) { Get-Command $Name -Module VaultDr }

    # One fresh pwsh reads the help of every exported cmdlet and about_VaultDr, and answers in JSON.
    $helpScript = @'
$ErrorActionPreference = 'Stop'
$module = Import-Module $env:VAULTDR_MODULE_MANIFEST -PassThru
$commands = foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet) {
    $help = Get-Help $command.Name -Full
    [ordered]@{
        Name       = $command.Name
        Synopsis   = [string]$help.Synopsis
        Parameters = @($help.parameters.parameter | ForEach-Object { [ordered]@{ Name = [string]$_.name; Description = (@($_.description | ForEach-Object Text) -join ' ') } })
        Examples   = @($help.examples.example | ForEach-Object { [ordered]@{ Title = [string]$_.title; Code = [string]$_.code } })
    }
}
$about = Get-Help about_VaultDr | Out-String
'VAULTDR-HELP-JSON ' + (@{ Commands = @($commands); About = $about } | ConvertTo-Json -Depth 6 -Compress)
'@
    $output = Invoke-FreshPwsh $helpScript @{ VAULTDR_MODULE_MANIFEST = (Resolve-Path $ModuleManifest).Path }
    $jsonLine = ($output -split "`r?`n" | Where-Object { $_.StartsWith('VAULTDR-HELP-JSON ') } | Select-Object -First 1)
    $script:HelpOutput = $output
    $script:Help = if ($jsonLine) { $jsonLine.Substring('VAULTDR-HELP-JSON '.Length) | ConvertFrom-Json } else { $null }
}

Describe 'docs/<Name>.md' -ForEach $script:Cmdlets {
    BeforeAll {
        $path = Join-Path $DocsFolder "$Name.md"
        $page = if (Test-Path $path) { Read-DocPage $path } else { $null }
        $command = Get-DocCommand $Name
        $expectedNames = @($command.Parameters.Keys | Where-Object { $Common -notcontains $_ } | Sort-Object)
    }

    It 'exists, in PlatyPS 0.14 schema, with no {{ placeholders }} left' {
        $page | Should -Not -BeNullOrEmpty -Because "docs/$Name.md must exist (build.ps1 -Task Docs -Update writes a skeleton)"
        $text = Get-Content -Raw $path
        $text | Should -Match '(?s)^---\r?\nexternal help file: VaultDr\.dll-Help\.xml\r?\nModule Name: VaultDr\r?\nonline version:.*\r?\nschema: 2\.0\.0\r?\n---'
        $text | Should -Match "(?m)^# $([regex]::Escape($Name))\s*$"
        @($page.Sections.Keys) | Should -Be @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS')
        $text | Should -Not -Match '\{\{'
    }

    It 'lists exactly the cmdlet''s parameters, with PlatyPS''s yaml keys only' {
        @($page.Parameters.Name | Select-Object -Unique | Sort-Object) | Should -Be $expectedNames
        foreach ($block in $page.Parameters) {
            foreach ($key in $block.Yaml.Keys) { $PlatyPSKeys | Should -Contain $key -Because "-$($block.Name) in docs/$Name.md" }
            $block.Description | Should -Not -BeNullOrEmpty -Because "-$($block.Name) needs a description"
        }
        (Get-Content -Raw $path) | Should -Match '### CommonParameters\r?\nThis cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -Verbose, -WarningAction, and -WarningVariable\.'
    }

    It 'gives each parameter its real type, parameter sets, mandatory, position and pipeline input' {
        $allSets = @($command.ParameterSets.Name)
        foreach ($name in $expectedNames) {
            $parameter = $command.Parameters[$name]
            $blocks = @($page.Parameters | Where-Object Name -eq $name)
            $documentedSets = @($blocks | ForEach-Object { $_.Yaml['Parameter Sets'] -split ',\s*' } | ForEach-Object { if ($_ -eq '(All)') { $allSets } else { $_ } } | Sort-Object -Unique)
            $actualSets = @($parameter.ParameterSets.Keys | ForEach-Object { if ($_ -eq '__AllParameterSets') { $allSets } else { $_ } } | Sort-Object -Unique)
            $documentedSets | Should -Be $actualSets -Because "-$name's parameter sets"
            foreach ($setName in $parameter.ParameterSets.Keys) {
                $set = $parameter.ParameterSets[$setName]
                $block = $blocks | Where-Object { $sets = $_.Yaml['Parameter Sets'] -split ',\s*'; $sets -contains '(All)' -or $sets -contains $setName -or $setName -eq '__AllParameterSets' } | Select-Object -First 1
                $because = "-$name in set $setName"
                $block.Yaml['Type'] | Should -Be $parameter.ParameterType.Name -Because $because
                $block.Yaml['Required'] | Should -Be ([string]$set.IsMandatory) -Because $because
                $block.Yaml['Position'] | Should -Be $(if ($set.Position -eq [int]::MinValue) { 'Named' } else { [string]$set.Position }) -Because $because
                $kinds = @(if ($set.ValueFromPipelineByPropertyName) { 'ByPropertyName' }; if ($set.ValueFromPipeline) { 'ByValue' })
                $block.Yaml['Accept pipeline input'] | Should -Be $(if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }) -Because $because
                $block.Yaml['Aliases'] | Should -Be ($parameter.Aliases -join ', ') -Because $because
            }
        }
    }

    It 'has one SYNTAX block per parameter set, the default marked' {
        if ($command.ParameterSets.Count -gt 1) {
            @($page.SyntaxSets | Sort-Object) | Should -Be @($command.ParameterSets.Name | Sort-Object)
            (Get-Content -Raw $path) | Should -Match "(?m)^### $([regex]::Escape($command.DefaultParameterSet)) \(Default\)$"
        } else {
            $page.SyntaxSets | Should -BeNullOrEmpty
        }
    }

    It 'has a synopsis, a description, at least two powershell examples, inputs and outputs' {
        $page.Synopsis | Should -Not -BeNullOrEmpty
        ($page.Sections['DESCRIPTION'] -join ' ').Trim() | Should -Not -BeNullOrEmpty
        $page.Examples.Count | Should -BeGreaterOrEqual 2
        @($page.Sections['INPUTS'] | Where-Object { $_ -match '^### ' }) | Should -Not -BeNullOrEmpty
        @($page.Sections['OUTPUTS'] | Where-Object { $_ -match '^### ' }) | Should -Not -BeNullOrEmpty
    }

    It 'names the [OutputType] types under OUTPUTS' {
        $documented = @($page.Sections['OUTPUTS'] | Where-Object { $_ -match '^### ' } | ForEach-Object { $_.Substring(4).Trim() })
        foreach ($type in $command.OutputType) { $documented | Should -Contain $type.Type.FullName }
    }

    It 'has an absolute https online version (its page on the project site) and only absolute https related links, that one first' {
        $text = Get-Content -Raw $path
        $text -match '(?m)^online version:[ \t]*(\S*)\s*$' | Should -BeTrue
        $Matches[1] | Should -Be (Get-OnlinePage $Name)
        $links = @([regex]::Matches(($page.Sections['RELATED LINKS'] -join "`n"), '\[([^\]]*)\]\(([^)]*)\)') | ForEach-Object { [pscustomobject]@{ Text = $_.Groups[1].Value; Uri = $_.Groups[2].Value } })
        $links | Should -Not -BeNullOrEmpty
        foreach ($link in $links) { Test-AbsoluteHttps $link.Uri | Should -BeTrue -Because "Get-Help -Online and Get-Help -Full use '$($link.Uri)' ($($link.Text))" }
        # Get-Help -Online opens the first link. PlatyPS puts the online version first; the HelpBuilder keeps the
        # links as written, so the page says it first itself (PlatyPS then does not add it twice).
        $links[0].Text | Should -Be 'Online Version:'
        $links[0].Uri | Should -Be (Get-OnlinePage $Name)
    }

    It 'has examples that are valid PowerShell' {
        foreach ($example in $page.Examples) {
            $errors = $null
            [System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$null, [ref]$errors) | Out-Null
            $errors | Should -BeNullOrEmpty -Because "$($example.Title) in docs/$Name.md"
        }
    }

    It 'writes -Confirm:$false on every High-impact call in its examples (pipelines never prompt)' {
        $high = Get-Command -Module VaultDr -CommandType Cmdlet | Where-Object {
            $attribute = $_.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
            $attribute.SupportsShouldProcess -and $attribute.ConfirmImpact -eq 'High'
        } | ForEach-Object Name
        foreach ($example in $page.Examples) {
            $tokens = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$tokens, [ref]$null)
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                if ($high -contains $call.GetCommandName()) {
                    $call.Extent.Text | Should -Match '-Confirm:\$false|-WhatIf' -Because "$($example.Title) in docs/$Name.md runs non-interactively"
                }
            }
        }
    }

    It 'Get-Help -Full in a fresh pwsh shows the page: synopsis, every parameter''s description, the examples' {
        $Help | Should -Not -BeNullOrEmpty -Because "the fresh pwsh gave no JSON: $HelpOutput"
        $shown = $Help.Commands | Where-Object Name -eq $Name
        $shown.Synopsis | Should -Be (Get-NormalizedText $page.Synopsis)
        foreach ($name in $expectedNames) {
            $parameter = $shown.Parameters | Where-Object Name -eq $name
            $documented = ($page.Parameters | Where-Object Name -eq $name | Select-Object -First 1).Description
            (Get-NormalizedText $parameter.Description) | Should -Be (Get-NormalizedText $documented) -Because "-$name's description"
        }
        @($shown.Examples.Code) | Should -Be @($page.Examples.Code)
    }
}

Describe 'Module-level help' {
    It 'Get-Help about_VaultDr in a fresh pwsh shows the about topic' {
        $Help.About | Should -Match 'about_vaultdr'
        $Help.About | Should -Match 'SHORT DESCRIPTION'
        $Help.About | Should -Match 'Runs HashiCorp Vault Enterprise DR replication safely'
    }

    It 'the module folder carries en-US/VaultDr.dll-Help.xml and en-US/about_VaultDr.help.txt' {
        $folder = Split-Path -Parent (Resolve-Path $ModuleManifest)
        Join-Path $folder 'en-US/VaultDr.dll-Help.xml' | Should -Exist
        Join-Path $folder 'en-US/about_VaultDr.help.txt' | Should -Exist
    }

    It 'docs/VaultDr.md lists every page, in PlatyPS''s module page schema' {
        $text = Get-Content -Raw (Join-Path $DocsFolder 'VaultDr.md')
        $text | Should -Match '(?s)^---\r?\nModule Name: VaultDr\r?\nModule Guid: 5b0c8f7e-3d0a-4a57-9a51-2f1e7c4d9b21\r?\nDownload Help Link:.*\r?\nHelp Version: .+\r?\nLocale: en-US\r?\n---'
        foreach ($page in Get-ChildItem $DocsFolder -Filter '*-*.md') {
            $text | Should -Match "### \[$([regex]::Escape($page.BaseName))\]\($([regex]::Escape($page.Name))\)"
        }
    }
}

Describe 'Get-Help -Online' {
    # PowerShell opens the online help with the platform's opener: xdg-open (Linux) or open (macOS), found on PATH.
    # Stand-ins on PATH record the URI instead of starting a browser, so every cmdlet's -Online runs for real
    # here: a malformed URI (a relative link such as Enable-VaultDrPrimary.md) fails before anything is opened.
    # Windows opens URIs through the shell, which cannot be redirected like this.
    BeforeAll {
        $script:OpenerFolder = Join-Path ([IO.Path]::GetTempPath()) ('vaultdr-opener-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $OpenerFolder | Out-Null
        $script:OpenedFile = Join-Path $OpenerFolder 'opened.txt'
        if (-not $IsWindows) {
            foreach ($opener in 'xdg-open', 'open') {
                $file = Join-Path $OpenerFolder $opener
                Set-Content -Path $file -Value "#!/bin/sh`nprintf '%s\n' `"`$1`" >> '$OpenedFile'" -Encoding utf8NoBOM
                chmod +x $file
            }
        }
        $onlineScript = @'
$module = Import-Module $env:VAULTDR_MODULE_MANIFEST -PassThru
$names = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object Name)
$results = foreach ($name in $names) {
    $failure = $null
    if (-not $IsWindows) {
        try { Get-Help $name -Online -ErrorAction Stop } catch { $failure = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
    }
    [ordered]@{
        Name  = $name
        Error = $failure
        Links = @((Get-Help $name -Full).relatedLinks.navigationLink | ForEach-Object { [string]$_.uri })
    }
}
# The openers run as processes of their own: wait (up to 10 s) until each has written its line.
$deadline = (Get-Date).AddSeconds(10)
while (-not $IsWindows -and @(Get-Content -ErrorAction Ignore $env:VAULTDR_OPENED_FILE).Count -lt @($results | Where-Object { -not $_.Error }).Count -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
'VAULTDR-ONLINE-JSON ' + (@($results) | ConvertTo-Json -Depth 4 -Compress)
'@
        $environment = @{
            VAULTDR_MODULE_MANIFEST = (Resolve-Path $ModuleManifest).Path
            VAULTDR_OPENED_FILE     = $OpenedFile
            PATH                    = "$OpenerFolder$([IO.Path]::PathSeparator)$env:PATH"
        }
        $script:OnlineOutput = Invoke-FreshPwsh $onlineScript $environment
        $jsonLine = $OnlineOutput -split "`r?`n" | Where-Object { $_.StartsWith('VAULTDR-ONLINE-JSON ') } | Select-Object -First 1
        $script:Online = if ($jsonLine) { @($jsonLine.Substring('VAULTDR-ONLINE-JSON '.Length) | ConvertFrom-Json) } else { $null }
        $script:Opened = @(Get-Content -ErrorAction Ignore $OpenedFile)
    }

    AfterAll {
        Remove-Item -Recurse -Force -ErrorAction Ignore $OpenerFolder
    }

    It 'uses the page of <Name> as the online link, and only absolute https links' -ForEach $script:Cmdlets {
        $Online | Should -Not -BeNullOrEmpty -Because "the fresh pwsh gave no JSON: $OnlineOutput"
        $help = $Online | Where-Object Name -eq $Name
        # What PowerShell does for -Online: the first related link with a URI.
        $links = @($help.Links | Where-Object { $_ })
        $links[0] | Should -Be (Get-OnlinePage $Name)
        foreach ($uri in $links) { Test-AbsoluteHttps $uri | Should -BeTrue -Because "'$uri' is a related link of $Name" }
    }

    It 'Get-Help <Name> -Online opens its page' -ForEach $script:Cmdlets -Skip:$IsWindows {
        $help = $Online | Where-Object Name -eq $Name
        $help.Error | Should -BeNullOrEmpty
        $Opened | Should -Contain (Get-OnlinePage $Name)
    }
}
