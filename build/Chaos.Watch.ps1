<#
.SYNOPSIS
    The chaos runner's watcher: a second runspace that, while a step runs, puts faults in and heals them when the lab
    has seen a given request (the "inside a step" points of a plan), and records every moment two clusters answer as
    DR primaries with one cluster id. Dot-sourced by build/Chaos.Round.ps1 and inside the watcher's runspace.
#>

function Start-ChaosWatcher {
    <# Starts the watcher's runspace (it imports the module once); Stop-ChaosWatcher ends it. #>
    param([Parameter(Mandatory)][string] $ModuleManifest)
    $shared = [hashtable]::Synchronized(@{ Quit = $false; Job = $null; Busy = $false; Ready = $false; Error = $null; Wake = [System.Threading.AutoResetEvent]::new($false) })
    $powershell = [powershell]::Create()
    $null = $powershell.AddScript({
            param($Manifest, $Scripts, $Shared)
            try {
                Import-Module $Manifest
                foreach ($script in $Scripts) { . $script }
                $Shared.Ready = $true
                while (-not $Shared.Quit) {
                    $Shared.Busy = $true
                    $job = $Shared.Job
                    if ($null -ne $job) {
                        try { Step-ChaosWatch $job } catch { $job.Errors.Add("watcher: $_") }
                    }
                    $Shared.Busy = $false
                    $null = $Shared.Wake.WaitOne($(if ($null -ne $job) { 10 } else { 200 }))
                }
            }
            catch { $Shared.Error = "$_" }
            finally { $Shared.Busy = $false }
        }).AddArgument($ModuleManifest).AddArgument(@((Join-Path $PSScriptRoot 'Chaos.Lab.ps1'), (Join-Path $PSScriptRoot 'Chaos.Watch.ps1'))).AddArgument($shared)
    $handle = $powershell.BeginInvoke()
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not $shared.Ready -and -not $shared.Error -and -not $handle.IsCompleted) {
        if ([DateTime]::UtcNow -gt $deadline) { break }
        Start-Sleep -Milliseconds 20
    }
    if (-not $shared.Ready) { throw "The chaos watcher did not start: $($shared.Error)" }
    @{ PowerShell = $powershell; Handle = $handle; Shared = $shared }
}

function Stop-ChaosWatcher($Watcher) {
    if (-not $Watcher) { return }
    $Watcher.Shared.Quit = $true
    $null = $Watcher.Shared.Wake.Set()
    $null = $Watcher.Handle.AsyncWaitHandle.WaitOne(10000)
    $Watcher.PowerShell.Dispose()
    $Watcher.Shared.Wake.Dispose()
}

function Start-ChaosWatch($Watcher, $Context, $Step, [object[]] $Faults, [int] $LogStart) {
    <#
        Hands the watcher a step: the faults that land inside it (once their trigger request has been seen) and the
        heals due inside it. Returns the job; Stop-ChaosWatch takes it back.
    #>
    $pending = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
    foreach ($fault in $Faults) {
        if ($fault.Phase -eq 'Inside') { $null = $pending.Add(@{ Action = 'Apply'; Fault = $fault; Trigger = $fault.Trigger; Since = $LogStart; Done = $false }) }
        elseif ($fault.Heal -eq 'Inside') { $null = $pending.Add(@{ Action = 'Heal'; Fault = $fault; Trigger = $fault.HealTrigger; Since = $LogStart; Done = $false }) }
    }
    $job = @{
        Context = $Context; Step = $Step.Id; Pending = $pending
        Fired = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
        TwoPrimaries = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
        Errors = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
    }
    $Watcher.Shared.Job = $job
    $null = $Watcher.Shared.Wake.Set()
    $job
}

function Stop-ChaosWatch($Watcher, $Job) {
    <# Takes the step back from the watcher and waits until it is idle, so nothing lands after the step. #>
    $Watcher.Shared.Job = $null
    $null = $Watcher.Shared.Wake.Set()
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($Watcher.Shared.Busy -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 }
    if ($Watcher.Shared.Error) { throw "The chaos watcher stopped: $($Watcher.Shared.Error)" }
    $Job
}

function Test-ChaosTrigger($Trigger, $Entry) {
    $Entry.cluster -eq $Trigger.Cluster -and $Entry.method -eq $Trigger.Method -and
    $(if ($Trigger.Path.EndsWith('*')) { $Entry.path.StartsWith($Trigger.Path.TrimEnd('*')) } else { $Entry.path -eq $Trigger.Path })
}

function Step-ChaosWatch($Job) {
    <# One look: fires every trigger the request log has reached, then records split brain if the lab shows it. #>
    $log = Get-ChaosRequestLog $Job.Context
    foreach ($item in @($Job.Pending)) {
        if ($item.Done) { continue }
        $seen = 0
        for ($i = $item.Since; $i -lt $log.Count; $i++) { if (Test-ChaosTrigger $item.Trigger $log[$i]) { $seen++ } }
        if ($seen -lt $item.Trigger.Occurrence) { continue }
        $item.Done = $true
        if ($item.Action -eq 'Apply') {
            Invoke-ChaosFault $Job.Context $item.Fault
            if ($item.Fault.Heal -eq 'Inside') {
                $null = $Job.Pending.Add(@{ Action = 'Heal'; Fault = $item.Fault; Trigger = $item.Fault.HealTrigger; Since = $log.Count; Done = $false })
            }
        }
        else { Undo-ChaosFault $Job.Context $item.Fault }
        $null = $Job.Fired.Add(@{ Time = [DateTimeOffset]::UtcNow; Action = $item.Action; Fault = $item.Fault })
    }
    foreach ($group in Find-ChaosPrimaries @(Get-ChaosTruth $Job.Context)) {
        $null = $Job.TwoPrimaries.Add(@{ Time = [DateTimeOffset]::UtcNow; Step = $Job.Step; Clusters = @($group.Group.Name) })
    }
}
