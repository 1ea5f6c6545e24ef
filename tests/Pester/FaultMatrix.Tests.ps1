<#
    Every cmdlet that talks to Vault x every fault the lab can inject. Reads recover where Vault's own
    client would; a state-changing call is re-sent only when Vault provably did not act on it (asserted
    from the lab's request log); every failure is exactly one ErrorRecord with a VaultDr id.
#>
BeforeDiscovery {
    $sec = '/v1/sys/replication/dr/secondary'
    $pri = '/v1/sys/replication/dr/primary'
    $notSecondary = 'Not a DR secondary'
    $pathDisabled = 'path disabled in replication DR secondary mode'
    # Mode: what the cluster must be for the call to succeed. WrongMode: where the same call gets Vault's 400.
    # Needs: what Prepare must make first. Invoke: the minimal valid call ($c: connection, $x: prepared context).
    # FirstMethod/FirstPath: the cmdlet's first request, when it is not the faulted one.
    $script:Cmdlets = @(
        @{ Name = 'Get-VaultDrStatus'; Method = 'GET'; Path = '/v1/sys/replication/dr/status'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Get-VaultDrStatus -Connection $c } }
        @{ Name = 'Enable-VaultDrPrimary'; Method = 'POST'; Path = "$pri/enable"; Mode = 'disabled'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @()
            Invoke = { param($c, $x) Enable-VaultDrPrimary -Connection $c } }
        @{ Name = 'Disable-VaultDrPrimary'; Method = 'POST'; Path = "$pri/disable"; Mode = 'primary'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @()
            Invoke = { param($c, $x) Disable-VaultDrPrimary -Connection $c -Confirm:$false } }
        @{ Name = 'Invoke-VaultDrDemote'; Method = 'POST'; Path = "$pri/demote"; Mode = 'primary'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @()
            Invoke = { param($c, $x) Invoke-VaultDrDemote -Connection $c -Confirm:$false } }
        @{ Name = 'New-VaultDrSecondaryToken'; Method = 'POST'; Path = "$pri/secondary-token"; Mode = 'primary'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @('Id')
            Invoke = { param($c, $x) New-VaultDrSecondaryToken -Connection $c -Id $x.Id -Ttl 5m } }
        @{ Name = 'Revoke-VaultDrSecondary'; Method = 'POST'; Path = "$pri/revoke-secondary"; Mode = 'primary'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @('Id')
            # -Force: the faults are on the revoke itself, not on the status read that checks the id (Primary.Tests.ps1).
            Invoke = { param($c, $x) Revoke-VaultDrSecondary -Connection $c -Id $x.Id -Force -Confirm:$false } }
        @{ Name = 'Enable-VaultDrSecondary'; Method = 'POST'; Path = "$sec/enable"; Mode = 'disabled'; WrongMode = 'primary'; Vault400 = 'primary'; Needs = @('Activation'); Target = 'T'
            Invoke = { param($c, $x) Enable-VaultDrSecondary -Connection $c -ActivationToken $x.Activation -Confirm:$false } }
        @{ Name = 'Disable-VaultDrSecondary'; Method = 'POST'; Path = "$sec/disable"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('OpToken')
            Invoke = { param($c, $x) Disable-VaultDrSecondary -Connection $c -DrOperationToken $x.OpToken -Confirm:$false } }
        @{ Name = 'Invoke-VaultDrPromote'; Method = 'POST'; Path = "$sec/promote"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('OpToken')
            Invoke = { param($c, $x) Invoke-VaultDrPromote -Connection $c -DrOperationToken $x.OpToken -Confirm:$false } }
        @{ Name = 'Update-VaultDrPrimary'; Method = 'POST'; Path = "$sec/update-primary"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('OpToken')
            Invoke = { param($c, $x) Update-VaultDrPrimary -Connection $c -DrOperationToken $x.OpToken -ClearPrimary -Confirm:$false } }
        @{ Name = 'Get-VaultDrOperationTokenProgress'; Method = 'GET'; Path = "$sec/generate-operation-token/attempt"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @()
            Invoke = { param($c, $x) Get-VaultDrOperationTokenProgress -Connection $c } }
        @{ Name = 'Start-VaultDrOperationToken'; Method = 'PUT'; Path = "$sec/generate-operation-token/attempt"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('NoAttempt')
            Invoke = { param($c, $x) Start-VaultDrOperationToken -Connection $c } }
        @{ Name = 'Stop-VaultDrOperationToken'; Method = 'DELETE'; Path = "$sec/generate-operation-token/attempt"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @()
            Invoke = { param($c, $x) Stop-VaultDrOperationToken -Connection $c } }
        @{ Name = 'Submit-VaultDrKeyShare'; Method = 'PUT'; Path = "$sec/generate-operation-token/update"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('Attempt')
            Invoke = { param($c, $x) Submit-VaultDrKeyShare -Connection $c -Key $x.Share -Nonce $x.Nonce } }
        @{ Name = 'New-VaultDrOperationToken'; Method = 'PUT'; Path = "$sec/generate-operation-token/attempt"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('NoAttempt')
            FirstMethod = 'GET'; FirstPath = "$sec/generate-operation-token/attempt"
            Invoke = { param($c, $x) $x.Shares | New-VaultDrOperationToken -Connection $c } }
        @{ Name = 'Revoke-VaultDrOperationToken'; Method = 'POST'; Path = "$sec/operation-token/delete"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @('OpToken')
            Invoke = { param($c, $x) Revoke-VaultDrOperationToken -Connection $c -DrOperationToken $x.OpToken -Confirm:$false } }
        @{ Name = 'New-VaultDrSecondaryPublicKey'; Method = 'POST'; Path = "$sec/generate-public-key"; Mode = 'secondary'; WrongMode = 'primary'; Vault400 = $notSecondary; Needs = @()
            Invoke = { param($c, $x) New-VaultDrSecondaryPublicKey -Connection $c } }
        # The maintenance cmdlets, on a primary with its Vault token (their DR-secondary forms: MaintenanceLab.Tests.ps1).
        @{ Name = 'Get-VaultDrReplicationStatus'; Method = 'GET'; Path = '/v1/sys/replication/status'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Get-VaultDrReplicationStatus -Connection $c } }
        @{ Name = 'Invoke-VaultDrMerkleCheck'; Method = 'POST'; Path = '/v1/sys/replication/merkle-check'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Invoke-VaultDrMerkleCheck -Connection $c -Confirm:$false } }
        @{ Name = 'Start-VaultDrReindex'; Method = 'POST'; Path = '/v1/sys/replication/reindex'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Start-VaultDrReindex -Connection $c -Confirm:$false } }
        @{ Name = 'Repair-VaultDrReplication'; Method = 'POST'; Path = '/v1/sys/replication/recover'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Repair-VaultDrReplication -Connection $c -Confirm:$false } }
        @{ Name = 'Get-VaultDrRaftPeer'; Method = 'GET'; Path = '/v1/sys/storage/raft/configuration'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Get-VaultDrRaftPeer -Connection $c } }
        @{ Name = 'Get-VaultDrAutopilotState'; Method = 'GET'; Path = '/v1/sys/storage/raft/autopilot/state'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Get-VaultDrAutopilotState -Connection $c } }
        @{ Name = 'Get-VaultDrAutopilotConfiguration'; Method = 'GET'; Path = '/v1/sys/storage/raft/autopilot/configuration'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Get-VaultDrAutopilotConfiguration -Connection $c } }
        @{ Name = 'Set-VaultDrAutopilotConfiguration'; Method = 'PUT'; Path = '/v1/sys/storage/raft/autopilot/configuration'; Mode = 'primary'; WrongMode = $null; Needs = @()
            Invoke = { param($c, $x) Set-VaultDrAutopilotConfiguration -Connection $c -MaxTrailingLogs 1000 -Confirm:$false } }
        @{ Name = 'Set-VaultDrLabSecret'; Method = 'PUT'; Path = '/v1/secret/fault/matrix'; Mode = 'primary'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @()
            Invoke = { param($c, $x) Set-VaultDrLabSecret -Connection $c -Path fault/matrix -Data @{ k = 'v' } } }
        @{ Name = 'Get-VaultDrLabSecret'; Method = 'GET'; Path = '/v1/secret/fault/matrix'; Mode = 'primary'; WrongMode = 'secondary'; Vault400 = $pathDisabled; Needs = @('Secret')
            Invoke = { param($c, $x) Get-VaultDrLabSecret -Connection $c -Path fault/matrix } }
    )
    $script:Faults = @('Status500', 'Status503RetryAfter0', 'Status429', 'Standby307', 'DropMidAnswer', 'Drop', 'DropAfterHandling', 'Timeout', 'Refused', 'Sealed', 'WrongMode400')
    $script:MatrixCases = foreach ($cmdlet in $Cmdlets) {
        foreach ($fault in $Faults) {
            if ($fault -eq 'WrongMode400' -and -not $cmdlet.WrongMode) { continue }
            $cmdlet + @{ Fault = $fault; Changes = $cmdlet.Method -ne 'GET' }
        }
    }
    # The https -> http downgrade needs a TLS lab; it is one more fault column.
    $script:RedirectCases = $Cmdlets | ForEach-Object { $_ + @{ Fault = 'HttpsToHttp' } }
    $script:MatrixSize = "Fault matrix: $($Cmdlets.Count) cmdlets x $($Faults.Count + 1) faults = $($MatrixCases.Count + $RedirectCases.Count) cases"
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')
    # The shortest timeout a connection takes; retry waits never exceed it.
    $script:TimeoutMs = 1000
    $script:VaultDrExceptionTypes = 'VaultDr.', 'System.Management.Automation.ParameterBindingException', 'System.Management.Automation.ParameterBindingValidationException'

    function New-FastConnection([Parameter(Mandatory)] $Address, [Parameter(Mandatory)] $Token, [int] $MaxRetries = 1) {
        New-VaultDrConnection -Address $Address -Token $Token -MaxRetries $MaxRetries -TimeoutSec ($script:TimeoutMs / 1000)
    }

    function Assert-OnlyVaultDrErrors([object[]] $Errors) {
        foreach ($e in $Errors) {
            $e | Should -BeOfType [System.Management.Automation.ErrorRecord] -Because "every failure must be an ErrorRecord, not: $e"
            $type = $e.Exception.GetType().FullName
            @($VaultDrExceptionTypes | Where-Object { $type.StartsWith($_) }).Count | Should -BeGreaterThan 0 -Because "'$type' must not escape: $($e.Exception.Message)"
            $e.Exception.Message | Should -Not -Match '(?m)^\s+at ' -Because 'no stack trace in a message'
        }
    }

    function Invoke-Case([scriptblock] $Invoke, $Connection, $Context) {
        <# Runs one call; returns its output, verbose records and every error it raised ($Error sees terminating ones too). #>
        $ErrorActionPreference = 'SilentlyContinue'
        $WarningPreference = 'SilentlyContinue'
        $VerbosePreference = 'Continue'
        $Error.Clear()
        $all = try { & $Invoke $Connection $Context 4>&1 } catch { }
        [pscustomobject]@{
            Output  = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            Verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Errors  = @($Error | Where-Object { $_ })
        }
    }
}

