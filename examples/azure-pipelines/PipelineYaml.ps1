<#
.SYNOPSIS
    Shared by the Azure Pipelines examples' tests: dot-source in BeforeAll after ExamplesCommon.ps1. Parses a pipeline
    file with YamlDotNet, walks it, and checks it uses only the keys and task inputs Azure Pipelines documents.
#>

function Read-PipelineYaml([string] $Path) {
    <# The pipeline file as nested dictionaries and lists (YamlDotNet from .packages/). #>
    if (-not ('YamlDotNet.Serialization.DeserializerBuilder' -as [type])) {
        $dll = Get-ChildItem -Path (Join-Path $RepoRoot '.packages/yamldotnet') -Recurse -Filter YamlDotNet.dll -ErrorAction SilentlyContinue |
            Where-Object { $_.FullName -match '[\\/]lib[\\/]net8\.0[\\/]' } | Select-Object -First 1
        if (-not $dll) { throw 'YamlDotNet is not in .packages/: run dotnet restore build/Pester.proj.' }
        Add-Type -Path $dll.FullName
    }
    [YamlDotNet.Serialization.DeserializerBuilder]::new().Build().Deserialize([string] (Get-Content -Raw $Path))
}

function Get-Node {
    <# Every mapping in the document, with the chain of keys that leads to it. #>
    param($Node, [string] $Path = '')
    if ($Node -is [System.Collections.IDictionary]) {
        [pscustomobject]@{ Path = $Path; Map = $Node }
        foreach ($key in $Node.Keys) { Get-Node $Node[$key] "$Path/$key" }
    } elseif ($Node -is [System.Collections.IList]) {
        for ($i = 0; $i -lt $Node.Count; $i++) { Get-Node $Node[$i] "$Path[$i]" }
    }
}

function Get-Scalar {
    <# Every string in the document, with its path. #>
    param($Node, [string] $Path = '')
    if ($Node -is [System.Collections.IDictionary]) {
        foreach ($key in $Node.Keys) { Get-Scalar $Node[$key] "$Path/$key" }
    } elseif ($Node -is [System.Collections.IList]) {
        for ($i = 0; $i -lt $Node.Count; $i++) { Get-Scalar $Node[$i] "$Path[$i]" }
    } elseif ($null -ne $Node) {
        [pscustomobject]@{ Path = $Path; Value = [string] $Node }
    }
}

function Resolve-PipelinePath($Pipeline, [string] $Value) {
    <# Expands the pipeline's own variables and $(Build.SourcesDirectory) (the checkout: this repository). #>
    $variables = @{ 'Build.SourcesDirectory' = $RepoRoot }
    foreach ($variable in $Pipeline['variables']) {
        if ($variable.ContainsKey('name')) { $variables[$variable['name']] = $variable['value'] }
    }
    for ($i = 0; $i -lt 5 -and $Value -match '\$\(([^)]+)\)'; $i++) {
        $Value = [regex]::Replace($Value, '\$\(([^)]+)\)', { param($m) if ($variables.ContainsKey($m.Groups[1].Value)) { $variables[$m.Groups[1].Value] } else { $m.Value } })
    }
    return $Value
}

