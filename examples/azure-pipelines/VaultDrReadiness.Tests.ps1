<#
.SYNOPSIS
    The nightly readiness example: vault-dr-readiness.yml (parsed with YamlDotNet, only documented keys and task
    inputs), and its script run against the lab in a child pwsh the way an agent runs it, with TF_BUILD=True.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot '../ExamplesCommon.ps1')
    . (Join-Path $PSScriptRoot 'PipelineYaml.ps1')
    $script:PipelineFile = Join-Path $PSScriptRoot 'vault-dr-readiness.yml'
    $script:ReadinessScript = Join-Path $PSScriptRoot 'scripts/readiness-report.ps1'
    # Secret variables: they may reach a script only through an env: mapping, never through arguments.
    $script:SecretVariables = 'VAULT_TOKEN', 'VAULT_DR_BATCH_TOKEN'
}

Describe 'vault-dr-readiness.yml' {
    BeforeAll {
        $script:Pipeline = Read-PipelineYaml $PipelineFile
        $script:PowerShellTasks = @(Get-Node $Pipeline | Where-Object { $_.Map.ContainsKey('task') -and $_.Map['task'] -eq 'PowerShell@2' })
        $script:Readiness = @($Pipeline['stages'] | Where-Object { $_['stage'] -eq 'Readiness' })
    }

    It 'uses only the keys and task inputs Azure Pipelines documents' {
        Get-UndocumentedKey $Pipeline | Should -BeNullOrEmpty
    }

    It 'the key check finds a key and a task input that Azure Pipelines does not document' {
        $broken = Read-PipelineYaml $PipelineFile
        $broken['schedules'][0]['alwaysRun'] = 'true'
        (@(Get-Node $broken | Where-Object { $_.Map['task'] -eq 'PowerShell@2' })[-1]).Map['inputs']['powershellVersion'] = '7'
        Get-UndocumentedKey $broken | Should -Be @('/schedules: alwaysRun', '/stages/Readiness/Report/steps[3]/inputs: powershellVersion')
    }

    It 'runs on a nightly schedule only, always, for main: no CI or PR trigger' {
        $Pipeline['trigger'] | Should -Be 'none'
        $Pipeline['pr'] | Should -Be 'none'
        $schedules = @($Pipeline['schedules'])
        $schedules.Count | Should -Be 1
        $schedules[0]['cron'] | Should -Match '^\d{1,2} \d{1,2} \* \* \*$' -Because 'once a day, every day'
        $schedules[0]['always'] | Should -Be 'true' -Because 'the clusters change without a commit'
        @($schedules[0]['branches']['include']) | Should -Be @('main')
    }

    It 'runs readiness-report.ps1 with pwsh in a Readiness stage after the module is built' {
        $Readiness.Count | Should -Be 1
        @($Readiness[0]['dependsOn']) | Should -Be @('Build')
        $tasks = @(Get-Node $Readiness[0] | Where-Object { $_.Map['task'] -eq 'PowerShell@2' })
        $tasks.Count | Should -Be 1
        foreach ($task in $PowerShellTasks) {
            $task.Map['inputs']['pwsh'] | Should -Be 'true'
            $task.Map['inputs']['targetType'] | Should -Be 'filePath'
            Resolve-PipelinePath $Pipeline $task.Map['inputs']['filePath'] | Should -Exist
        }
        Resolve-PipelinePath $Pipeline $tasks[0].Map['inputs']['filePath'] | Should -Be (Join-Path $RepoRoot 'examples/azure-pipelines/scripts/readiness-report.ps1')
        $tasks[0].Map['inputs']['arguments'] | Should -Be '-WarnDays ${{ parameters.warnDays }}'
        $tasks[0].Map['env']['VAULT_CA_CERT'] | Should -Match '^\$\(\w+\.secureFilePath\)$'
        @(Get-Node $Readiness[0] | Where-Object { $_.Map.ContainsKey('download') }).Map['artifact'] | Should -Be 'VaultDr'
    }

    It 'passes secrets only through env: of the same name, never in arguments or anywhere else' {
        $tasks = @(Get-Node $Readiness[0] | Where-Object { $_.Map['task'] -eq 'PowerShell@2' })
        foreach ($secret in $SecretVariables) { $tasks[0].Map['env'][$secret] | Should -Be "`$($secret)" }
        foreach ($task in $PowerShellTasks) {
            foreach ($secret in $SecretVariables) { [string] $task.Map['inputs']['arguments'] | Should -Not -Match $secret }
        }
        foreach ($scalar in Get-Scalar $Pipeline) {
            foreach ($secret in $SecretVariables) {
                if ($scalar.Value -match "\`$\(\s*$secret\s*\)") { $scalar.Path | Should -Match "/env/$secret$" -Because "$secret is a secret" }
            }
        }
    }

    It 'references a script that parses without errors' {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseFile($ReadinessScript, [ref] $null, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'readiness-report.ps1 on an agent, against a lab DR pair with TLS' {
    BeforeAll {
        $script:pair = New-LabPair -Tls
        $script:RootTokenText = ConvertFrom-SecretForTest $pair.A.RootToken
        $script:SummaryFolder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "vaultdr-readiness-$([guid]::NewGuid().ToString('n'))")
        function Invoke-Report([hashtable] $Extra = @{}) {
            $environment = @{
                TF_BUILD = 'True'; NO_COLOR = '1'; AGENT_TEMPDIRECTORY = $SummaryFolder.FullName; VAULTDR_MODULE_PATH = $ModuleManifest
                VAULT_PRIMARY_ADDR = $pair.A.Address.ToString(); VAULT_DR_ADDR = $pair.B.Address.ToString(); VAULT_CA_CERT = $pair.A.CACertificateFile
                VAULT_TOKEN = $RootTokenText; VAULT_DR_BATCH_TOKEN = $null
            }
            foreach ($key in $Extra.Keys) { $environment[$key] = $Extra[$key] }
            $run = Invoke-ChildPwsh -File $ReadinessScript -Environment $environment
            foreach ($secret in @($RootTokenText) + @($Extra.Values | Where-Object { "$_" -match '^hv[bs]\.' })) {
                $run.Text | Should -Not -Match ([regex]::Escape($secret)) -Because 'no secret may reach the log'
            }
            $run
        }
    }
    AfterAll {
        Stop-VaultDrLab
        Remove-Item -Recurse -Force $SummaryFolder -ErrorAction SilentlyContinue
    }

    It 'a healthy pair without a batch token passes (exit 0), SucceededWithIssues for the key-holder warning, with the checks on the summary tab' {
        $run = Invoke-Report

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Lines | Should -Contain '##vso[task.complete result=SucceededWithIssues;]DR readiness: every check passed or only warned.'
        @($run.Lines -like '##vso`[task.logissue type=warning`]DrOperationToken (primary): *the ceremony needs 3 of 5 unseal key holders of the primary cluster*').Count | Should -Be 1 -Because $run.Text
        $run.Lines | Should -Not -BeLike '##vso`[task.logissue type=error`]*'
        $upload = @($run.Lines -like '##vso`[task.uploadsummary`]*')
        $upload.Count | Should -Be 1 -Because $run.Text
        $summary = Get-Content -Raw ($upload[0] -replace '^##vso\[task\.uploadsummary\]')
        $summary | Should -Match '## DR readiness: READY, WITH WARNINGS'
        $summary | Should -Match '\| Replication \| dr \| PASS \|'
        $summary | Should -Match '\| DrOperationToken \| primary \| WARN \| 3 of 5 unseal keys \|'
        $run.Text | Should -Match 'DR readiness: READY, with 1 warning\(s\)\.'
    }

    It 'a failed check fails the run (exit 1) with an error annotation and says which' {
        Set-VaultDrLabCluster -Cluster $pair.A -VaultVersion 1.17.0
        try {
            $run = Invoke-Report
        }
        finally {
            Set-VaultDrLabCluster -Cluster $pair.A -VaultVersion $((Get-VaultDrHealth -Connection $pair.ConnB).Version -replace '\+.*')
        }

        $run.ExitCode | Should -Be 1 -Because $run.Text
        @($run.Lines -like '##vso`[task.logissue type=error`]Version (dr): dr runs Vault 1.15.0+ent, older than primary''s 1.17.0*').Count | Should -Be 1 -Because $run.Text
        $run.Lines | Should -Not -BeLike '##vso`[task.complete*'
        $run.Text | Should -Match 'DR readiness: NOT READY, \d+ check\(s\) failed \(.*Version on dr.*\)'
    }
}
