BeforeDiscovery {
    $script:StateChanging = @(
        'Enable-VaultDrPrimary', 'Invoke-VaultDrDemote', 'Disable-VaultDrPrimary', 'New-VaultDrSecondaryToken',
        'Revoke-VaultDrSecondary', 'New-VaultDrSecondaryPublicKey', 'Enable-VaultDrSecondary', 'Invoke-VaultDrPromote',
        'Disable-VaultDrSecondary', 'Update-VaultDrPrimary', 'Start-VaultDrOperationToken', 'Stop-VaultDrOperationToken',
        'Submit-VaultDrKeyShare', 'Revoke-VaultDrOperationToken', 'New-VaultDrOperationToken',
        'Start-VaultDrReindex', 'Invoke-VaultDrMerkleCheck', 'Repair-VaultDrReplication', 'Remove-VaultDrRaftPeer', 'Set-VaultDrAutopilotConfiguration'
    ) | ForEach-Object { @{ Name = $_ } }
    $script:HighImpact = @(
        'Invoke-VaultDrDemote', 'Disable-VaultDrPrimary', 'Revoke-VaultDrSecondary', 'Enable-VaultDrSecondary',
        'Invoke-VaultDrPromote', 'Disable-VaultDrSecondary', 'Update-VaultDrPrimary', 'Start-VaultDrReindex', 'Remove-VaultDrRaftPeer'
    ) | ForEach-Object { @{ Name = $_; Class = ($_ -replace '-', '') + 'Command' } }
    # The same High-impact changes on a DR secondary, with the DR operation token, and Update-VaultDrPrimary's cluster addresses.
    $script:HighImpactOnDrSecondary = @(
        @{ Name = 'Start-VaultDrReindex'; Arguments = @{} }
        @{ Name = 'Remove-VaultDrRaftPeer'; Arguments = @{ ServerId = 'raft2' } }
        @{ Name = 'Update-VaultDrPrimary'; Arguments = @{ PrimaryClusterAddress = '10.0.0.2:8201' } }
    ) | ForEach-Object { $_ + @{ Class = ($_.Name -replace '-', '') + 'Command' } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    function Get-RequiredArguments([string] $Name) {
        <# The smallest valid argument set for each state-changing cmdlet. #>
        $opToken = ConvertTo-TestSecret $DrOperationTokenText
        switch ($Name) {
            'New-VaultDrSecondaryToken' { @{ Id = 'us-east' } }
            'Revoke-VaultDrSecondary' { @{ Id = 'us-east' } }
            'Enable-VaultDrSecondary' { @{ ActivationToken = (ConvertTo-TestSecret (New-TestActivationJwt)) } }
            'Invoke-VaultDrPromote' { @{ DrOperationToken = $opToken } }
            'Disable-VaultDrSecondary' { @{ DrOperationToken = $opToken } }
            'Update-VaultDrPrimary' { @{ DrOperationToken = $opToken; ClearPrimary = $true } }
            'Submit-VaultDrKeyShare' { @{ Key = (ConvertTo-TestSecret $KeyShareTexts[0]); Nonce = $Nonce } }
            'Revoke-VaultDrOperationToken' { @{ DrOperationToken = $opToken } }
            'New-VaultDrOperationToken' { @{ KeyShare = [securestring[]]($KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ }) } }
            'Remove-VaultDrRaftPeer' { @{ ServerId = 'raft2' } }
            'Set-VaultDrAutopilotConfiguration' { @{ MinQuorum = 3 } }
            default { @{} }
        }
    }
}

Describe 'Safety' {
    BeforeEach {
        $stub = Start-StubVault
        $connection = New-StubConnection $stub
    }
    AfterEach { $stub.Dispose() }

    It '<Name> -WhatIf sends nothing and returns nothing' -ForEach $script:StateChanging {
        $arguments = Get-RequiredArguments $Name
        $output = & $Name -Connection $connection @arguments -WhatIf
        $output | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 0
    }

    It '<Name> without -Confirm:$false fails with VaultDrConfirmationRequired in a session that cannot prompt, and sends nothing' -ForEach $script:HighImpact {
        $arguments = Get-RequiredArguments $Name
        $thrown = { & $Name -Connection $connection @arguments -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be "VaultDrConfirmationRequired,VaultDr.Commands.$Class"
        $thrown.Exception.Message | Should -BeLike '*-Confirm:$false*'
        $stub.Requests.Count | Should -Be 0
    }

    It '<Name> on a DR secondary, with the DR operation token, also needs confirmation and sends nothing' -ForEach $script:HighImpactOnDrSecondary {
        $thrown = { & $Name -Connection $connection -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText) @Arguments -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -Be "VaultDrConfirmationRequired,VaultDr.Commands.$Class"
        $stub.Requests.Count | Should -Be 0
    }

    It '<Name> -DrOperationToken -WhatIf sends nothing either' -ForEach $script:HighImpactOnDrSecondary {
        & $Name -Connection $connection -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText) @Arguments -WhatIf | Should -BeNullOrEmpty
        $stub.Requests.Count | Should -Be 0
    }

    It 'the same High-impact cmdlet goes through with -Confirm:$false (control for the test above)' {
        $null = $stub.Respond('POST', '/v1/sys/replication/dr/primary/demote', 204)
        Invoke-VaultDrDemote -Connection $connection -Confirm:$false
        $stub.Requests.Count | Should -Be 1
    }

    It 'Invoke-VaultDrPromote promotes only the first of two clusters in one call' {
        $other = Start-StubVault
        try {
            $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)
            $null = $other.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)
            $otherConnection = New-StubConnection $other

            $thrown = {
                Invoke-VaultDrPromote -Connection $connection, $otherConnection -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText) -Confirm:$false -ErrorAction Stop
            } | Should -Throw -PassThru

            $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrPromoteOneClusterOnly,VaultDr.Commands.InvokeVaultDrPromoteCommand'
            $stub.Requests.Count | Should -Be 1
            $other.Requests.Count | Should -Be 0
        } finally {
            $other.Dispose()
        }
    }

    It 'Invoke-VaultDrPromote refuses a second cluster arriving through the pipeline too' {
        $other = Start-StubVault
        try {
            $null = $stub.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)
            $null = $other.Respond('POST', '/v1/sys/replication/dr/secondary/promote', 204)
            $otherConnection = New-StubConnection $other

            { $connection, $otherConnection | Invoke-VaultDrPromote -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText) -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*Promote one cluster per call*'

            ($stub.Requests.Count + $other.Requests.Count) | Should -Be 1
        } finally {
            $other.Dispose()
        }
    }

    It 'a connection dropped mid-promote is not re-sent: exactly one request reaches the server' {
        $null = $stub.Drop('POST', '/v1/sys/replication/dr/secondary/promote')
        $retrying = New-VaultDrConnection -Address $stub.BaseAddress.ToString() -Token (ConvertTo-TestSecret $VaultTokenText) -MaxRetries 2

        Invoke-VaultDrPromote -Connection $retrying -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText) -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $stub.Requests.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'VaultDrConnectionLost,VaultDr.Commands.InvokeVaultDrPromoteCommand'
    }
}
