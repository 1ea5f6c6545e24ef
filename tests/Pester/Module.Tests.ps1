BeforeDiscovery {
    $script:ConnectedCmdlets = @(
        'Get-VaultDrStatus', 'Enable-VaultDrPrimary', 'Invoke-VaultDrDemote', 'Disable-VaultDrPrimary',
        'New-VaultDrSecondaryToken', 'Revoke-VaultDrSecondary', 'New-VaultDrSecondaryPublicKey', 'Enable-VaultDrSecondary',
        'Invoke-VaultDrPromote', 'Disable-VaultDrSecondary', 'Update-VaultDrPrimary', 'Get-VaultDrOperationTokenProgress',
        'Start-VaultDrOperationToken', 'Stop-VaultDrOperationToken', 'Submit-VaultDrKeyShare', 'Revoke-VaultDrOperationToken',
        'New-VaultDrOperationToken', 'Get-VaultDrReplicationStatus', 'Start-VaultDrReindex', 'Invoke-VaultDrMerkleCheck',
        'Repair-VaultDrReplication', 'Get-VaultDrRaftPeer', 'Remove-VaultDrRaftPeer', 'Get-VaultDrAutopilotState',
        'Get-VaultDrAutopilotConfiguration', 'Set-VaultDrAutopilotConfiguration', 'Get-VaultDrSealStatus'
    ) | ForEach-Object { @{ Name = $_ } }

    $script:StateChanging = @(
        'Enable-VaultDrPrimary', 'Invoke-VaultDrDemote', 'Disable-VaultDrPrimary', 'New-VaultDrSecondaryToken',
        'Revoke-VaultDrSecondary', 'New-VaultDrSecondaryPublicKey', 'Enable-VaultDrSecondary', 'Invoke-VaultDrPromote',
        'Disable-VaultDrSecondary', 'Update-VaultDrPrimary', 'Start-VaultDrOperationToken', 'Stop-VaultDrOperationToken',
        'Submit-VaultDrKeyShare', 'Revoke-VaultDrOperationToken', 'New-VaultDrOperationToken',
        'Invoke-VaultDrFailover', 'New-VaultDrBatchOperationToken', 'Start-VaultDrReindex', 'Invoke-VaultDrMerkleCheck',
        'Repair-VaultDrReplication', 'Remove-VaultDrRaftPeer', 'Set-VaultDrAutopilotConfiguration'
    ) | ForEach-Object { @{ Name = $_ } }

    # High: the ones that wipe data, move the primary role, may make a cluster unavailable for long (a reindex) or
    # cost it its quorum (a Raft peer removed).
    $high = 'Invoke-VaultDrDemote', 'Disable-VaultDrPrimary', 'Revoke-VaultDrSecondary', 'Enable-VaultDrSecondary',
        'Invoke-VaultDrPromote', 'Disable-VaultDrSecondary', 'Update-VaultDrPrimary', 'Invoke-VaultDrFailover',
        'Start-VaultDrReindex', 'Remove-VaultDrRaftPeer'
    $script:ImpactCases = $script:StateChanging | ForEach-Object {
        @{ Name = $_.Name; Impact = if ($high -contains $_.Name) { 'High' } else { 'NotHigh' } }
    }

    # Name, parameter, type, mandatory (in at least one set).
    $script:ParameterCases = @(
        @{ Name = 'New-VaultDrConnection'; Parameter = 'Address'; Type = 'string'; Mandatory = $false }
        @{ Name = 'New-VaultDrConnection'; Parameter = 'Token'; Type = 'securestring'; Mandatory = $false }
        @{ Name = 'New-VaultDrConnection'; Parameter = 'Namespace'; Type = 'string'; Mandatory = $false }
        @{ Name = 'New-VaultDrConnection'; Parameter = 'CACertificateFile'; Type = 'string'; Mandatory = $false }
        @{ Name = 'New-VaultDrConnection'; Parameter = 'SkipCertificateCheck'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'New-VaultDrConnection'; Parameter = 'TimeoutSec'; Type = 'int'; Mandatory = $false }
        @{ Name = 'New-VaultDrConnection'; Parameter = 'MaxRetries'; Type = 'int'; Mandatory = $false }
        @{ Name = 'Enable-VaultDrPrimary'; Parameter = 'PrimaryClusterAddress'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Enable-VaultDrPrimary'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Invoke-VaultDrDemote'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Disable-VaultDrPrimary'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'New-VaultDrSecondaryToken'; Parameter = 'Id'; Type = 'string'; Mandatory = $true }
        @{ Name = 'New-VaultDrSecondaryToken'; Parameter = 'Ttl'; Type = 'VaultDr.VaultDuration'; Mandatory = $false }
        @{ Name = 'New-VaultDrSecondaryToken'; Parameter = 'SecondaryPublicKey'; Type = 'string'; Mandatory = $false }
        @{ Name = 'New-VaultDrSecondaryToken'; Parameter = 'AsPlainText'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Revoke-VaultDrSecondary'; Parameter = 'Id'; Type = 'string'; Mandatory = $true }
        @{ Name = 'Enable-VaultDrSecondary'; Parameter = 'ActivationToken'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Enable-VaultDrSecondary'; Parameter = 'PrimaryApiAddress'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Enable-VaultDrSecondary'; Parameter = 'CAFile'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Enable-VaultDrSecondary'; Parameter = 'CAPath'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Invoke-VaultDrPromote'; Parameter = 'DrOperationToken'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Invoke-VaultDrPromote'; Parameter = 'PrimaryClusterAddress'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Invoke-VaultDrPromote'; Parameter = 'Force'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Invoke-VaultDrPromote'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Disable-VaultDrSecondary'; Parameter = 'DrOperationToken'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'DrOperationToken'; Type = 'securestring'; Mandatory = $true }
        # Mandatory in their own parameter sets (ActivationToken*, ClearPrimary*): exactly one of them is given.
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'ActivationToken'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'ClearPrimary'; Type = 'switch'; Mandatory = $true }
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'PrimaryApiAddress'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'CAFile'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'CAPath'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Update-VaultDrPrimary'; Parameter = 'PrimaryClusterAddress'; Type = 'string[]'; Mandatory = $true }
        @{ Name = 'Invoke-VaultDrFailover'; Parameter = 'RemoveDeadPeers'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrReindex'; Parameter = 'Diff'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrReindex'; Parameter = 'Force'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrReindex'; Parameter = 'SkipFlush'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrReindex'; Parameter = 'Wait'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrReindex'; Parameter = 'TimeoutSec'; Type = 'int'; Mandatory = $false }
        @{ Name = 'Start-VaultDrReindex'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Repair-VaultDrReplication'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Remove-VaultDrRaftPeer'; Parameter = 'ServerId'; Type = 'string'; Mandatory = $true }
        @{ Name = 'Remove-VaultDrRaftPeer'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'CleanupDeadServers'; Type = 'bool'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'DeadServerLastContactThreshold'; Type = 'VaultDr.VaultDuration'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'LastContactThreshold'; Type = 'VaultDr.VaultDuration'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'ServerStabilizationTime'; Type = 'VaultDr.VaultDuration'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'MaxTrailingLogs'; Type = 'int'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'MinQuorum'; Type = 'int'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'DisableUpgradeMigration'; Type = 'bool'; Mandatory = $false }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrOperationToken'; Parameter = 'PgpKey'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Start-VaultDrOperationToken'; Parameter = 'PgpKeyPath'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Stop-VaultDrOperationToken'; Parameter = 'PassThru'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Submit-VaultDrKeyShare'; Parameter = 'Key'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Submit-VaultDrKeyShare'; Parameter = 'Nonce'; Type = 'string'; Mandatory = $false }
        @{ Name = 'Revoke-VaultDrOperationToken'; Parameter = 'DrOperationToken'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'New-VaultDrOperationToken'; Parameter = 'KeyShare'; Type = 'securestring[]'; Mandatory = $true }
        @{ Name = 'New-VaultDrOperationToken'; Parameter = 'PgpKey'; Type = 'string'; Mandatory = $false }
        @{ Name = 'New-VaultDrOperationToken'; Parameter = 'PgpKeyPath'; Type = 'string'; Mandatory = $false }
        @{ Name = 'New-VaultDrOperationToken'; Parameter = 'Force'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'New-VaultDrOperationToken'; Parameter = 'AsPlainText'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Unprotect-VaultDrOperationToken'; Parameter = 'EncodedToken'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Unprotect-VaultDrOperationToken'; Parameter = 'Otp'; Type = 'securestring'; Mandatory = $true }
        @{ Name = 'Unprotect-VaultDrOperationToken'; Parameter = 'PgpPrivateKeyPath'; Type = 'string[]'; Mandatory = $true }
        @{ Name = 'Unprotect-VaultDrOperationToken'; Parameter = 'PgpPassphrase'; Type = 'securestring'; Mandatory = $false }
        @{ Name = 'Unprotect-VaultDrOperationToken'; Parameter = 'AsPlainText'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Unprotect-VaultDrKeyShare'; Parameter = 'EncryptedKeyShare'; Type = 'string[]'; Mandatory = $true }
        @{ Name = 'Unprotect-VaultDrKeyShare'; Parameter = 'PgpPrivateKeyPath'; Type = 'string[]'; Mandatory = $true }
        @{ Name = 'Unprotect-VaultDrKeyShare'; Parameter = 'PgpPassphrase'; Type = 'securestring'; Mandatory = $false }
        @{ Name = 'Unprotect-VaultDrKeyShare'; Parameter = 'AsPlainText'; Type = 'switch'; Mandatory = $false }
        @{ Name = 'Start-VaultDrLab'; Parameter = 'PgpKeyPath'; Type = 'string[]'; Mandatory = $false }
        @{ Name = 'New-VaultDrLabPgpKey'; Parameter = 'Path'; Type = 'string'; Mandatory = $true }
        @{ Name = 'New-VaultDrLabPgpKey'; Parameter = 'Count'; Type = 'int'; Mandatory = $false }
        @{ Name = 'New-VaultDrLabPgpKey'; Parameter = 'Passphrase'; Type = 'securestring'; Mandatory = $false }
        @{ Name = 'Test-VaultDrReadiness'; Parameter = 'WarnDays'; Type = 'int'; Mandatory = $false }
        @{ Name = 'Test-VaultDrReadiness'; Parameter = 'Quiet'; Type = 'switch'; Mandatory = $false }
    )
    # On a DR secondary each maintenance cmdlet takes the DR operation token, optional, from the pipeline by property name
    # too (an OperationToken or a batch token), exactly as Invoke-VaultDrPromote does; elsewhere the Vault token.
    $script:ParameterCases += @(
        'Start-VaultDrReindex', 'Invoke-VaultDrMerkleCheck', 'Repair-VaultDrReplication', 'Get-VaultDrRaftPeer', 'Remove-VaultDrRaftPeer',
        'Get-VaultDrAutopilotState', 'Get-VaultDrAutopilotConfiguration', 'Set-VaultDrAutopilotConfiguration', 'Test-VaultDrReadiness'
    ) | ForEach-Object { @{ Name = $_; Parameter = 'DrOperationToken'; Type = 'securestring'; Mandatory = $false; ByPropertyName = $true } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    function Get-CmdletAttribute([string] $Name) {
        (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
    }
}

Describe 'The VaultDr module' {
    It 'exports exactly the 21 DR cmdlets, the 6 orchestration cmdlets, the 9 maintenance cmdlets and the 18 lab cmdlets' {
        $expected = 'New-VaultDrConnection', 'Get-VaultDrStatus', 'Enable-VaultDrPrimary', 'Invoke-VaultDrDemote',
            'Disable-VaultDrPrimary', 'New-VaultDrSecondaryToken', 'Revoke-VaultDrSecondary', 'New-VaultDrSecondaryPublicKey',
            'Enable-VaultDrSecondary', 'Invoke-VaultDrPromote', 'Disable-VaultDrSecondary', 'Update-VaultDrPrimary',
            'Get-VaultDrOperationTokenProgress', 'Start-VaultDrOperationToken', 'Stop-VaultDrOperationToken',
            'Submit-VaultDrKeyShare', 'Revoke-VaultDrOperationToken', 'New-VaultDrOperationToken', 'Unprotect-VaultDrOperationToken',
            'Unprotect-VaultDrKeyShare', 'Get-VaultDrHealth', 'Get-VaultDrSealStatus', 'Test-VaultDrReplication', 'Wait-VaultDrReplication', 'Invoke-VaultDrFailover', 'New-VaultDrBatchOperationToken',
            'Test-VaultDrReadiness',
            'Get-VaultDrReplicationStatus', 'Start-VaultDrReindex', 'Invoke-VaultDrMerkleCheck', 'Repair-VaultDrReplication', 'Get-VaultDrRaftPeer',
            'Remove-VaultDrRaftPeer', 'Get-VaultDrAutopilotState', 'Get-VaultDrAutopilotConfiguration', 'Set-VaultDrAutopilotConfiguration',
            'Start-VaultDrLab', 'Stop-VaultDrLab', 'Get-VaultDrLab', 'Start-VaultDrLabCluster', 'Stop-VaultDrLabCluster',
            'Set-VaultDrLabCluster', 'Set-VaultDrLabFault', 'Set-VaultDrLabPartition', 'Clear-VaultDrLabFault', 'New-VaultDrLabStandby',
            'Stop-VaultDrLabStandby', 'Start-VaultDrLabStandby', 'Get-VaultDrLabLog',
            'Get-VaultDrLabRequest', 'Clear-VaultDrLabRequest', 'Set-VaultDrLabSecret', 'Get-VaultDrLabSecret', 'New-VaultDrLabPgpKey'
        $actual = Get-Command -Module VaultDr | ForEach-Object Name
        $actual.Count | Should -Be 54
        ($actual | Sort-Object) | Should -Be ($expected | Sort-Object)
        Get-Command -Module VaultDr | ForEach-Object CommandType | Sort-Object -Unique | Should -Be 'Cmdlet'
    }

    It 'ships only VaultDr.dll in its root; VaultDr.Http and RestSharp, VaultDr.OpenPgp and BouncyCastle in dependencies/' {
        $folder = Split-Path -Parent (Resolve-Path $script:ModuleManifest)
        Get-ChildItem -Path $folder -Filter *.dll | ForEach-Object Name | Should -Be @('VaultDr.dll')
        $dependencies = Get-ChildItem -Path (Join-Path $folder 'dependencies') -Recurse -File | ForEach-Object Name | Sort-Object
        $dependencies | Should -Be @('BouncyCastle.Cryptography.dll', 'RestSharp.dll', 'VaultDr.Http.dll', 'VaultDr.OpenPgp.dll')
    }

    It 'loads VaultDr.Http and RestSharp into its own load context, not the default one' {
        # Any call loads the HTTP stack; a refused connection is enough.
        New-VaultDrConnection -Address 'http://127.0.0.1:1' -MaxRetries 0 | Get-VaultDrStatus -ErrorAction SilentlyContinue
        $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'VaultDr', 'VaultDr.Http', 'RestSharp' }
        $contexts = @{}
        foreach ($assembly in $loaded) {
            $contexts[$assembly.GetName().Name] = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name
        }
        $contexts['VaultDr'] | Should -Be 'Default'
        $contexts['VaultDr.Http'] | Should -Be 'VaultDr'
        $contexts['RestSharp'] | Should -Be 'VaultDr'
        ($loaded | Where-Object { $_.GetName().Name -eq 'RestSharp' }).Location | Should -Be (Join-Path (Split-Path -Parent (Resolve-Path $script:ModuleManifest)) 'dependencies/RestSharp.dll')
    }

    It 'loads VaultDr.OpenPgp and BouncyCastle into its own load context when it first reads a PGP key' {
        # A GnuPG message for the RSA fixture key, given the Curve25519 one: both are parsed, then refused (no matching key).
        $fixtures = Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg'
        $message = (Get-Content -Raw (Join-Path $fixtures 'rsa.msg.b64')).Trim()
        Unprotect-VaultDrOperationToken -EncodedToken $message -PgpPrivateKeyPath (Join-Path $fixtures 'ecc.sec.asc') -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'VaultDrPgpNoMatchingKey,*'
        $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'VaultDr.OpenPgp', 'BouncyCastle.Cryptography' }
        foreach ($name in 'VaultDr.OpenPgp', 'BouncyCastle.Cryptography') {
            $assembly = @($loaded | Where-Object { $_.GetName().Name -eq $name })
            $assembly.Count | Should -Be 1 -Because "$name is loaded once"
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly[0]).Name | Should -Be 'VaultDr'
            $assembly[0].Location | Should -Be (Join-Path (Split-Path -Parent (Resolve-Path $script:ModuleManifest)) "dependencies/$name.dll")
        }
    }

    It 'keeps the lab, a separate process, in its own lab folder with nothing else' {
        $folder = Split-Path -Parent (Resolve-Path $script:ModuleManifest)
        Get-ChildItem -Path $folder -Directory | Where-Object Name -notin 'en-US', 'dependencies' | ForEach-Object Name | Should -Be @('lab')
        # The lab is its own process, so BouncyCastle beside it is no clash.
        Get-ChildItem -Path (Join-Path $folder 'lab') -Recurse -Filter *.dll | ForEach-Object Name | Sort-Object | Should -Be @('BouncyCastle.Cryptography.dll', 'VaultDr.Lab.dll')
    }

    It '<Name> has -<Parameter> of type <Type>, mandatory: <Mandatory>' -ForEach $script:ParameterCases {
        $command = Get-Command $Name
        $command.Parameters.Keys | Should -Contain $Parameter
        $metadata = $command.Parameters[$Parameter]
        $metadata.ParameterType | Should -Be ([type]$Type)
        $isMandatory = [bool]($metadata.ParameterSets.Values | Where-Object IsMandatory)
        $isMandatory | Should -Be $Mandatory
        if ($ByPropertyName) {
            $metadata.ParameterSets.Values | ForEach-Object { $_.ValueFromPipelineByPropertyName | Should -BeTrue }
        }
    }

    It 'Invoke-VaultDrPromote takes -Connection as VaultDrConnection[] and also -Address/-Token/-Namespace' {
        $parameters = (Get-Command Invoke-VaultDrPromote).Parameters
        $parameters['Connection'].ParameterType | Should -Be ([VaultDr.VaultDrConnection[]])
        $parameters['Address'].ParameterType | Should -Be ([string])
        $parameters['Token'].ParameterType | Should -Be ([securestring])
        $parameters['Namespace'].ParameterType | Should -Be ([string])
        # -Connection and -Address/-Token/-Namespace are alternatives: no parameter set takes both.
        foreach ($name in 'Address', 'Token', 'Namespace') {
            foreach ($set in $parameters[$name].ParameterSets.Keys) {
                $parameters['Connection'].ParameterSets.Keys | Should -Not -Contain $set
            }
        }
    }

    It '<Name> takes -Connection [VaultDrConnection[]] and never binds -Address/-Token/-Namespace from the pipeline' -ForEach $script:ConnectedCmdlets {
        $parameters = (Get-Command $Name).Parameters
        $parameters['Connection'].ParameterType | Should -Be ([VaultDr.VaultDrConnection[]])
        foreach ($name in 'Address', 'Token', 'Namespace') {
            $parameters.Keys | Should -Contain $name
            foreach ($set in $parameters[$name].ParameterSets.Values) {
                $set.ValueFromPipeline | Should -BeFalse -Because "-$name must not bind from the pipeline"
                $set.ValueFromPipelineByPropertyName | Should -BeFalse -Because "-$name must not bind by property name"
            }
        }
    }

    It '<Name> supports -WhatIf and -Confirm' -ForEach $script:StateChanging {
        (Get-CmdletAttribute $Name).SupportsShouldProcess | Should -BeTrue
        (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
    }

    It '<Name> has ConfirmImpact High exactly when it moves the primary role or wipes data (<Impact>)' -ForEach $script:ImpactCases {
        $impact = (Get-CmdletAttribute $Name).ConfirmImpact
        if ($Impact -eq 'High') {
            $impact | Should -Be ([System.Management.Automation.ConfirmImpact]::High)
        } else {
            $impact | Should -Not -Be ([System.Management.Automation.ConfirmImpact]::High)
        }
    }

    It 'every exported cmdlet that is not a read or a local decode supports -WhatIf and -Confirm' {
        $local = 'New-VaultDrConnection', 'Unprotect-VaultDrOperationToken', 'Unprotect-VaultDrKeyShare'
        $changing = Get-Command -Module VaultDr | Where-Object { $_.Verb -notin 'Get', 'Test', 'Wait' -and $local -notcontains $_.Name }
        $changing.Count | Should -BeGreaterThan 20
        foreach ($command in $changing) {
            (Get-CmdletAttribute $command.Name).SupportsShouldProcess | Should -BeTrue -Because $command.Name
        }
    }

    It 'reading cmdlets do not pretend to change anything' {
        foreach ($name in 'Get-VaultDrStatus', 'Get-VaultDrOperationTokenProgress', 'Unprotect-VaultDrOperationToken', 'Unprotect-VaultDrKeyShare', 'New-VaultDrConnection',
            'Test-VaultDrReadiness', 'Get-VaultDrReplicationStatus', 'Get-VaultDrRaftPeer', 'Get-VaultDrAutopilotState', 'Get-VaultDrAutopilotConfiguration') {
            (Get-CmdletAttribute $name).SupportsShouldProcess | Should -BeFalse -Because $name
        }
    }
}