Describe 'Fault matrix against the lab' {
    BeforeAll {
        Write-Host $MatrixSize
        $script:a, $script:p, $script:t = Start-VaultDrLab -ClusterCount 3 -StateStepDelayMs 0 -CatchUpDelayMs 0
        $script:TToken = $t.RootToken
        Enable-VaultDrPrimary -Connection $p.Connection -WarningAction SilentlyContinue
        $script:Clusters = @{ A = $a; T = $t }

        function Get-Conn([string] $Which) {
            if ($Which -eq 'T') { New-VaultDrConnection -Address $t.Address -Token $script:TToken } else { $a.Connection }
        }

        function New-OperationToken($Connection, $KeyCluster) {
            (Get-LabKeyShares $KeyCluster | New-VaultDrOperationToken -Connection $Connection -Force -WarningAction SilentlyContinue).DrOperationToken
        }

        function Set-Mode([string] $Which, [string] $Mode) {
            <# Brings cluster A or T into disabled / primary / secondary with the fewest calls. #>
            $conn = Get-Conn $Which
            $keys = if ($Which -eq 'T' -and $script:TAdopted) { $p } else { $Clusters[$Which] }
            $now = (Get-VaultDrStatus -Connection $conn).Mode
            if ($now -eq 'secondary' -and $Which -eq 'T') {
                # T became a secondary of P: it now holds P's token store and key shares.
                $script:TAdopted = $true
                $script:TToken = $p.RootToken
                $conn = Get-Conn T
                $keys = $p
            }
            if ($now -eq $Mode) { return }
            switch ($Mode) {
                'disabled' {
                    if ($now -eq 'primary') { Disable-VaultDrPrimary -Connection $conn -Confirm:$false -WarningAction SilentlyContinue }
                    else { Disable-VaultDrSecondary -Connection $conn -DrOperationToken (New-OperationToken $conn $keys) -Confirm:$false -WarningAction SilentlyContinue }
                }
                'primary' {
                    if ($now -eq 'disabled') { Enable-VaultDrPrimary -Connection $conn -WarningAction SilentlyContinue }
                    else { Invoke-VaultDrPromote -Connection $conn -DrOperationToken (New-OperationToken $conn $keys) -Confirm:$false -WarningAction SilentlyContinue }
                }
                'secondary' {
                    if ($now -eq 'disabled') { Enable-VaultDrPrimary -Connection $conn -WarningAction SilentlyContinue }
                    Invoke-VaultDrDemote -Connection $conn -Confirm:$false -WarningAction SilentlyContinue
                }
            }
            (Get-VaultDrStatus -Connection $conn).Mode | Should -Be $Mode -Because "the matrix needs $Which in mode $Mode"
        }

        function Initialize-Case([hashtable] $Case, [string] $Mode) {
            <# Prepares the cluster and the call's inputs, then clears faults and the request log. Returns the context. #>
            $which = if ($Case.Target -and $Mode -eq $Case.Mode) { $Case.Target } else { 'A' }
            Set-Mode $which $Mode
            $conn = Get-Conn $which
            $x = @{ Cluster = $Clusters[$which]; Token = if ($which -eq 'T') { $script:TToken } else { $a.RootToken } }
            $wrong = $Mode -ne $Case.Mode
            switch ($Case.Needs) {
                'Id' { $x.Id = "fm-$([guid]::NewGuid().ToString('n').Substring(0, 8))" }
                'OpToken' { $x.OpToken = if ($wrong) { ConvertTo-TestSecret $DrOperationTokenText } else { New-OperationToken $conn $a } }
                'NoAttempt' { if (-not $wrong) { Stop-VaultDrOperationToken -Connection $conn } }
                'Attempt' {
                    if (-not $wrong) { Stop-VaultDrOperationToken -Connection $conn }
                    $x.Nonce = if ($wrong) { $Nonce } else { (Start-VaultDrOperationToken -Connection $conn).Nonce }
                }
                'Activation' { $x.Activation = (New-VaultDrSecondaryToken -Connection $p.Connection -Id "t-$([guid]::NewGuid().ToString('n').Substring(0, 8))").ActivationToken }
                'Secret' { if (-not $wrong) { Set-VaultDrLabSecret -Connection $conn -Path fault/matrix -Data @{ k = 'v' } } }
            }
            $x.Shares = [securestring[]]@(Get-LabKeyShares $a)
            $x.Share = $x.Shares[0]
            Clear-VaultDrLabFault -Lab $a.Lab
            Clear-VaultDrLabRequest -Lab $a.Lab
            $x
        }

        function Get-Log($Cluster, [string] $Method, [string] $Path) {
            @(Get-VaultDrLabRequest -Cluster $Cluster | Where-Object { $_.Method -eq $Method -and $_.Path -eq $Path })
        }
    }
    AfterAll {
        Stop-VaultDrLab
        Write-Host $MatrixSize
    }

    It '<Name> x <Fault>' -ForEach $MatrixCases {
        $case = $_
        $errorId = { param($id) "$id,VaultDr.Commands.$((Get-Command $Name).ImplementingType.Name)" }
        $mode = if ($Fault -eq 'WrongMode400') { $WrongMode } else { $Mode }
        $x = Initialize-Case $case $mode
        $cluster = $x.Cluster
        # Refused and sealed are retried without Retry-After (a 1 s wait): reads show it; writes' retry on 503 is the 503 column.
        $retries = if ($Fault -in 'Refused', 'Sealed' -and $Changes) { 0 } else { 1 }
        $connection = New-FastConnection -Address $cluster.Address -Token $x.Token -MaxRetries $retries
        $firstMethod = if ($case.FirstMethod) { $case.FirstMethod } else { $Method }
        $firstPath = if ($case.FirstPath) { $case.FirstPath } else { $Path }

        switch ($Fault) {
            'Status500' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -StatusCode 500 -RetryAfterSec 0 -Count 1 }
            'Status503RetryAfter0' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -StatusCode 503 -RetryAfterSec 0 -Count 1 }
            'Status429' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -StatusCode 429 -RetryAfterSec 0 -Count 1 }
            'Standby307' { $connection = New-FastConnection -Address (New-VaultDrLabStandby -Cluster $cluster).Address -Token $x.Token }
            'DropMidAnswer' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -DropAfterHeaders -Count 1 }
            'Drop' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -Drop -Count 1 }
            # The cluster acts on the call, then the connection closes: the client cannot know it took effect.
            'DropAfterHandling' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -DropAfterHandling -Count 1 }
            'Timeout' { Set-VaultDrLabFault -Cluster $cluster -Method $Method -Path $Path -DelayMs (3 * $TimeoutMs) -Count 1 }
            'Refused' { Stop-VaultDrLabCluster -Cluster $cluster }
            'Sealed' { Set-VaultDrLabCluster -Cluster $cluster -Sealed $true }
        }
        try {
            $result = Invoke-Case $Invoke $connection $x
        } finally {
            if ($Fault -eq 'Refused') { Start-VaultDrLabCluster -Cluster $cluster }
            if ($Fault -eq 'Sealed') { Set-VaultDrLabCluster -Cluster $cluster -Sealed $false }
        }
        Assert-OnlyVaultDrErrors $result.Errors

        $recovers = $Fault -in 'Status503RetryAfter0', 'Status429', 'Standby307' -or
            (-not $Changes -and $Fault -in 'Status500', 'DropMidAnswer', 'Drop', 'DropAfterHandling', 'Timeout')
        if ($recovers) {
            $result.Errors | Should -BeNullOrEmpty -Because "$Name recovers from $Fault"
            if ($Name -notin 'Stop-VaultDrOperationToken', 'Enable-VaultDrPrimary', 'Disable-VaultDrPrimary', 'Invoke-VaultDrDemote', 'Revoke-VaultDrSecondary',
                'Enable-VaultDrSecondary', 'Disable-VaultDrSecondary', 'Invoke-VaultDrPromote', 'Update-VaultDrPrimary', 'Revoke-VaultDrOperationToken', 'Set-VaultDrLabSecret',
                'Start-VaultDrReindex', 'Repair-VaultDrReplication', 'Set-VaultDrAutopilotConfiguration') {
                $result.Output | Should -Not -BeNullOrEmpty -Because "$Name returns its result"
            }
            if ($Fault -eq 'Timeout') {
                Wait-Until { (Get-Log $cluster $Method $Path).Count -ge 2 } -Because 'the timed-out attempt is logged' -TimeoutSec 10
            }
            $log = Get-Log $cluster $Method $Path
            $log.Count | Should -Be 2 -Because "the faulted attempt and the one that succeeded: $($log | Out-String)"
            $log[1].Status | Should -BeIn 200, 204
            if ($Fault -eq 'Standby307') { $log[0].Status | Should -Be 307 } else { $log[0].Faulted | Should -BeTrue }
            return
        }

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1 -Because "one failure, one ErrorRecord: $($result.Errors | Out-String)"
        $failure = $result.Errors[0]
        $failure.Exception.Message | Should -Not -BeNullOrEmpty
        switch ($Fault) {
            'Status500' {
                $failure.FullyQualifiedErrorId | Should -Be (& $errorId 'VaultDrServerError')
                (Get-Log $cluster $Method $Path).Count | Should -Be 1 -Because 'a 500 may mean Vault acted: never re-sent'
            }
            { $_ -in 'DropMidAnswer', 'Drop', 'DropAfterHandling' } {
                $failure.FullyQualifiedErrorId | Should -Be (& $errorId 'VaultDrConnectionLost')
                $failure.Exception.RequestMayHaveBeenProcessed | Should -BeTrue
                (Get-Log $cluster $Method $Path).Count | Should -Be 1 -Because 'a dropped state-changing call is never re-sent'
            }
            'Timeout' {
                $failure.FullyQualifiedErrorId | Should -Be (& $errorId 'VaultDrTimeout')
                $failure.Exception.RequestMayHaveBeenProcessed | Should -BeTrue
                Wait-Until { (Get-Log $cluster $Method $Path).Count -ge 1 } -Because 'the timed-out call is logged' -TimeoutSec 10
                (Get-Log $cluster $Method $Path).Count | Should -Be 1 -Because 'a timed-out state-changing call is never re-sent'
            }
            'Refused' {
                $failure.FullyQualifiedErrorId | Should -Be (& $errorId 'VaultDrConnectionRefused')
                $failure.Exception.RequestMayHaveBeenProcessed | Should -BeFalse
                @(Get-VaultDrLabRequest -Cluster $cluster).Count | Should -Be 0 -Because 'the cluster was stopped'
                if ($retries) { ($result.Verbose -join "`n") | Should -Match 'ConnectionRefused; retry 1 of 1' }
            }
            'Sealed' {
                $failure.FullyQualifiedErrorId | Should -Be (& $errorId 'VaultDrUnavailable')
                $failure.Exception.Message | Should -Match 'Vault is sealed'
                $log = @(Get-VaultDrLabRequest -Cluster $cluster)
                $log.Count | Should -Be ($retries + 1)
                $log | ForEach-Object { $_.Method | Should -Be $firstMethod; $_.Path | Should -Be $firstPath; $_.Status | Should -Be 503 }
            }
            'WrongMode400' {
                # Vault's bare refusal is explained: the role needed, the role the cluster has, Vault's own text.
                $failure.FullyQualifiedErrorId | Should -Be (& $errorId 'VaultDrWrongRole')
                $failure.CategoryInfo.Category | Should -Be 'InvalidOperation'
                $failure.Exception.Message | Should -Match "^$Name needs a "
                $has = @{ primary = 'a DR primary'; secondary = 'a DR secondary' }[$WrongMode]
                $failure.Exception.Message | Should -Match ([regex]::Escape("is $has. "))
                $failure.Exception.Message | Should -Match ([regex]::Escape("(Vault answered 400: ") + '.*' + [regex]::Escape($Vault400))
                (Get-Log $cluster $firstMethod $firstPath).Count | Should -Be 1 -Because '400 is final'
                (Get-Log $cluster GET $StatusPath).Count | Should -Be 1 -Because 'the role is read once, after the refusal'
            }
            default { throw "No assertion for $Fault" }
        }
    }
}