# The keys Azure Pipelines' YAML schema documents (learn.microsoft.com/azure/devops/pipelines/yaml-schema), for the
# constructs the examples use, and the inputs of the tasks they run (each task's documentation page).
$script:DocumentedKeys = @{
    pipeline            = 'name', 'appendCommitMessageToRunName', 'trigger', 'pr', 'schedules', 'parameters', 'resources', 'variables', 'pool', 'stages', 'jobs', 'steps', 'lockBehavior'
    schedule            = 'cron', 'displayName', 'branches', 'batch', 'always'
    branches            = 'include', 'exclude'
    parameter           = 'name', 'displayName', 'type', 'default', 'values'
    variable            = 'name', 'value', 'readonly', 'group', 'template'
    pool                = 'name', 'demands', 'vmImage'
    stage               = 'stage', 'displayName', 'dependsOn', 'condition', 'variables', 'jobs', 'pool', 'lockBehavior', 'isSkippable', 'templateContext', 'trigger'
    job                 = 'job', 'displayName', 'dependsOn', 'condition', 'continueOnError', 'timeoutInMinutes', 'cancelTimeoutInMinutes', 'variables', 'strategy', 'pool', 'container', 'services', 'workspace', 'uses', 'steps', 'templateContext'
    deployment          = 'deployment', 'displayName', 'dependsOn', 'condition', 'continueOnError', 'timeoutInMinutes', 'cancelTimeoutInMinutes', 'variables', 'pool', 'environment', 'strategy', 'workspace', 'uses', 'container', 'services', 'templateContext'
    step                = 'condition', 'continueOnError', 'displayName', 'target', 'enabled', 'env', 'name', 'timeoutInMinutes', 'retryCountOnTaskFailure'
    task                = 'task', 'inputs'
    checkout            = 'checkout', 'clean', 'fetchDepth', 'fetchTags', 'lfs', 'persistCredentials', 'submodules', 'path', 'sparseCheckoutDirectories', 'sparseCheckoutPatterns', 'workspaceRepo'
    download            = 'download', 'artifact', 'patterns'
    publish             = 'publish', 'artifact'
    'PowerShell@2'      = 'targetType', 'filePath', 'arguments', 'script', 'errorActionPreference', 'warningPreference', 'informationPreference', 'verbosePreference', 'debugPreference', 'progressPreference', 'failOnStderr', 'showWarnings', 'ignoreLASTEXITCODE', 'pwsh', 'workingDirectory', 'runScriptInSeparateScope'
    'DownloadSecureFile@1' = 'secureFile', 'retryCount', 'socketTimeout'
    'UseDotNet@2'       = 'packageType', 'useGlobalJson', 'workingDirectory', 'version', 'vsVersion', 'includePreviewVersions', 'installationPath', 'performMultiLevelLookup', 'requestTimeout'
}

function Get-UndocumentedKey($Pipeline) {
    <# Every key of the pipeline that its schema (or its task's documentation) does not list, as "path: key". #>
    function Test-Keys($Map, [string[]] $Allowed, [string] $Path) {
        foreach ($key in $Map.Keys) { if ($key -notin $Allowed) { "${Path}: $key" } }
    }
    function Test-Steps($Steps, [string] $Path) {
        for ($i = 0; $i -lt @($Steps).Count; $i++) {
            $step = @($Steps)[$i]
            $kind = @('task', 'checkout', 'download', 'publish' | Where-Object { $step.ContainsKey($_) })[0]
            if (-not $kind) { "$Path[$i]: not a step this check knows"; continue }
            Test-Keys $step ($DocumentedKeys.step + $DocumentedKeys[$kind]) "$Path[$i]"
            if ($kind -eq 'task') {
                if (-not $DocumentedKeys.ContainsKey($step['task'])) { "$Path[$i]: task $($step['task']) has no documented inputs here" }
                elseif ($step['inputs']) { Test-Keys $step['inputs'] $DocumentedKeys[$step['task']] "$Path[$i]/inputs" }
            }
        }
    }
    Test-Keys $Pipeline $DocumentedKeys.pipeline ''
    foreach ($schedule in @($Pipeline['schedules'] | Where-Object { $_ })) {
        Test-Keys $schedule $DocumentedKeys.schedule '/schedules'
        if ($schedule['branches']) { Test-Keys $schedule['branches'] $DocumentedKeys.branches '/schedules/branches' }
    }
    foreach ($parameter in @($Pipeline['parameters'] | Where-Object { $_ })) { Test-Keys $parameter $DocumentedKeys.parameter '/parameters' }
    foreach ($variable in @($Pipeline['variables'] | Where-Object { $_ })) { Test-Keys $variable $DocumentedKeys.variable '/variables' }
    if ($Pipeline['pool'] -is [System.Collections.IDictionary]) { Test-Keys $Pipeline['pool'] $DocumentedKeys.pool '/pool' }
    foreach ($stage in @($Pipeline['stages'])) {
        $stagePath = "/stages/$($stage['stage'])"
        Test-Keys $stage $DocumentedKeys.stage $stagePath
        foreach ($job in @($stage['jobs'])) {
            if ($job.ContainsKey('deployment')) {
                Test-Keys $job $DocumentedKeys.deployment "$stagePath/$($job['deployment'])"
                Test-Steps $job['strategy']['runOnce']['deploy']['steps'] "$stagePath/$($job['deployment'])/steps"
            } else {
                Test-Keys $job $DocumentedKeys.job "$stagePath/$($job['job'])"
                Test-Steps $job['steps'] "$stagePath/$($job['job'])/steps"
            }
        }
    }
}
