<#
    What a new user meets in the first hour (issue #11): errors that say what to do next, binding that takes what
    they have at hand (LabClusters, durations as PowerShell parses them), completion, the timeout a wait was given,
    and the failover's markdown summary. Each test fails without the change it covers.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    function Complete([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    function New-JoinedPair([switch] $Tls) {
        <# A primary and its caught-up DR secondary, used through the LabClusters' own connections. #>
        $a, $b = Start-VaultDrLab -Tls:$Tls -StateStepDelayMs 30 -CatchUpDelayMs 60
        Enable-VaultDrPrimary -Connection $a -WarningAction SilentlyContinue
        New-VaultDrSecondaryToken -Connection $a -Id "$($b.Name)-dr" | Enable-VaultDrSecondary -Connection $b -Confirm:$false -WarningAction SilentlyContinue
        Wait-VaultDrReplication $a $b -TimeoutSec 20 | Out-Null
        [pscustomobject]@{ A = $a; B = $b }
    }
}

Describe 'A DR pair in the lab, as a new user drives it' {
    BeforeAll { $script:pair = New-JoinedPair }
    AfterAll { Stop-VaultDrLab }

    It 'takes LabClusters wherever a connection is asked for, and -Secondary from the pipeline' {
        (Get-VaultDrStatus -Connection $pair.A).Mode | Should -Be 'primary'
        (Test-VaultDrReplication $pair.A $pair.B).Healthy | Should -BeTrue
        ($pair.B | Test-VaultDrReplication -Primary $pair.A).Healthy | Should -BeTrue
        (Invoke-VaultDrFailover -Primary $pair.A -Secondary $pair.B -KeyShare (Get-LabKeyShares $pair.A) -WhatIf 6>$null).WhatIf | Should -BeTrue
    }

    It "keeps the secondary's own Connection working after the DR join: it follows the primary's tokens" {
        # Before the change, vault-2's connection kept its own root token, which the join had made useless.
        $pair.B.Connection | Should -Be (Get-VaultDrLab).Clusters[1].Connection
        [System.Net.NetworkCredential]::new('', $pair.B.RootToken).Password | Should -Be ([System.Net.NetworkCredential]::new('', $pair.A.RootToken).Password)
        Invoke-VaultDrDemote -Connection $pair.A -Confirm:$false -WarningAction SilentlyContinue
        try {
            $op = Get-LabKeyShares $pair.A | New-VaultDrOperationToken -Connection $pair.B.Connection -WarningAction SilentlyContinue
            $op | Invoke-VaultDrPromote -Connection $pair.B.Connection -Confirm:$false -WarningAction SilentlyContinue
            { Set-VaultDrLabSecret -Connection $pair.B.Connection -Path app/after -Data @{ v = '1' } -Confirm:$false } | Should -Not -Throw
            (Get-VaultDrLabSecret -Connection $pair.B.Connection -Path app/after).v | Should -Be '1'
        }
        finally {
            # Back to one primary (vault-2) and leave it so: the later tests need only a primary and a non-secondary.
            $op | Revoke-VaultDrOperationToken -Connection $pair.B.Connection -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    It 'explains a cmdlet run against the wrong role: which role it needs, which the cluster has, what to run instead' {
        $err = { Invoke-VaultDrPromote -Connection $pair.B -DrOperationToken (ConvertTo-TestSecret $DrOperationTokenText) -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrWrongRole,VaultDr.Commands.InvokeVaultDrPromoteCommand' -PassThru
        $err.Exception.Message | Should -BeLike 'Invoke-VaultDrPromote needs a DR secondary, but vault-2 (*) is a DR primary. It is the primary already. (Vault answered 400: Not a DR secondary.)'
        $err.Exception.InnerException.ErrorId | Should -Be 'VaultDrInvalidRequest'
    }

    It 'refuses to revoke an id the primary does not list, naming the ids it does; -Force sends it anyway' {
        Clear-VaultDrLabRequest -Lab $pair.B.Lab
        $err = { Revoke-VaultDrSecondary -Connection $pair.B -Id typo -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrUnknownSecondaryId,VaultDr.Commands.RevokeVaultDrSecondaryCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*lists no DR secondary 'typo'*Nothing was revoked*-Force*"
        Get-VaultDrLabRequest -Cluster $pair.B | Where-Object Method -eq 'POST' | Should -BeNullOrEmpty
        Revoke-VaultDrSecondary -Connection $pair.B -Id typo -Force -Confirm:$false
        @(Get-VaultDrLabRequest -Cluster $pair.B | Where-Object Path -eq '/v1/sys/replication/dr/primary/revoke-secondary').Count | Should -Be 1
    }

    It 'completes -Id with the ids the primary lists, reading it only when Tab is pressed' {
        New-VaultDrSecondaryToken -Connection $pair.B -Id east-dr -Confirm:$false | Out-Null
        Clear-VaultDrLabRequest -Lab $pair.B.Lab
        $script:LabPrimary = $pair.B
        Complete 'Revoke-VaultDrSecondary -Connection $LabPrimary -Id ea' | Should -Be 'east-dr'
        @(Get-VaultDrLabRequest -Cluster $pair.B).Path | Should -Be '/v1/sys/replication/dr/status'
    }

    It 'says the activation token was used when it is replayed, and what to do' {
        $first, $second = Start-VaultDrLab -ClusterCount 2
        $token = New-VaultDrSecondaryToken -Connection $pair.B -Id replayed
        $token | Enable-VaultDrSecondary -Connection $first -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop
        $err = { $token | Enable-VaultDrSecondary -Connection $second -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrActivationTokenUsed,VaultDr.Commands.EnableVaultDrSecondaryCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*already used, or it expired or was revoked*New-VaultDrSecondaryToken*'
    }

    It 'waits the whole -TimeoutSec and gives the time it waited' {
        $lonely = @(Start-VaultDrLab -ClusterCount 1)[0]
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $err = { Wait-VaultDrReplication -Primary $pair.B -Secondary $lonely -TimeoutSec 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultDrReplicationTimeout,VaultDr.Commands.WaitVaultDrReplicationCommand' -PassThru
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 3
        $err.Exception.Message | Should -Match '^DR replication was not healthy after 3\.\d s \(-TimeoutSec 3\)\.'
    }
}

Describe 'Errors that say what to do next' {
    It 'a 403 says no token was sent, and where one can come from' {
        $c = @(Start-VaultDrLab -ClusterCount 1)[0]
        try {
            $saved = $env:VAULT_TOKEN; $env:VAULT_TOKEN = $null
            $err = { Get-VaultDrLabSecret -Address $c.Address -Path app/db -ErrorAction Stop } |
                Should -Throw -ErrorId 'VaultDrPermissionDenied,VaultDr.Commands.GetVaultDrLabSecretCommand' -PassThru
            $err.Exception.Message | Should -BeLike '*permission denied. No Vault token was sent*VAULT_TOKEN*'
        }
        finally { $env:VAULT_TOKEN = $saved; Stop-VaultDrLab }
    }

    It 'a 403 names the token that was refused: VAULT_TOKEN' {
        $c = @(Start-VaultDrLab -ClusterCount 1)[0]
        try {
            $saved = $env:VAULT_TOKEN; $env:VAULT_TOKEN = 'hvs.NotAValidTokenForThisLab000000'
            $err = { Get-VaultDrLabSecret -Address $c.Address -Path app/db -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception.Message | Should -BeLike '*The token sent came from VAULT_TOKEN*'
            $err.Exception.Message | Should -Not -BeLike '*NotAValidTokenForThisLab*'
        }
        finally { $env:VAULT_TOKEN = $saved; Stop-VaultDrLab }
    }

    It 'plain http against a TLS listener says "this server speaks https", at once, for a read and a change' {
        $c = @(Start-VaultDrLab -ClusterCount 1 -Tls)[0]
        try {
            $http = "http://$(([uri]$c.Address).Authority)"
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $err = { Get-VaultDrStatus -Address $http -ErrorAction Stop } |
                Should -Throw -ErrorId 'VaultDrHttpsRequired,VaultDr.Commands.GetVaultDrStatusCommand' -PassThru
            $err.Exception.Message | Should -BeLike "*this server speaks https, not http. Use https://$(([uri]$c.Address).Authority)*"
            $err.Exception.Message | Should -Not -BeLike '*may have acted*'
            $err.Exception.RequestMayHaveBeenProcessed | Should -BeFalse
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 2.5 -Because 'no retries: another try cannot help'
            { Enable-VaultDrPrimary -Address $http -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'VaultDrHttpsRequired,VaultDr.Commands.EnableVaultDrPrimaryCommand'
        }
        finally { Stop-VaultDrLab }
    }

    It 'a garbage activation token is "not an activation token", before any request' {
        $stub = Start-StubVault
        try {
            $err = { Enable-VaultDrSecondary -Connection (New-StubConnection $stub) -ActivationToken (ConvertTo-TestSecret 'not-a-token') -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'VaultDrInvalidActivationToken,VaultDr.Commands.EnableVaultDrSecondaryCommand' -PassThru
            $err.Exception.Message | Should -BeLike '*is not an activation token*New-VaultDrSecondaryToken*'
            $stub.Requests.Count | Should -Be 0
        }
        finally { $stub.Dispose() }
    }

    It 'a plain-string -Token says how to make a SecureString' {
        $err = { Get-VaultDrStatus -Address https://vault-a.example.com:8200 -Token 'hvs.PlainTextToken' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,VaultDr.Commands.GetVaultDrStatusCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*takes a SecureString*Read-Host -AsSecureString*ConvertTo-SecureString*'
    }
}

Describe 'Durations as PowerShell parses them' {
    BeforeAll {
        $script:stub = Start-StubVault
        $stub.Respond('POST', '/v1/sys/replication/dr/primary/secondary-token', 200, (New-SecondaryTokenAnswer (New-TestActivationJwt))) | Out-Null
        $script:conn = New-StubConnection $stub
    }
    AfterAll { $stub.Dispose() }
    BeforeEach { $stub.ClearRequests() }

    It '-Ttl 90s (a short to PowerShell) is 90 seconds, as a bare number is in Vault' {
        New-VaultDrSecondaryToken -Connection $conn -Id x -Ttl 90s | Out-Null
        $stub.Requests[0].JsonString('ttl') | Should -Be '90s'
        New-VaultDrSecondaryToken -Connection $conn -Id x -Ttl 3600L | Out-Null
        $stub.Requests[1].JsonString('ttl') | Should -Be '3600s'
    }

    It "-Ttl 1d (a decimal to PowerShell) says to quote it, before any request" {
        $err = { New-VaultDrSecondaryToken -Connection $conn -Id x -Ttl 1d -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,VaultDr.Commands.NewVaultDrSecondaryTokenCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*reads 1d as the decimal 1. Quote the duration, as in -Ttl '1d'*"
        New-VaultDrSecondaryToken -Connection $conn -Id x -Ttl '1d' | Out-Null
        $stub.Requests[-1].JsonString('ttl') | Should -Be '86400s'
    }
}

Describe 'Completion' {
    BeforeAll { $script:clusters = @(Start-VaultDrLab) }
    AfterAll { Stop-VaultDrLab }

    It '<Line> completes <Expected>' -ForEach @(
        @{ Line = 'New-VaultDrSecondaryToken -Id x -Ttl 3'; Expected = @('30m', '30d') }
        @{ Line = 'New-VaultDrBatchOperationToken -Ttl 8'; Expected = @('8h') }
        @{ Line = 'Start-VaultDrLab -VaultVersion 2'; Expected = @('2.0') }
        @{ Line = 'Set-VaultDrLabCluster -Cluster vault-'; Expected = @('vault-1', 'vault-2') }
        @{ Line = 'Set-VaultDrLabPartition -Cluster vault-1 -Peer vault-'; Expected = @('vault-1', 'vault-2') }
        @{ Line = 'Set-VaultDrLabFault -Cluster vault-1 -Path /v1/sys/replication/dr/secondary/pro'; Expected = @('/v1/sys/replication/dr/secondary/promote') }
        @{ Line = 'Get-VaultDrStatus | Where-Object Mode -eq pr'; Expected = @('primary') }
    ) {
        Complete $Line | Should -Be $Expected
    }

    It '-Lab completes the process id of this session''s lab, and the id binds' {
        $id = "$($clusters[0].Lab.ProcessId)"
        Complete 'Clear-VaultDrLabRequest -Lab ' | Should -Be @($id)
        { Clear-VaultDrLabRequest -Lab $id -Confirm:$false } | Should -Not -Throw
    }

    It 'a lab cluster given by name binds to the cluster' {
        Set-VaultDrLabCluster -Cluster vault-2 -LatencyMs 0 -Confirm:$false
        { Set-VaultDrLabCluster -Cluster nope -LatencyMs 0 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*no lab cluster named 'nope'*Tab completes the names*"
    }
}

Describe 'The failover summary' {
    BeforeAll { $script:pair = New-JoinedPair }
    AfterAll { Stop-VaultDrLab }

    It '-SummaryPath writes the report as markdown: outcome, topology before and after, the steps' {
        $file = Join-Path $TestDrive 'failover.md'
        $report = Invoke-VaultDrFailover $pair.A $pair.B -KeyShare (Get-LabKeyShares $pair.A) -SummaryPath $file -Confirm:$false -WarningAction SilentlyContinue
        $report.Succeeded | Should -BeTrue -Because ($report.Steps | Out-String)
        $text = Get-Content -Raw $file
        $text | Should -BeLike '## DR failover vault-1 -> vault-2: SUCCEEDED*'
        $text | Should -Match '\| vault-1 \([^)]+\) \| primary, running, WAL \d+ \| secondary, stream-wals, WAL \d+ \|'
        $text | Should -Match '\| vault-2 \([^)]+\) \| secondary, stream-wals, WAL \d+ \| primary, running, WAL \d+ \|'
        $text | Should -Match '\| 5 \| Promote the secondary \| vault-2 [^|]+\| Succeeded \| \d+\.\d s \| promote sent \|'
        ($text -split "`n" | Where-Object { $_ -match '^\| \d+ \|' }).Count | Should -Be $report.Steps.Count
    }
}

Describe 'On an Azure Pipelines agent, the failover uploads its summary' {
    It 'writes ##vso[task.uploadsummary] with a markdown file in the agent''s temp directory' {
        $temp = Join-Path $TestDrive 'agent-temp'
        New-Item -ItemType Directory -Path $temp | Out-Null
        $script = @"
Import-Module '$ModuleManifest'
`$p, `$s = Start-VaultDrLab
Invoke-VaultDrFailover `$p `$s -KeyShare (`$p.UnsealKeys | Select-Object -First 3) -WhatIf 6>`$null | Out-Null
Stop-VaultDrLab
"@
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        'pwsh', '-NoProfile', '-NonInteractive', '-Command', $script | ForEach-Object { $start.ArgumentList.Add($_) }
        $start.Environment['TF_BUILD'] = 'True'
        $start.Environment['AGENT_TEMPDIRECTORY'] = $temp
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        $lines = $process.StandardOutput.ReadToEnd() -split "`r?`n"
        $process.WaitForExit()
        $upload = $lines | Where-Object { $_ -like '##vso`[task.uploadsummary`]*' }
        @($upload).Count | Should -Be 1
        $path = $upload -replace '^##vso\[task\.uploadsummary\]', ''
        Split-Path $path | Should -Be $temp
        Get-Content -Raw $path | Should -BeLike '## DR failover vault-1 -> vault-2: WHATIF*'
    }
}
