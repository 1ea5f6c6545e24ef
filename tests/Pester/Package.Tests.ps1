# The Gallery-shaped package (build.ps1 -Task Package, run by -Task Test before Pester): its nuspec says
# what the Gallery shows, and the module installed from it the way Save-Module lays it out imports BY
# NAME in a fresh pwsh, with its help and its lab.

BeforeAll {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $script:ModuleManifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
    $script:ModuleManifest = (Resolve-Path $script:ModuleManifest).Path

    $moduleFolder = Split-Path $script:ModuleManifest
    $outFolder = Split-Path $moduleFolder
    $script:Manifest = Import-PowerShellDataFile $script:ModuleManifest
    $script:Version = $script:Manifest.ModuleVersion
    $script:Package = Join-Path $outFolder "VaultDr.$($script:Version).nupkg"
    if (-not (Test-Path $script:Package)) {
        # Normally written by build.ps1 -Task Test before Pester runs.
        $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        Push-Location $repoRoot
        try { dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Package | Out-Null }
        finally { Pop-Location }
    }

    # Unzip as Save-Module does: <root>/VaultDr/<version>/, without the nupkg-only entries.
    $script:InstallRoot = Join-Path ([IO.Path]::GetTempPath()) ('vaultdr-package-' + [guid]::NewGuid().ToString('n'))
    $script:Installed = Join-Path $script:InstallRoot "VaultDr/$($script:Version)"
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::ExtractToDirectory($script:Package, $script:Installed)
    $script:Nuspec = [xml](Get-Content -Raw (Join-Path $script:Installed 'VaultDr.nuspec'))
    foreach ($entry in '[Content_Types].xml', '_rels', 'package', 'VaultDr.nuspec') {
        Remove-Item -LiteralPath (Join-Path $script:Installed $entry) -Recurse -Force -ErrorAction Ignore
    }

    $probe = @'
$ErrorActionPreference = 'Stop'
$module = Import-Module VaultDr -PassThru
$about = Get-Help about_VaultDr | Out-String
$lab = @(Start-VaultDrLab -ClusterCount 1)
try { $status = Get-VaultDrStatus -Connection $lab[0].Connection }
finally { Stop-VaultDrLab }
'VAULTDR-PACKAGE-JSON ' + ([ordered]@{
    Version  = $module.Version.ToString()
    Path     = $module.Path
    Commands = @(Get-Command -Module VaultDr | ForEach-Object Name)
    About    = $about
    Mode     = $status.Mode
    Labs     = @(Get-VaultDrLab).Count
} | ConvertTo-Json -Compress -EnumsAsStrings)
'@
    $pathSeparator = [IO.Path]::PathSeparator
    $script:ProbeOutput = Invoke-FreshPwsh $probe @{ PSModulePath = "$($script:InstallRoot)$pathSeparator$env:PSModulePath" }
    $jsonLine = $script:ProbeOutput -split "`r?`n" | Where-Object { $_.StartsWith('VAULTDR-PACKAGE-JSON ') } | Select-Object -First 1
    $script:Probe = if ($jsonLine) { $jsonLine.Substring('VAULTDR-PACKAGE-JSON '.Length) | ConvertFrom-Json } else { $null }
}

AfterAll {
    if ($script:InstallRoot) { Remove-Item -Recurse -Force -ErrorAction Ignore $script:InstallRoot }
}

Describe 'The VaultDr package' {
    It 'has the nuspec fields the Gallery shows' {
        $metadata = $script:Nuspec.package.metadata
        $metadata.id | Should -BeExactly 'VaultDr'
        $metadata.version | Should -Be $script:Version
        $metadata.license.type | Should -Be 'expression'
        $metadata.license.'#text' | Should -BeExactly 'Apache-2.0'
        $metadata.projectUrl | Should -BeExactly $script:Manifest.PrivateData.PSData.ProjectUri
        $metadata.releaseNotes | Should -BeExactly $script:Manifest.PrivateData.PSData.ReleaseNotes
        $metadata.description | Should -Not -BeNullOrEmpty
        $tags = $metadata.tags -split ' '
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSCmdlet_Get-VaultDrStatus'
        $tags | Should -Contain 'PSCommand_Start-VaultDrLab'
    }

    It 'installs as VaultDr/<version>/ with the module, its help and its lab, and no package entries' {
        Join-Path $script:Installed 'VaultDr.psd1' | Should -Exist
        Join-Path $script:Installed 'VaultDr.dll' | Should -Exist
        Join-Path $script:Installed 'en-US/about_VaultDr.help.txt' | Should -Exist
        Join-Path $script:Installed 'lab/VaultDr.Lab.dll' | Should -Exist
        Get-ChildItem -LiteralPath $script:Installed -Force | ForEach-Object Name | Should -Not -Contain '[Content_Types].xml'
        Get-ChildItem -LiteralPath $script:Installed -Filter '*.nuspec' | Should -BeNullOrEmpty
    }

    It 'imports by name in a fresh pwsh, from the installed copy, at the package version' {
        $script:Probe | Should -Not -BeNullOrEmpty -Because "the fresh pwsh gave no JSON: $($script:ProbeOutput)"
        $script:Probe.Version | Should -Be $script:Version
        $script:Probe.Path | Should -BeLike "$($script:Installed)*"
    }

    It 'exports exactly the manifest''s CmdletsToExport' {
        @($script:Probe.Commands).Count | Should -Be @($script:Manifest.CmdletsToExport).Count
        ($script:Probe.Commands | Sort-Object) | Should -Be ($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'shows about_VaultDr from the installed copy' {
        $script:Probe.About | Should -Match 'The lab emulates Vault Enterprise DR replication'
    }

    It 'starts the lab shipped in the package, reads a status and stops it' {
        $script:Probe.Mode | Should -Be 'disabled'
        $script:Probe.Labs | Should -Be 0
    }
}
