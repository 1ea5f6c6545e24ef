<#
.SYNOPSIS
    The Azure Pipelines example: the pipeline YAML (parsed with YamlDotNet), and its two scripts run against
    the lab in a child pwsh the way an agent runs them, with TF_BUILD=True where the agent would set it.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot '../ExamplesCommon.ps1')
    . (Join-Path $PSScriptRoot 'PipelineYaml.ps1')
    $script:PipelineFile = Join-Path $PSScriptRoot 'vault-dr-failover.yml'
    $script:ScriptsDir = Join-Path $PSScriptRoot 'scripts'
    $script:HealthGate = Join-Path $ScriptsDir 'health-gate.ps1'
    $script:PlannedFailover = Join-Path $ScriptsDir 'planned-failover.ps1'
    # Secret variables: they may reach a script only through an env: mapping, never through arguments.
    $script:SecretVariables = 'VAULT_TOKEN', 'VAULT_KEY_SHARES', 'VAULT_DR_BATCH_TOKEN'
}

Describe 'vault-dr-failover.yml' {
    BeforeAll {
        $script:YamlText = Get-Content -Raw $PipelineFile
        $script:Pipeline = Read-PipelineYaml $PipelineFile
        $script:Stages = @($Pipeline['stages'])
        $script:Stage = @{}
        foreach ($s in $Stages) { $Stage[$s['stage']] = $s }
        $script:PowerShellTasks = @(Get-Node $Pipeline | Where-Object { $_.Map.ContainsKey('task') -and $_.Map['task'] -eq 'PowerShell@2' })
    }

    It 'uses only the keys and task inputs Azure Pipelines documents' {
        Get-UndocumentedKey $Pipeline | Should -BeNullOrEmpty
    }

    It 'is YAML with a HealthGate stage and a PlannedFailover stage that depends on it' {
        $Stage.Keys | Should -Contain 'HealthGate'
        $Stage.Keys | Should -Contain 'PlannedFailover'
        @($Stage['PlannedFailover']['dependsOn']) | Should -Be @('HealthGate')
        [array]::IndexOf(@($Stages | ForEach-Object { $_['stage'] }), 'HealthGate') |
            Should -BeLessThan ([array]::IndexOf(@($Stages | ForEach-Object { $_['stage'] }), 'PlannedFailover'))
    }

    It 'fails over in a deployment job on the environment vault-dr-failover, whose approval is explained in a comment' {
        $deployments = @($Stage['PlannedFailover']['jobs'] | Where-Object { $_.ContainsKey('deployment') })
        $deployments.Count | Should -Be 1
        $environment = $deployments[0]['environment']
        $name = if ($environment -is [System.Collections.IDictionary]) { $environment['name'] } else { $environment }
        $name | Should -Be 'vault-dr-failover'
        $deployments[0]['strategy']['runOnce']['deploy']['steps'] | Should -Not -BeNullOrEmpty
        $YamlText | Should -Match '#.*[Aa]pprovals and checks'
    }

    It 'takes its settings from the variable group vault-dr and the CA from a secure file (DownloadSecureFile@1)' {
        @($Pipeline['variables'] | Where-Object { $_.ContainsKey('group') } | ForEach-Object { $_['group'] }) | Should -Contain 'vault-dr'
        $secureFiles = @(Get-Node $Pipeline | Where-Object { $_.Map.ContainsKey('task') -and $_.Map['task'] -eq 'DownloadSecureFile@1' })
        $secureFiles.Count | Should -Be 2
        foreach ($task in $PowerShellTasks | Where-Object { $_.Map['inputs']['filePath'] -match 'scripts/' }) {
            $task.Map['env']['VAULT_CA_CERT'] | Should -Match '^\$\(\w+\.secureFilePath\)$'
            $task.Map['env']['VAULT_PRIMARY_ADDR'] | Should -Be '$(VAULT_PRIMARY_ADDR)'
            $task.Map['env']['VAULT_DR_ADDR'] | Should -Be '$(VAULT_DR_ADDR)'
        }
    }

    It 'runs every PowerShell@2 task with pwsh: true from a script file that exists' {
        $PowerShellTasks.Count | Should -BeGreaterOrEqual 3
        foreach ($task in $PowerShellTasks) {
            $inputs = $task.Map['inputs']
            $inputs['pwsh'] | Should -Be 'true' -Because $task.Path
            $inputs['targetType'] | Should -Be 'filePath' -Because $task.Path
            $inputs.ContainsKey('script') | Should -BeFalse -Because "$($task.Path) must not run inline script"
            Resolve-PipelinePath $Pipeline $inputs['filePath'] | Should -Exist -Because $task.Path
        }
        $scripts = $PowerShellTasks | ForEach-Object { Split-Path -Leaf (Resolve-PipelinePath $Pipeline $_.Map['inputs']['filePath']) }
        $scripts | Should -Contain 'health-gate.ps1'
        $scripts | Should -Contain 'planned-failover.ps1'
        foreach ($case in @{ Stage = 'HealthGate'; Script = 'health-gate.ps1' }, @{ Stage = 'PlannedFailover'; Script = 'planned-failover.ps1' }) {
            $tasks = @(Get-Node $Stage[$case.Stage] | Where-Object { $_.Map['task'] -eq 'PowerShell@2' })
            $tasks.Count | Should -Be 1 -Because $case.Stage
            $tasks[0].Map['inputs']['filePath'] | Should -BeLike "*/$($case.Script)" -Because $case.Stage
        }
    }

    It 'passes secrets only through env: (VAULT_TOKEN: $(VAULT_TOKEN)), never in arguments or anywhere else' {
        foreach ($task in $PowerShellTasks | Where-Object { $_.Map['inputs']['filePath'] -match 'scripts/' }) {
            $task.Map['env']['VAULT_TOKEN'] | Should -Be '$(VAULT_TOKEN)'
        }
        foreach ($task in $PowerShellTasks) {
            $arguments = [string] $task.Map['inputs']['arguments']
            foreach ($secret in $SecretVariables) {
                $arguments | Should -Not -Match "\`$\(\s*$secret\s*\)|\`$env:$secret|variables(\[['`"]|\.)$secret" -Because "$secret is a secret ($($task.Path))"
            }
        }
        # Anywhere in the file, a secret macro may only be the value of an env: mapping of the same name.
        foreach ($scalar in Get-Scalar $Pipeline) {
            foreach ($secret in $SecretVariables) {
                if ($scalar.Value -match "\`$\(\s*$secret\s*\)") {
                    $scalar.Path | Should -Match "/env/$secret$" -Because "$secret is a secret"
                    $scalar.Value | Should -Be "`$($secret)"
                }
            }
        }
    }

    It 'builds the module artifact VaultDr that both script stages download and import' {
        $publish = @(Get-Node $Pipeline | Where-Object { $_.Map.ContainsKey('publish') })
        $publish.Map['artifact'] | Should -Be 'VaultDr'
        foreach ($name in 'HealthGate', 'PlannedFailover') {
            $downloads = @(Get-Node $Stage[$name] | Where-Object { $_.Map.ContainsKey('download') })
            $downloads.Map['artifact'] | Should -Be 'VaultDr' -Because $name
        }
        foreach ($task in $PowerShellTasks | Where-Object { $_.Map['inputs']['filePath'] -match 'scripts/' }) {
            Resolve-PipelinePath $Pipeline $task.Map['env']['VAULTDR_MODULE_PATH'] | Should -Be '$(Pipeline.Workspace)/VaultDr/VaultDr.psd1'
        }
    }

    It 'references scripts that parse without errors: <_>' -ForEach @('health-gate.ps1', 'planned-failover.ps1', 'PipelineCommon.ps1') {
        $tokens = $null
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $ScriptsDir $_), [ref] $tokens, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'The pipeline scripts against a lab DR pair with TLS' {
    BeforeAll {
        $script:pair = New-LabPair -Tls
        $script:RootTokenText = ConvertFrom-SecretForTest $pair.A.RootToken
        $script:KeyShareTexts = @($pair.A.UnsealKeys | ForEach-Object { ConvertFrom-SecretForTest $_ })
        # What the pipeline maps into each step (the CA file stands in for the secure file).
        $script:StepEnvironment = @{
            VAULT_PRIMARY_ADDR  = $pair.A.Address.ToString()
            VAULT_DR_ADDR       = $pair.B.Address.ToString()
            VAULT_CA_CERT       = $pair.A.CACertificateFile
            VAULT_TOKEN         = $RootTokenText
            VAULT_KEY_SHARES    = $null
            VAULTDR_MODULE_PATH = $ModuleManifest
            TF_BUILD            = $null
            NO_COLOR            = '1'
        }

        function Get-AgentEnvironment([hashtable] $Extra = @{}) {
            $environment = $StepEnvironment.Clone()
            $environment.TF_BUILD = 'True'
            foreach ($key in $Extra.Keys) { $environment[$key] = $Extra[$key] }
            $environment
        }

        function Assert-NoSecret($Run, [string[]] $Except = @()) {
            <# Neither the Vault token nor any key share appears in any line the step wrote. #>
            foreach ($line in $Run.Lines) {
                if ($Except -contains $line) { continue }
                $line | Should -Not -Match ([regex]::Escape($RootTokenText)) -Because 'the Vault token is a secret'
                foreach ($share in $KeyShareTexts) { $line | Should -Not -Match ([regex]::Escape($share)) -Because 'key shares are secret' }
            }
        }
    }
    AfterAll { Stop-VaultDrLab }

    It 'health-gate.ps1 passes a healthy, caught-up pair (exit code 0)' {
        $run = Invoke-ChildPwsh -File $HealthGate -ArgumentList '-WaitSec', '10' -Environment $StepEnvironment
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Health gate passed'
        $run.Text | Should -Match 'role active, DR mode primary'
        $run.Text | Should -Match 'role dr-secondary, DR mode secondary'
        $run.Lines | Should -Not -Match '^##'   # no TF_BUILD: no logging commands
        Assert-NoSecret $run
    }

    It 'health-gate.ps1 fails a disconnected secondary with a clear message and an error annotation' {
        Set-VaultDrLabPartition -Cluster $pair.A -Peer $pair.B
        try {
            Wait-Until { -not (Test-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB).Connected } -Because 'the primary sees the secondary go away'
            $run = Invoke-ChildPwsh -File $HealthGate -ArgumentList '-WaitSec', '0' -Environment (Get-AgentEnvironment)

            $run.ExitCode | Should -Not -Be 0 -Because $run.Text
            $issues = @($run.Lines -like '##vso`[task.logissue type=error`]*')
            $issues.Count | Should -Be 1 -Because $run.Text
            $issues[0] | Should -Match '^##vso\[task\.logissue type=error\]Health gate failed: .*(disconnected|not connected)'
            $run.Text | Should -Match 'Nothing was changed'
            $run.Lines | Should -Contain '##[group]DR replication'
            Assert-NoSecret $run
        }
        finally {
            Clear-VaultDrLabFault -Lab $pair.A.Lab
        }
        Wait-VaultDrReplication -Primary $pair.ConnA -Secondary $pair.ConnB -TimeoutSec 20 | Out-Null
    }

    It 'planned-failover.ps1 on an agent: groups, a secret batch-token variable, warning annotations, B primary and A secondary, no secret in the log' {
        $run = Invoke-ChildPwsh -File $PlannedFailover -ArgumentList '-TimeoutSec', '60' -Environment (Get-AgentEnvironment)
        $run.ExitCode | Should -Be 0 -Because $run.Text

        # Each failover step folds into its own group.
        $groups = @($run.Lines -match '^##\[group\]Failover step \d+: ')
        $groups.Count | Should -Be 12 -Because $run.Text
        $run.Lines | Should -Contain '##[group]Failover step 2: Get a DR operation token on the secondary'
        $run.Lines | Should -Contain "##[group]Failover step 3: Check the secondary's Raft peers"
        $run.Lines | Should -Contain '##[group]Failover step 4: Demote the old primary'
        $run.Lines | Should -Contain '##[group]Failover step 5: Promote the secondary'
        @($run.Lines -eq '##[endgroup]').Count | Should -Be @($run.Lines -match '^##\[group\]').Count

        # -AzDevOpsVariable: the batch token goes into one secret variable, and nowhere else.
        $prefix = '##vso[task.setvariable variable=VAULT_DR_BATCH_TOKEN;issecret=true]'
        $setVariable = @($run.Lines | Where-Object { $_.StartsWith($prefix, [StringComparison]::Ordinal) })
        $setVariable.Count | Should -Be 1 -Because $run.Text
        $batchToken = $setVariable[0].Substring($prefix.Length)
        $batchToken | Should -Match '^hvb\.[A-Za-z0-9]{20,}$'
        @($run.Lines | Where-Object { $_.Contains($batchToken) }).Count | Should -Be 1

        # Vault's warnings (demote, promote) become warning annotations; nothing failed.
        $warnings = @($run.Lines -like '##vso`[task.logissue type=warning`]*')
        $warnings | Should -Not -BeNullOrEmpty
        ($warnings -join "`n") | Should -Match 'demoted'
        ($warnings -join "`n") | Should -Match 'promoted'
        $run.Lines | Should -Not -BeLike '##vso`[task.logissue type=error`]*'

        $run.Text | Should -Match 'Planned failover .* SUCCEEDED'
        Assert-NoSecret $run

        $old, $new = Get-VaultDrStatus -Connection $pair.ConnA, $pair.ConnB
        $new.Mode | Should -Be 'primary'
        $new.State | Should -Be 'running'
        $old.Mode | Should -Be 'secondary'
        $old.State | Should -Be 'stream-wals'
    }

    It 'planned-failover.ps1 -Failback with key shares from VAULT_KEY_SHARES: A primary again, no key share in the log' {
        $shares = ($KeyShareTexts | Select-Object -First $pair.A.KeyThreshold) -join ','
        $run = Invoke-ChildPwsh -File $PlannedFailover -ArgumentList '-OperationTokenSource', 'KeyShares', '-Failback', '-TimeoutSec', '60' `
            -Environment (Get-AgentEnvironment @{ VAULT_KEY_SHARES = $shares })
        $run.ExitCode | Should -Be 0 -Because $run.Text

        $run.Text | Should -Match 'Using 3 key share\(s\) from VAULT_KEY_SHARES'
        @($run.Lines -match '^##\[group\]Failover step \d+: ').Count | Should -Be 12
        $run.Lines | Should -Not -BeLike '##vso`[task.setvariable*'
        Assert-NoSecret $run

        $primary, $secondary = Get-VaultDrStatus -Connection $pair.ConnA, $pair.ConnB
        $primary.Mode | Should -Be 'primary'
        $secondary.Mode | Should -Be 'secondary'
    }
}

Describe 'The cmdlets on and off an Azure Pipelines agent' {
    BeforeAll {
        $script:pair = New-LabPair
        $script:AgentCommand = @'
$ErrorActionPreference = 'Continue'
Import-Module $env:VAULTDR_MODULE_PATH
$token = ConvertTo-SecureString $env:VAULT_TOKEN -AsPlainText -Force
$primary = New-VaultDrConnection -Address $env:VAULT_PRIMARY_ADDR -Token $token -MaxRetries 0
try { New-VaultDrBatchOperationToken -Connection $primary -AzDevOpsVariable 'bad name;x' -Confirm:$false -ErrorAction Stop }
catch { 'RESULT invalid-name ' + $_.FullyQualifiedErrorId }
$op = ConvertTo-SecureString 'hvs.NotARealOperationToken0000' -AsPlainText -Force
Invoke-VaultDrPromote -Connection $primary -DrOperationToken $op -Confirm:$false -ErrorAction Continue -ErrorVariable failure 2>$null
'RESULT promote ' + $failure[0].FullyQualifiedErrorId
'@
    }
    AfterAll { Stop-VaultDrLab }

    It '-AzDevOpsVariable without TF_BUILD fails with VaultDrNotInAzureDevOps before any request' {
        $saved = $env:TF_BUILD
        $env:TF_BUILD = $null
        try {
            Clear-VaultDrLabRequest -Lab $pair.A.Lab
            $thrown = { New-VaultDrBatchOperationToken -Connection $pair.ConnA -AzDevOpsVariable VAULT_DR_BATCH_TOKEN -Confirm:$false -ErrorAction Stop } |
                Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -Be 'VaultDrNotInAzureDevOps,VaultDr.Commands.NewVaultDrBatchOperationTokenCommand'
            $thrown.Exception.Message | Should -Match 'TF_BUILD'
            @(Get-VaultDrLabRequest -Cluster $pair.A).Count | Should -Be 0
        }
        finally { $env:TF_BUILD = $saved }
    }

    It 'on an agent, an invalid variable name fails with VaultDrInvalidAzDevOpsVariable before any request, and a cmdlet error becomes a logissue error' {
        Clear-VaultDrLabRequest -Lab $pair.A.Lab
        $run = Invoke-ChildPwsh -Command $AgentCommand -Environment @{
            TF_BUILD            = 'True'
            NO_COLOR            = '1'
            VAULTDR_MODULE_PATH = $ModuleManifest
            VAULT_PRIMARY_ADDR  = $pair.A.Address.ToString()
            VAULT_TOKEN         = (ConvertFrom-SecretForTest $pair.A.RootToken)
        }

        $run.Lines | Should -Contain 'RESULT invalid-name VaultDrInvalidAzDevOpsVariable,VaultDr.Commands.NewVaultDrBatchOperationTokenCommand' -Because $run.Text
        $run.Lines | Should -Contain "##vso[task.logissue type=error]'bad name;x' is not a usable pipeline variable name (letters, digits, '.', '_' and '-')."
        $run.Lines | Should -Contain 'RESULT promote VaultDrWrongRole,VaultDr.Commands.InvokeVaultDrPromoteCommand'
        @($run.Lines -like '##vso`[task.logissue type=error`]*Not a DR secondary*').Count | Should -Be 1 -Because $run.Text
        $run.Lines | Should -Not -BeLike '##vso`[task.setvariable*'

        $requests = @(Get-VaultDrLabRequest -Cluster $pair.A)
        @($requests | Where-Object { $_.Path -like '/v1/sys/policies/*' -or $_.Path -like '/v1/auth/token/*' }).Count | Should -Be 0
        @($requests | Where-Object Path -eq '/v1/sys/replication/dr/secondary/promote').Count | Should -Be 1
    }
}
