<#
.SYNOPSIS
    Shared by the examples' *.Tests.ps1: dot-source in BeforeAll. Imports the BUILT module (the suite's
    VAULTDR_MODULE_MANIFEST, else out/VaultDr), and runs scripts in a child pwsh the way an agent does.
#>

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$script:ModuleManifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $script:RepoRoot 'out/VaultDr/VaultDr.psd1' }
Import-Module $script:ModuleManifest -Force

function ConvertFrom-SecretForTest([securestring] $Secret) {
    [System.Net.NetworkCredential]::new('', $Secret).Password
}

# Wait-Until and the other lab helpers are the suite's own.
. (Join-Path $script:RepoRoot 'tests/Pester/LabCommon.ps1')

function New-LabPair {
    <# Two lab clusters, the first a DR primary with the second attached and caught up. #>
    param([switch] $Tls)
    $a, $b = Start-VaultDrLab -ClusterCount 2 -Tls:$Tls -StateStepDelayMs 40 -CatchUpDelayMs 80
    Enable-VaultDrPrimary -Connection $a.Connection -WarningAction SilentlyContinue
    New-VaultDrSecondaryToken -Connection $a.Connection -Id $b.Name |
        Enable-VaultDrSecondary -Connection $b.Connection -Confirm:$false -WarningAction SilentlyContinue
    # The secondary now holds the primary's token store: connect to it with the primary's root token.
    $connB = New-VaultDrConnection -Name $b.Name -Address $b.Address -Token $a.RootToken -CACertificateFile $b.CACertificateFile
    Wait-VaultDrReplication -Primary $a.Connection -Secondary $connB -TimeoutSec 20 | Out-Null
    [pscustomobject]@{ A = $a; B = $b; ConnA = $a.Connection; ConnB = $connB }
}

function Invoke-ChildPwsh {
    <#
    Runs a script file (or a command) in a fresh `dotnet pwsh -NoProfile -NonInteractive`, with extra
    environment variables set only for the child, and returns its exit code and every line it wrote
    (stdout and stderr, ANSI colours removed).
    #>
    param(
        [string] $File,
        [string] $Command,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{}
    )
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    Push-Location $script:RepoRoot   # where dotnet finds the local pwsh tool
    try {
        $pwshArgs = @('pwsh', '-NoProfile', '-NonInteractive')
        $pwshArgs += if ($File) { @('-File', $File) + $ArgumentList } else { @('-Command', $Command) }
        $lines = @(& dotnet @pwshArgs 2>&1 | ForEach-Object { "$_" -replace '\x1b\[[0-9;?]*[A-Za-z]', '' })
        $exit = $LASTEXITCODE
    }
    finally {
        Pop-Location
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    [pscustomobject]@{ ExitCode = $exit; Lines = $lines; Text = ($lines -join "`n") }
}
