# VaultDr shares a process with other modules and with other runspaces: another module's RestSharp
# (a different version, loaded before or after VaultDr) must not break it, and two runspaces must not
# see each other's labs or connections.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'LabCommon.ps1')

    # Another module's RestSharp: build/Pester.proj downloads 112.1.0 next to Pester.
    $script:OtherRestSharp = Join-Path $PSScriptRoot '../../.packages/restsharp/112.1.0/lib/net8.0/RestSharp.dll'
    if (-not (Test-Path $script:OtherRestSharp)) {
        throw "RestSharp 112.1.0 not found at '$script:OtherRestSharp'. Run 'dotnet restore build/Pester.proj' first."
    }
    $script:OtherRestSharp = (Resolve-Path $script:OtherRestSharp).Path
    $script:Manifest = (Resolve-Path $script:ModuleManifest).Path

    # Runs in a fresh pwsh; prints one JSON object with what happened.
    $script:SessionScript = @'
param([string] $Order, [string] $Manifest, [string] $OtherRestSharp, [string] $TestServerScript)
$ErrorActionPreference = 'Stop'
$result = [ordered]@{ OtherVersion = $null; OtherError = $null; LabMode = $null; StubMode = $null; StubRequests = 0; VaultDrError = $null; Loaded = @() }

function Use-OtherRestSharp {
    # What another module does: load its RestSharp into the default context and use it.
    try {
        Add-Type -Path $OtherRestSharp
        $client = [RestSharp.RestClient]::new('http://127.0.0.1:1')
        $result.OtherVersion = $client.GetType().Assembly.GetName().Version.ToString()
        $client.Dispose()
    } catch { $result.OtherError = $_.Exception.Message }
}

. $TestServerScript
if ($Order -eq 'OtherFirst') { Use-OtherRestSharp }
Import-Module $Manifest
$stub = Start-StubVault
try {
    $lab = Start-VaultDrLab -ClusterCount 1
    $result.LabMode = (Get-VaultDrStatus -Connection $lab.Connection).Mode
    $null = $stub.Respond('GET', '/v1/sys/replication/dr/status', 200, '{"data":{"mode":"primary","state":"running","cluster_id":"c1","last_wal":7}}')
    $connection = New-VaultDrConnection -Address $stub.BaseAddress.ToString() -Token (ConvertTo-SecureString 'hvs.Isolation' -AsPlainText -Force) -MaxRetries 0
    $result.StubMode = (Get-VaultDrStatus -Connection $connection).Mode
    $result.StubRequests = $stub.Requests.Count
} catch {
    $result.VaultDrError = "$($_.Exception.GetType().FullName): $($_.Exception.Message)"
} finally {
    try { Stop-VaultDrLab } catch { $result.VaultDrError += " Stop-VaultDrLab: $($_.Exception.Message)" }
    $stub.Dispose()
}
if ($Order -eq 'VaultDrFirst') { Use-OtherRestSharp }

$result.Loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'RestSharp', 'VaultDr', 'VaultDr.Http' } | ForEach-Object {
    [ordered]@{
        Name     = $_.GetName().Name
        Version  = $_.GetName().Version.ToString()
        Context  = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
        Location = $_.Location
    }
})
$result | ConvertTo-Json -Depth 4 -Compress -EnumsAsStrings
'@

    function Invoke-IsolationSession([string] $Order) {
        $scriptFile = Join-Path ([IO.Path]::GetTempPath()) ('vaultdr-isolation-' + [guid]::NewGuid().ToString('n') + '.ps1')
        Set-Content -Path $scriptFile -Value $script:SessionScript -Encoding utf8NoBOM
        try {
            $pwshHost = (Get-Process -Id $PID).Path
            $pwshArgs = @('-NoProfile', '-NonInteractive', '-File', $scriptFile)
            if ([IO.Path]::GetFileNameWithoutExtension($pwshHost) -eq 'dotnet') { $pwshArgs = @((Join-Path $PSHOME 'pwsh.dll')) + $pwshArgs }
            $output = & $pwshHost @pwshArgs -Order $Order -Manifest $script:Manifest -OtherRestSharp $script:OtherRestSharp `
                -TestServerScript (Join-Path $PSScriptRoot 'TestServer.ps1') 2>&1 | Out-String
            $json = ($output -split "`n" | Where-Object { $_.TrimStart().StartsWith('{"OtherVersion"') } | Select-Object -Last 1)
            if (-not $json) { throw "The fresh pwsh printed no result: $output" }
            $json | ConvertFrom-Json
        } finally {
            Remove-Item -Force -ErrorAction Ignore $scriptFile
        }
    }
}

