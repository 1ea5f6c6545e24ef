<#
.SYNOPSIS
    Shared by health-gate.ps1 and planned-failover.ps1: dot-source it. Imports the VaultDr module, builds
    connections from the step's environment, and writes Azure Pipelines logging commands when TF_BUILD is set.
.NOTES
    Secrets (VAULT_TOKEN, VAULT_KEY_SHARES) are read from the environment only, never from parameters, so they
    are never on a command line. Map them in the step's env: block: secret variables are not mapped otherwise.
#>

function Test-AzurePipelines {
    <# True on an Azure Pipelines agent, which sets TF_BUILD=True for every step. #>
    $env:TF_BUILD -eq 'True'
}

function ConvertTo-PipelineData([string] $Text) {
    <# The agent's escaping for the message part of a logging command. #>
    $Text.Replace('%', '%AZP25').Replace("`r", '%0D').Replace("`n", '%0A')
}

function Start-PipelineGroup([string] $Title) {
    if (Test-AzurePipelines) { Write-Host "##[group]$(ConvertTo-PipelineData $Title)" } else { Write-Host "== $Title" }
}

function Stop-PipelineGroup {
    if (Test-AzurePipelines) { Write-Host '##[endgroup]' }
}

function Write-PipelineIssue {
    <# An error or warning annotation on the agent (##vso[task.logissue]); elsewhere a plain line. #>
    param([ValidateSet('error', 'warning')][string] $Type, [string] $Message)
    if (Test-AzurePipelines) {
        Write-Host "##vso[task.logissue type=$Type]$(ConvertTo-PipelineData $Message)"
    } else {
        Write-Host "$($Type.ToUpperInvariant()): $Message"
    }
}

function Get-PipelineValue([string] $Name) {
    <# An environment variable, treating an unexpanded '$(NAME)' (a variable the pipeline does not define) as unset. #>
    $value = [Environment]::GetEnvironmentVariable($Name)
    if ([string]::IsNullOrWhiteSpace($value) -or $value -match '^\$\([^)]*\)$') { return $null }
    return $value
}

function Get-DefaultModulePath {
    <# VAULTDR_MODULE_PATH, else the pipeline artifact 'VaultDr' in the pipeline workspace, else 'VaultDr' from PSModulePath. #>
    if (Get-PipelineValue 'VAULTDR_MODULE_PATH') { return $env:VAULTDR_MODULE_PATH }
    if (Get-PipelineValue 'PIPELINE_WORKSPACE') { return (Join-Path $env:PIPELINE_WORKSPACE 'VaultDr/VaultDr.psd1') }
    return 'VaultDr'
}

function Import-VaultDrModule([string] $Path) {
    if ($Path -ne 'VaultDr' -and -not (Test-Path -LiteralPath $Path)) {
        throw "The VaultDr module is not at '$Path'. Publish out/VaultDr as the pipeline artifact 'VaultDr', or set VAULTDR_MODULE_PATH."
    }
    Import-Module $Path -Force -ErrorAction Stop
    $module = Get-Module VaultDr
    Write-Host "VaultDr $($module.Version) from $($module.ModuleBase)"
}

function New-PipelineConnection {
    <#
    A connection built from the environment. The token comes from the environment variable -TokenVariable
    (VAULT_TOKEN) and becomes a SecureString at once; it is never printed.
    #>
    param(
        [Parameter(Mandatory)][AllowEmptyString()][string] $Address,
        [Parameter(Mandatory)][string] $Name,
        [string] $CACertificateFile,
        [string] $TokenVariable = 'VAULT_TOKEN'
    )
    if (-not $Address) { throw "No address for the $Name cluster: set VAULT_PRIMARY_ADDR and VAULT_DR_ADDR (the variable group) or pass -PrimaryAddress / -SecondaryAddress." }
    $plain = Get-PipelineValue $TokenVariable
    if (-not $plain) { throw "$TokenVariable is not set. Map the secret variable in the step's env: block ($TokenVariable`: `$($TokenVariable)); secret variables are not mapped otherwise." }
    $params = @{
        Name    = $Name
        Address = $Address
        Token   = (ConvertTo-SecureString -String $plain -AsPlainText -Force)
    }
    if ($CACertificateFile) { $params.CACertificateFile = $CACertificateFile }
    New-VaultDrConnection @params
}

function Format-DrStatusLine($Status, [string] $Name) {
    if ($null -eq $Status) { return "$Name does not answer" }
    $state = if ($Status.State) { " ($($Status.State))" } else { '' }
    "$Name is $($Status.Mode)$state"
}