Describe 'https -> http redirects are refused (TLS lab)' {
    BeforeAll {
        $script:tls = Start-VaultDrLab -ClusterCount 1 -Tls
        $script:plain = Start-StubVault
        $script:x = @{
            Id = 'dr-x'; OpToken = ConvertTo-TestSecret $DrOperationTokenText; Nonce = $Nonce
            Activation = ConvertTo-TestSecret (New-TestActivationJwt); Share = ConvertTo-TestSecret $KeyShareTexts[0]
            Shares = [securestring[]]($KeyShareTexts | ForEach-Object { ConvertTo-TestSecret $_ })
        }
        $saved = $env:VAULT_CLIENT_TIMEOUT
        $env:VAULT_CLIENT_TIMEOUT = '2s'
        $script:tlsConnection = New-VaultDrConnection -Address $tls.Address -Token $tls.RootToken -CACertificateFile $tls.CACertificateFile -MaxRetries 1
        $env:VAULT_CLIENT_TIMEOUT = $saved
    }
    AfterAll {
        Stop-VaultDrLab
        $plain.Dispose()
    }
    BeforeEach {
        Clear-VaultDrLabFault -Lab $tls.Lab
        Clear-VaultDrLabRequest -Lab $tls.Lab
    }

    It '<Name> x <Fault>' -ForEach $RedirectCases {
        # Whatever the cmdlet sends first is redirected to plain http: the token must not follow.
        Set-VaultDrLabFault -Cluster $tls -Path '*' -RedirectTo ([uri]::new($plain.BaseAddress, $Path.TrimStart('/'))) -Count 1
        $result = Invoke-Case $Invoke $tlsConnection $x

        Assert-OnlyVaultDrErrors $result.Errors
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -Be "VaultDrRedirectRefused,VaultDr.Commands.$((Get-Command $Name).ImplementingType.Name)"
        $result.Errors[0].Exception.Message | Should -Match 'without TLS'
        $plain.Requests.Count | Should -Be 0 -Because 'nothing may be sent to the http target'
        $log = @(Get-VaultDrLabRequest -Cluster $tls)
        $log.Count | Should -Be 1
        $log[0].Status | Should -Be 307
    }
}