Describe 'VaultDr next to another module''s RestSharp 112.1.0 (<Order>)' -ForEach @(@{ Order = 'OtherFirst' }, @{ Order = 'VaultDrFirst' }) {
    BeforeAll {
        $script:session = Invoke-IsolationSession $Order
    }

    It 'Get-VaultDrStatus works against a lab cluster and the stub' {
        $session.VaultDrError | Should -BeNullOrEmpty
        $session.LabMode | Should -Be 'disabled'
        $session.StubMode | Should -Be 'primary'
        $session.StubRequests | Should -Be 1
    }

    It 'the other module still gets and uses its own RestSharp 112.1.0' {
        $session.OtherError | Should -BeNullOrEmpty
        $session.OtherVersion | Should -Be '112.1.0.0'
    }

    It 'both RestSharp versions are loaded: 112.1.0 in the default context, VaultDr''s 114.1.0 in its own' {
        $restSharp = @($session.Loaded | Where-Object Name -eq 'RestSharp' | Sort-Object Version)
        $restSharp.Count | Should -Be 2
        $restSharp[0].Version | Should -Be '112.1.0.0'
        $restSharp[0].Context | Should -Be 'Default'
        $restSharp[0].Location | Should -Be $OtherRestSharp
        $restSharp[1].Version | Should -Be '114.1.0.0'
        $restSharp[1].Context | Should -Be 'VaultDr'
        $restSharp[1].Location | Should -Be (Join-Path (Split-Path -Parent $Manifest) 'dependencies/RestSharp.dll')
        ($session.Loaded | Where-Object Name -eq 'VaultDr').Context | Should -Be 'Default'
        ($session.Loaded | Where-Object Name -eq 'VaultDr.Http').Context | Should -Be 'VaultDr'
    }
}

