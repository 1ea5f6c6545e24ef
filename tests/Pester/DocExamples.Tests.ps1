# The example-runner: every ```powershell block under EXAMPLES of every exported cmdlet's page runs as
# written against the VaultDr lab, in this non-interactive pwsh (so a High-impact call without
# -Confirm:$false fails, as it would on a pipeline agent).
#
# Convention (documented in docs/about_VaultDr.md, "How the examples run"): each page gets a fresh
# two-cluster lab; $primary and $secondary are its LabCluster objects (.Connection is a ready
# VaultDrConnection). A page's examples run in order against that lab, each in its own scope. An
# example may start its own lab ($primary, $secondary = Start-VaultDrLab); AfterAll stops every lab
# this session started.
# Nothing turns these tests off: the lab ships in <module folder>/lab, and an example that cannot run fails.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $manifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
    $module = Import-Module $manifest -Force -PassThru
    $exported = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object Name)
    $script:Pages = foreach ($name in $exported | Sort-Object) {
        $path = Join-Path $DocsFolder "$name.md"
        $examples = if (Test-Path $path) { @((Read-DocPage $path).Examples | ForEach-Object { @{ Title = $_.Title; Code = $_.Code } }) } else { @() }
        @{ Name = $name; Examples = $examples }
    }
}

Describe 'The examples of docs/<Name>.md run against the lab' -ForEach $script:Pages {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:LabClusters = @(Start-VaultDrLab)
    }

    AfterAll {
        # Every lab this session started: the page's own and any an example started.
        Stop-VaultDrLab
    }

    It '<Title>' -ForEach $Examples {
        # A "PS C:\>" prompt, if an example shows one, is not part of the command.
        $code = $Code -replace '(?m)^PS [^>\r\n]*> ?', ''
        $example = [scriptblock]::Create($code)
        $output = & {
            $ErrorActionPreference = 'Stop'
            $primary, $secondary = $LabClusters
            . $example
        } *>&1 | Out-String
        $output | Should -Not -Match 'VaultDrConfirmationRequired' -Because "the example must not need a prompt. Output:`n$output"
    }
}
