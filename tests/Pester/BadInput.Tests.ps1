<#
    Every parameter of every exported cmdlet (read from Get-Command, so new cmdlets are covered) is
    given bad values. Each call either succeeds legitimately or fails with clear ErrorRecords (a VaultDr
    id or a PowerShell parameter-binding id, a message, no .NET stack trace), and a problem that can be
    known locally sends nothing to Vault.
#>
BeforeDiscovery {
    $manifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
    Import-Module $manifest -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $script:ParameterCases = foreach ($command in Get-Command -Module VaultDr -CommandType Cmdlet | Sort-Object Name) {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object Name) {
            @{ Command = $command.Name; Parameter = $parameter.Name }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:LocalIds = 'ParameterArgumentValidationError', 'ParameterArgumentTransformationError', 'CannotConvertArgumentNoMessage',
        'ParameterBindingFailed', 'PositionalParameterNotFound', 'MissingArgument', 'CannotConvertArgument', 'NamedParameterNotFound',
        'AmbiguousParameterSet', 'ParameterArgumentValidationErrorEmptyStringNotAllowed', 'ParameterArgumentValidationErrorNullNotAllowed',
        'MissingMandatoryParameter', 'ParameterAlreadyBound', 'InputObjectNotBound'

    # A stub that answers every DR call as Vault would, so a legitimate value really succeeds.
    $script:Stub = Start-StubVault
    $jwt = New-TestActivationJwt
    $started = @{ started = $true; nonce = $Nonce; progress = 0; required = 1; otp = $OtpText; otp_length = 28; complete = $false } | ConvertTo-Json -Compress
    $done = @{ started = $true; nonce = $Nonce; progress = 1; required = 1; complete = $true; encoded_token = $EncodedTokenText } | ConvertTo-Json -Compress
    $null = $Stub.Respond('GET', $StatusPath, 200, $StatusPrimaryJson)
    foreach ($path in 'primary/enable', 'primary/demote', 'primary/disable', 'primary/revoke-secondary', 'secondary/enable',
        'secondary/promote', 'secondary/disable', 'secondary/update-primary', 'secondary/operation-token/delete') {
        $null = $Stub.Respond('POST', "/v1/sys/replication/dr/$path", 204)
    }
    $null = $Stub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer $jwt))
    $null = $Stub.Respond('POST', '/v1/sys/replication/dr/secondary/generate-public-key', 200, '{"data":{"secondary_public_key":"pk-1"}}')
    $null = $Stub.Respond('GET', $AttemptPath, 200, '{"started":false,"nonce":"","progress":0,"required":1,"complete":false}')
    $null = $Stub.Respond('PUT', $AttemptPath, 200, $started)
    $null = $Stub.Respond('DELETE', $AttemptPath, 204)
    $null = $Stub.Respond('PUT', $UpdatePath, 200, $done)
    # The maintenance endpoints, with and without a DR operation token.
    $null = $Stub.Respond('GET', '/v1/sys/replication/status', 200, '{"data":{"dr":{"mode":"primary"},"performance":{"mode":"disabled"}}}')
    foreach ($path in 'reindex', 'dr/secondary/reindex', 'recover', 'dr/secondary/recover') { $null = $Stub.Respond('POST', "/v1/sys/replication/$path", 204) }
    foreach ($path in 'merkle-check', 'dr/secondary/merkle-check') {
        $null = $Stub.Respond('POST', "/v1/sys/replication/$path", 200, '{"data":{"merkle_corruption_report":{"corrupted_root":false,"corrupted_tree_map":{}}}}')
    }
    $raft = '{"data":{"config":{"servers":[{"node_id":"raft1","leader":true,"voter":true},{"node_id":"x","leader":false,"voter":true}]}}}'
    $null = $Stub.Respond('GET', '/v1/sys/storage/raft/configuration', 200, $raft)
    $null = $Stub.Respond('PUT', '/v1/sys/storage/raft/configuration', 200, $raft)
    $null = $Stub.Respond('PUT', '/v1/sys/storage/raft/remove-peer', 204)
    $null = $Stub.Respond('GET', '/v1/sys/storage/raft/autopilot/state', 200, '{"data":{"healthy":true,"servers":{}}}')
    $null = $Stub.Respond('GET', '/v1/sys/storage/raft/autopilot/configuration', 200, '{"data":{"min_quorum":3}}')
    $null = $Stub.Respond('PUT', '/v1/sys/storage/raft/autopilot/configuration', 204)
    $null = $Stub.Respond('GET', '/v1/secret/x', 200, '{"data":{"k":"v"}}')
    $null = $Stub.Respond('PUT', '/v1/secret/x', 204)
    $script:Connection = New-StubConnection $Stub
    # -Address connections read VAULT_MAX_RETRIES: no retry waits here, this file is about input, not faults.
    $script:SavedMaxRetries = $env:VAULT_MAX_RETRIES
    $env:VAULT_MAX_RETRIES = '0'
    $script:Lab = Start-VaultDrLab -ClusterCount 1

    # A valid value for a parameter, by name first, then by type: new cmdlets get sensible defaults too.
    function Get-ValidValue([System.Management.Automation.ParameterMetadata] $Parameter) {
        switch -Regex ($Parameter.Name) {
            '^ActivationToken$' { return ConvertTo-TestSecret $jwt }
            '^(Key|KeyShare)$' { return [securestring[]]@(ConvertTo-TestSecret $KeyShareTexts[0]) }
            '^Otp$' { return ConvertTo-TestSecret $OtpText }
            '^EncodedToken$' { return $EncodedTokenText }
            '^(DrOperationToken|Token)$' { return ConvertTo-TestSecret $DrOperationTokenText }
            '^Address$' { return $Stub.BaseAddress.ToString() }
            '^Path$' { return $(if ($Parameter.ParameterType -eq [string] -and $script:CurrentCommand -like '*LabFault') { '/v1/x' } else { 'x' }) }
            '^StatusCode$' { return 500 }
            '^DelayMs$' { return 10 }
            '^RedirectTo$' { return [uri]'https://127.0.0.1:1/' }
            '^Nonce$' { return $Nonce }
            '^PrimaryClusterAddress$' { return , @('10.0.0.2:8201') }
            # GnuPG's fixtures (tests/VaultDr.Tests/OpenPgp/GnuPg): a real private key and a share encrypted for it.
            '^PgpPrivateKeyPath$' { return , @(Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg/ecc.sec.asc') }
            '^PgpKeyPath$' { return $(if ($Parameter.ParameterType -eq [string[]]) { , @(Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg/rsa.pub.asc') } else { Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg/rsa.pub.asc' }) }
            '^EncryptedKeyShare$' { return , @((Get-Content -Raw (Join-Path $PSScriptRoot '../VaultDr.Tests/OpenPgp/GnuPg/ecc.msg.b64')).Trim()) }
        }
        $type = $Parameter.ParameterType
        if ($type -eq [switch]) { return $null }
        if ($type.Name -like 'VaultDrConnection*') { return , @($Connection) }
        if ($type.Name -like 'LabCluster*') { return , @($Lab[0]) }
        if ($type.Name -like 'VaultDrLab*') { return $Lab[0].Lab }
        if ($type -eq [securestring] -or $type -eq [securestring[]]) { return ConvertTo-TestSecret $DrOperationTokenText }
        if ($type -eq [hashtable]) { return @{ k = 'v' } }
        if ($type -in [int], [long], [int[]]) { return 1 }
        if ($type -eq [bool]) { return $false }
        if ($type -eq [uri]) { return [uri]'https://vault.example.com:8200/' }
        if ($type.Name -eq 'VaultDuration') { return '10s' }
        return 'x'
    }

    function Get-Invocation([string] $CommandName, [string] $ParameterName) {
        <# The arguments of a minimal valid call in a parameter set that holds the parameter under test. #>
        $script:CurrentCommand = $CommandName
        $command = Get-Command $CommandName
        $sets = @($command.ParameterSets | Where-Object { $_.Parameters.Name -contains $ParameterName })
        $set = $sets | Where-Object Name -eq 'Connection' | Select-Object -First 1
        if (-not $set) { $set = $sets | Where-Object IsDefault | Select-Object -First 1 }
        if (-not $set) { $set = $sets[0] }
        $arguments = @{}
        foreach ($p in $set.Parameters | Where-Object { $_.IsMandatory -or ($set.Name -eq 'Address' -and $_.Name -in 'Address', 'Token') }) {
            $value = Get-ValidValue $command.Parameters[$p.Name]
            if ($null -ne $value) { $arguments[$p.Name] = $value } else { $arguments[$p.Name] = $true }
        }
        if ($set.Name -eq 'Address' -and $command.Parameters.ContainsKey('Connection')) { $arguments.Remove('Connection') }
        if ($command.Parameters.ContainsKey('Confirm')) { $arguments.Confirm = $false }
        # These start or stop labs and clusters: -WhatIf keeps a legitimate value from doing it (other lab cmdlets act on this file's own lab).
        if ($CommandName -in 'Start-VaultDrLab', 'Stop-VaultDrLab', 'Start-VaultDrLabCluster', 'Stop-VaultDrLabCluster', 'New-VaultDrLabPgpKey') { $arguments.WhatIf = $true }
        $arguments
    }

    $script:Huge = 'a' * 1MB
    $script:HugeSecret = ConvertTo-TestSecret ('a' * 65536)
    function Get-BadValues([System.Management.Automation.ParameterMetadata] $Parameter) {
        $values = [ordered]@{
            'empty'            = ''
            'whitespace'       = '   '
            'a datetime'       = [datetime]::UtcNow
            'a hashtable'      = @{ a = 1 }
            'huge (1 MB)'      = $script:Huge
            'unicode'          = 'ℵ☃ — ü'
            'right-to-left'    = 'שלום עולם'
            'malformed URL'    = 'https://exa mple.com:99999/%%'
        }
        if ($Parameter.ParameterType -in [securestring], [securestring[]]) {
            foreach ($name in 'empty', 'whitespace', 'unicode', 'right-to-left') {
                $values["$name (SecureString)"] = if ($values[$name]) { ConvertTo-TestSecret $values[$name] } else { [securestring]::new() }
            }
            $values['huge (SecureString, its 65536-character maximum)'] = $HugeSecret
        }
        switch ($Parameter.Name) {
            'ActivationToken' {
                $values['an expired JWT'] = ConvertTo-TestSecret (New-TestActivationJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(-5)))
                $values['a malformed JWT'] = ConvertTo-TestSecret 'eyJhbGciOiJFUzUxMiJ9.%%%not-base64%%%.sig'
            }
            'Otp' { $values['an OTP of the wrong length'] = ConvertTo-TestSecret $OtpText.Substring(3) }
            'EncodedToken' { $values['a non-base64 token'] = '***not base64***' }
            { $_ -in 'Key', 'KeyShare' } { $values['an invalid key share'] = [securestring[]]@(ConvertTo-TestSecret 'zz not hex or base64 !!') }
            { $_ -in 'Ttl', 'LastContactThreshold', 'DeadServerLastContactThreshold', 'ServerStabilizationTime' } { $values['banana'] = 'banana'; $values['-1'] = -1; $values['0'] = 0 }
            { $_ -in 'MaxTrailingLogs', 'MinQuorum', 'TimeoutSec' } { $values['-1'] = -1 }
            'PrimaryClusterAddress' { $values['a host without a port'] = 'vault-a'; $values['a path'] = 'https://vault-a:8201/v1/x'; $values['an empty list'] = [string[]]@() }
        }
        $values
    }

    $script:Total = 0
    $script:ParametersTried = 0
}
AfterAll {
    Write-Host "Bad input: $Total calls ($ParametersTried parameters of $(@(Get-Command -Module VaultDr -CommandType Cmdlet).Count) cmdlets)"
    $env:VAULT_MAX_RETRIES = $SavedMaxRetries
    Stop-VaultDrLab
    $Stub.Dispose()
}

Describe 'Bad input for every parameter of every cmdlet' {
    It '<Command> -<Parameter>' -ForEach $ParameterCases {
        $script:ParametersTried++
        $command = Get-Command $Command
        $problems = [System.Collections.Generic.List[string]]::new()
        foreach ($bad in (Get-BadValues $command.Parameters[$Parameter]).GetEnumerator()) {
            $script:Total++
            $arguments = Get-Invocation $Command $Parameter
            $arguments[$Parameter] = $bad.Value
            $Stub.ClearRequests()
            $Error.Clear()
            $output = try {
                & $Command @arguments -ErrorAction SilentlyContinue -WarningAction SilentlyContinue 6>$null
            } catch { }
            $errors = @($Error | Where-Object { $_ })
            $what = "$($bad.Key)"
            foreach ($e in $errors) {
                if ($e -isnot [System.Management.Automation.ErrorRecord]) { $problems.Add("${what}: not an ErrorRecord: $e"); continue }
                $id = $e.FullyQualifiedErrorId.Split(',')[0]
                $type = $e.Exception.GetType().FullName
                if (-not ($id.StartsWith('VaultDr') -or $id -in $LocalIds)) { $problems.Add("${what}: unexpected error id $($e.FullyQualifiedErrorId): $($e.Exception.Message)") }
                if (-not ($type.StartsWith('VaultDr.') -or $type.StartsWith('System.Management.Automation.'))) { $problems.Add("${what}: $type escaped: $($e.Exception.Message)") }
                if ([string]::IsNullOrWhiteSpace($e.Exception.Message)) { $problems.Add("${what}: empty message") }
                if ($e.Exception.Message -match '(?m)^\s+at \S' -or "$e" -match '(?m)^\s+at \S') { $problems.Add("${what}: stack trace in the message") }
                $local = $id -in $LocalIds -or $e.Exception -is [VaultDr.VaultDrArgumentException]
                if ($local -and $Stub.Requests.Count -gt 0) { $problems.Add("${what}: refused locally ($id) but $($Stub.Requests.Count) request(s) were sent") }
            }
            if ($errors.Count -eq 0 -and $Parameter -match 'Address$|RedirectTo' -and $bad.Key -eq 'malformed URL') {
                $problems.Add("${what}: a malformed URL was accepted")
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'the specific refusals name the problem and send nothing' {
        $expired = ConvertTo-TestSecret (New-TestActivationJwt -ExpiresAt ([datetimeoffset]::UtcNow.AddMinutes(-5)))
        $cases = @(
            @{ Id = 'VaultDrActivationTokenExpired'; Call = { Enable-VaultDrSecondary -Connection $Connection -ActivationToken $expired -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidActivationToken'; Call = { Update-VaultDrPrimary -Connection $Connection -DrOperationToken $expired -ActivationToken (ConvertTo-TestSecret 'eyJ.!!.x') -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidEncodedToken'; Call = { Unprotect-VaultDrOperationToken -EncodedToken $EncodedTokenText -Otp (ConvertTo-TestSecret $OtpText.Substring(3)) -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidEncodedToken'; Call = { Unprotect-VaultDrOperationToken -EncodedToken '***not base64***' -Otp (ConvertTo-TestSecret $OtpText) -ErrorAction Stop } }
            @{ Id = 'ParameterArgumentTransformationError'; Message = 'encoded token'; Call = { Unprotect-VaultDrOperationToken -EncodedToken ('a' * 1MB) -Otp (ConvertTo-TestSecret $OtpText) -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidKeyShare'; Call = { New-VaultDrOperationToken -Connection $Connection -KeyShare (ConvertTo-TestSecret 'zz!!') -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidPgpKey'; Call = { New-VaultDrOperationToken -Connection $Connection -KeyShare (ConvertTo-TestSecret 'aa') -PgpKey 'bXlwZ3BrZXk=' -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrPgpKeyFileNotFound'; Message = 'gpg --export'; Call = { Start-VaultDrOperationToken -Connection $Connection -PgpKeyPath (Join-Path $TestDrive 'none.asc') -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidId'; Call = { New-VaultDrSecondaryToken -Connection $Connection -Id ('a' * 1MB) -ErrorAction Stop } }
            @{ Id = 'ParameterArgumentTransformationError'; Call = { New-VaultDrSecondaryToken -Connection $Connection -Id x -Ttl -1 -ErrorAction Stop } }
            @{ Id = 'ParameterArgumentTransformationError'; Call = { New-VaultDrSecondaryToken -Connection $Connection -Id x -Ttl 0 -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidAddress'; Call = { New-VaultDrConnection -Address 'https://exa mple.com:99999/%%' -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidPrimaryClusterAddress'; Call = { Update-VaultDrPrimary -Connection $Connection -DrOperationToken $expired -PrimaryClusterAddress '10.0.0.2:99999' -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidServerId'; Call = { Remove-VaultDrRaftPeer -Connection $Connection -ServerId '   ' -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'VaultDrInvalidDrOperationToken'; Call = { Get-VaultDrRaftPeer -Connection $Connection -DrOperationToken ([securestring]::new()) -ErrorAction Stop } }
            @{ Id = 'VaultDrNoAutopilotSetting'; Call = { Set-VaultDrAutopilotConfiguration -Connection $Connection -Confirm:$false -ErrorAction Stop } }
            @{ Id = 'ParameterArgumentTransformationError'; Message = 'Quote the duration'; Call = { Set-VaultDrAutopilotConfiguration -Connection $Connection -LastContactThreshold 1.5 -ErrorAction Stop } }
            @{ Id = 'ParameterArgumentValidationError'; Call = { Set-VaultDrAutopilotConfiguration -Connection $Connection -MinQuorum -1 -ErrorAction Stop } }
        )
        foreach ($case in $cases) {
            $Stub.ClearRequests()
            $thrown = { & $case.Call } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike "$($case.Id),*"
            $thrown.Exception.Message | Should -Not -BeNullOrEmpty
            if ($case.Message) { $thrown.Exception.Message | Should -Match $case.Message }
            $Stub.Requests.Count | Should -Be 0 -Because "$($case.Id) is known before any request"
        }
    }
}