Describe 'Two runspaces in one process' {
    BeforeAll {
        function New-VaultDrRunspace {
            $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
            $state.ImportPSModule($script:Manifest)
            $runspace = [runspacefactory]::CreateRunspace($state)
            $runspace.Open()
            $runspace
        }

        function Invoke-InRunspace($Runspace, [scriptblock] $Script, [object[]] $Arguments = @()) {
            $shell = [powershell]::Create()
            $shell.Runspace = $Runspace
            try {
                $null = $shell.AddScript($Script.ToString())
                foreach ($argument in $Arguments) { $null = $shell.AddArgument($argument) }
                $output = $shell.Invoke()
                if ($shell.Streams.Error.Count -gt 0) { throw "The runspace reported: $($shell.Streams.Error[0])" }
                $output
            } finally { $shell.Dispose() }
        }

        # No VAULT_* setting may point a runspace's ad hoc call at a lab by accident.
        $script:savedAddress, $script:savedRetries = $env:VAULT_ADDR, $env:VAULT_MAX_RETRIES
        $env:VAULT_ADDR, $env:VAULT_MAX_RETRIES = 'http://127.0.0.1:1', '0'

        $script:runspaceA = New-VaultDrRunspace
        $script:runspaceB = New-VaultDrRunspace
        $start = { $global:lab = Start-VaultDrLab -ClusterCount 1; $global:connection = New-VaultDrConnection -Address $lab.Address -Token $lab.RootToken -MaxRetries 0; $lab }
        $script:clusterA = Invoke-InRunspace $runspaceA $start
        $script:clusterB = Invoke-InRunspace $runspaceB $start
    }
    AfterAll {
        foreach ($runspace in $runspaceA, $runspaceB) {
            if ($runspace) {
                try { Invoke-InRunspace $runspace { Stop-VaultDrLab } } catch { Write-Warning $_ }
                $runspace.Dispose()
            }
        }
        $env:VAULT_ADDR, $env:VAULT_MAX_RETRIES = $script:savedAddress, $script:savedRetries
    }

    It 'each runspace started its own lab process' {
        $clusterA.Lab.ProcessId | Should -Not -Be $clusterB.Lab.ProcessId
        $clusterA.Address | Should -Not -Be $clusterB.Address
    }

    It 'Get-VaultDrLab in one runspace shows only that runspace''s lab' {
        @(Invoke-InRunspace $runspaceA { Get-VaultDrLab }).ProcessId | Should -Be @($clusterA.Lab.ProcessId)
        @(Invoke-InRunspace $runspaceB { Get-VaultDrLab }).ProcessId | Should -Be @($clusterB.Lab.ProcessId)
        # And this (the test's own) runspace sees neither.
        @(Get-VaultDrLab).ProcessId | Should -Not -Contain $clusterA.Lab.ProcessId
        @(Get-VaultDrLab).ProcessId | Should -Not -Contain $clusterB.Lab.ProcessId
    }

    It 'a connection made in one runspace is not used by a call without -Connection in the other' {
        Clear-VaultDrLabRequest -Lab $clusterA.Lab
        $failure = Invoke-InRunspace $runspaceB {
            Get-VaultDrStatus -ErrorVariable failure -ErrorAction SilentlyContinue
            $failure[0].FullyQualifiedErrorId
            $failure[0].TargetObject.ToString()
        }
        $failure[0] | Should -Be 'VaultDrConnectionRefused,VaultDr.Commands.GetVaultDrStatusCommand'
        $failure[1] | Should -Be 'http://127.0.0.1:1/'
        @(Get-VaultDrLabRequest -Cluster $clusterA).Count | Should -Be 0
        Invoke-InRunspace $runspaceB { $global:connection.Address.ToString() } | Should -Be $clusterB.Address.ToString()
    }

    It 'Get-VaultDrStatus runs concurrently in both, each against its own lab only' {
        Clear-VaultDrLabRequest -Lab $clusterA.Lab
        Clear-VaultDrLabRequest -Lab $clusterB.Lab
        $loop = '1..20 | ForEach-Object { (Get-VaultDrStatus -Connection $global:connection).Mode }'
        $shells = foreach ($runspace in $runspaceA, $runspaceB) {
            $shell = [powershell]::Create()
            $shell.Runspace = $runspace
            $null = $shell.AddScript($loop)
            [pscustomobject]@{ Shell = $shell; Pending = $shell.BeginInvoke() }
        }
        try {
            foreach ($running in $shells) {
                $modes = $running.Shell.EndInvoke($running.Pending)
                $running.Shell.Streams.Error | Should -BeNullOrEmpty
                @($modes).Count | Should -Be 20
                $modes | Sort-Object -Unique | Should -Be 'disabled'
            }
        } finally { $shells.Shell | ForEach-Object Dispose }
        @(Get-VaultDrLabRequest -Cluster $clusterA | Where-Object Path -eq $StatusPath).Count | Should -Be 20
        @(Get-VaultDrLabRequest -Cluster $clusterB | Where-Object Path -eq $StatusPath).Count | Should -Be 20
    }

    It 'Stop-VaultDrLab in one runspace stops only that runspace''s lab' {
        Invoke-InRunspace $runspaceA { Stop-VaultDrLab }
        Wait-Until { $clusterA.Lab.HasExited } -Because "runspace A's lab process exits"
        @(Invoke-InRunspace $runspaceA { Get-VaultDrLab }).Count | Should -Be 0

        $clusterB.Lab.HasExited | Should -BeFalse
        @(Invoke-InRunspace $runspaceB { Get-VaultDrLab }).ProcessId | Should -Be @($clusterB.Lab.ProcessId)
        Invoke-InRunspace $runspaceB { (Get-VaultDrStatus -Connection $global:connection).Mode } | Should -Be 'disabled'
    }
}
