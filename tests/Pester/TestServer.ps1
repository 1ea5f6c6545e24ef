<#
.SYNOPSIS
    Dot-source in a Pester BeforeAll to load VaultDr.TestServer.dll and get Start-StubVault.
.DESCRIPTION
    The dll is built by 'dotnet build VaultDr.sln' or, under build.ps1 -Task Test, through the xunit
    project's reference in the test configuration. The Release build wins, then the newest.
#>

function Get-StubVaultAssemblyPath {
    $pattern = Join-Path $PSScriptRoot '../VaultDr.TestServer/bin/*/net8.0/VaultDr.TestServer.dll'
    $candidate = Get-ChildItem -Path $pattern -File -ErrorAction Ignore |
        Sort-Object -Property @{ Expression = { $_.Directory.Parent.Name -eq 'Release' }; Descending = $true },
                              @{ Expression = 'LastWriteTimeUtc'; Descending = $true } |
        Select-Object -First 1
    if (-not $candidate) {
        throw "VaultDr.TestServer.dll not found under '$pattern'. Run 'dotnet build VaultDr.sln -c Release' first."
    }
    return $candidate.FullName
}

# A second Add-Type of the same assembly from another path would fail, so load it once per session.
if (-not ('VaultDr.TestServer.StubVaultServer' -as [type])) {
    Add-Type -Path (Get-StubVaultAssemblyPath)
}

function Start-StubVault {
    <#
    .SYNOPSIS
        Starts a StubVaultServer on 127.0.0.1 and a free port; HTTPS when given a certificate with its key.
        Dispose it in AfterEach/AfterAll.
    #>
    [CmdletBinding()]
    [OutputType([VaultDr.TestServer.StubVaultServer])]
    param(
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate
    )
    [VaultDr.TestServer.StubVaultServer]::Start($Certificate)
}
