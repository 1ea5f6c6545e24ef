<#
.SYNOPSIS
    The chaos runner's plans, for build/Chaos.ps1 and tests/Pester/Chaos.Tests.ps1, which dot-source this file.
.DESCRIPTION
    A plan is a pure function of (seed, round, clusters): the scenario, its options and the fault schedule. The random
    numbers come from HMAC-SHA256 over (seed, round) and a counter, not from System.Random, whose sequence .NET does
    not promise to keep across versions: a round printed today replays the same schedule on any later .NET.
#>

$script:ChaosScenarios = @('Planned', 'Unplanned', 'Failback', 'Reattach', 'Batch')
$script:ChaosFaultKinds = @('Burst', 'Drop', 'Latency', 'Partition', 'ClientPartition', 'StopNode', 'StopStandby', 'Seal', 'ReturnPrimary')

# What each step sends, as (who, method, path): the requests a fault can target inside the step. Who is Old (the
# primary the step starts from) or New (the secondary it promotes, or follows).
$script:ChaosDr = '/v1/sys/replication/dr'
$script:ChaosCeremony = "$ChaosDr/secondary/generate-operation-token"
$script:ChaosStepRequests = @{
    Write         = @(, @('Old', 'PUT', '/v1/secret/chaos/*'))
    Wait          = @(@('Old', 'GET', "$ChaosDr/status"), @('New', 'GET', "$ChaosDr/status"))
    BatchToken    = @(@('Old', 'PUT', '/v1/sys/policies/acl/*'), @('Old', 'POST', '/v1/auth/token/roles/*'), @('Old', 'POST', '/v1/auth/token/create/*'))
    Failover      = @(
        @('New', 'GET', "$ChaosDr/status"), @('Old', 'GET', "$ChaosDr/status"), @('New', 'GET', "$ChaosCeremony/attempt"),
        @('New', 'PUT', "$ChaosCeremony/attempt"), @('New', 'PUT', "$ChaosCeremony/update"), @('New', 'PUT', '/v1/sys/storage/raft/configuration'),
        @('New', 'GET', '/v1/sys/storage/raft/autopilot/state'), @('Old', 'POST', "$ChaosDr/primary/demote"), @('New', 'POST', "$ChaosDr/secondary/promote"),
        @('Old', 'PUT', "$ChaosCeremony/attempt"), @('Old', 'PUT', "$ChaosCeremony/update"), @('New', 'POST', "$ChaosDr/primary/secondary-token"),
        @('Old', 'POST', "$ChaosDr/secondary/update-primary"), @('Old', 'POST', "$ChaosDr/secondary/operation-token/delete"))
    Demote        = @(@('Old', 'GET', "$ChaosDr/status"), @('Old', 'POST', "$ChaosDr/primary/demote"))
    OpToken       = @(@('Old', 'GET', "$ChaosCeremony/attempt"), @('Old', 'PUT', "$ChaosCeremony/attempt"), @('Old', 'PUT', "$ChaosCeremony/update"))
    Activation    = @(, @('New', 'POST', "$ChaosDr/primary/secondary-token"))
    UpdatePrimary = @(@('Old', 'POST', "$ChaosDr/secondary/update-primary"), @('New', 'PUT', '/v1/sys/wrapping/unwrap'))
    Revoke        = @(, @('Old', 'POST', "$ChaosDr/secondary/operation-token/delete"))
    Advice        = @(@('Old', 'POST', "$ChaosDr/primary/demote"), @('Old', 'PUT', "$ChaosCeremony/attempt"), @('Old', 'PUT', "$ChaosCeremony/update"),
        @('New', 'POST', "$ChaosDr/primary/secondary-token"), @('Old', 'POST', "$ChaosDr/secondary/update-primary"))
}

function New-ChaosRandom([long] $Seed, [int] $Round) {
    <# The round's random source: HMAC-SHA256 keyed by (seed, round) over a counter. #>
    @{ Key = [Text.Encoding]::UTF8.GetBytes("vaultdr-chaos/$Seed/$Round"); Counter = [long]0 }
}

function Get-ChaosNumber([hashtable] $Random, [int] $Below) {
    <# A whole number from 0 to Below - 1. #>
    $hash = [System.Security.Cryptography.HMACSHA256]::HashData($Random.Key, [BitConverter]::GetBytes($Random.Counter))
    $Random.Counter++
    $unit = ([BitConverter]::ToUInt64($hash, 0) -shr 11) / 9007199254740992.0
    [int][Math]::Floor($unit * $Below)
}

function Select-ChaosItem([hashtable] $Random, [object[]] $Items) { $Items[(Get-ChaosNumber $Random $Items.Count)] }

function Test-ChaosChance([hashtable] $Random, [int] $Percent) { (Get-ChaosNumber $Random 100) -lt $Percent }

function Get-ChaosSteps {
    <#
        The steps of a scenario in order, each with the cluster it starts from (Old) and the one it promotes or that
        follows (New): vault-1 is the first primary, vault-2 its DR secondary, vault-3 and on more DR secondaries.
        Setup steps run before any fault; the faults of a plan land on the other steps.
    #>
    param([Parameter(Mandatory)][string] $Scenario, [Parameter(Mandatory)][int] $Clusters)
    $a, $b = 'vault-1', 'vault-2'
    $repoint = { param($primary) if ($Clusters -gt 2) { @{ Name = 'Repoint'; Old = $primary; New = $primary } } }
    $steps = switch ($Scenario) {
        'Planned' {
            @{ Name = 'Write'; Old = $a; New = $b; Key = 'w1' }, @{ Name = 'Wait'; Old = $a; New = $b; Acks = 'w1' }, @{ Name = 'Failover'; Old = $a; New = $b }
            & $repoint $b
        }
        'Batch' {
            @{ Name = 'Write'; Old = $a; New = $b; Key = 'w1' }, @{ Name = 'BatchToken'; Old = $a; New = $b }, @{ Name = 'Wait'; Old = $a; New = $b; Acks = 'w1' },
            @{ Name = 'Failover'; Old = $a; New = $b; Batch = $true }
            & $repoint $b
        }
        'Failback' {
            @{ Name = 'Write'; Old = $a; New = $b; Key = 'w1' }, @{ Name = 'Wait'; Old = $a; New = $b; Acks = 'w1' }, @{ Name = 'Failover'; Old = $a; New = $b }
            & $repoint $b
            @{ Name = 'Write'; Old = $b; New = $a; Key = 'w2' }, @{ Name = 'Wait'; Old = $b; New = $a; Acks = 'w2' }, @{ Name = 'Failover'; Old = $b; New = $a; Failback = $true }
            & $repoint $a
        }
        'Unplanned' {
            @{ Name = 'Write'; Old = $a; New = $b; Key = 'w1' }, @{ Name = 'Wait'; Old = $a; New = $b; Acks = 'w1' },
            @{ Name = 'Write'; Old = $a; New = $b; Key = 'late'; Late = $true }, @{ Name = 'Kill'; Old = $a; New = $b; Setup = $true },
            @{ Name = 'Failover'; Old = $a; New = $b; Unplanned = $true }, @{ Name = 'Return'; Old = $a; New = $b }, @{ Name = 'Advice'; Old = $a; New = $b }
            & $repoint $b
        }
        'Reattach' {
            # The old primary died and came back after an unplanned failover: re-attach it by hand, with update-primary.
            @{ Name = 'Write'; Old = $a; New = $b; Key = 'w1'; Setup = $true }, @{ Name = 'Wait'; Old = $a; New = $b; Acks = 'w1'; Setup = $true },
            @{ Name = 'Kill'; Old = $a; New = $b; Setup = $true }, @{ Name = 'Failover'; Old = $a; New = $b; Unplanned = $true; Setup = $true },
            @{ Name = 'Return'; Old = $a; New = $b; Setup = $true }, @{ Name = 'Write'; Old = $b; New = $a; Key = 'w2' },
            @{ Name = 'Demote'; Old = $a; New = $b }, @{ Name = 'OpToken'; Old = $a; New = $b }, @{ Name = 'Activation'; Old = $a; New = $b },
            @{ Name = 'UpdatePrimary'; Old = $a; New = $b }, @{ Name = 'Wait'; Old = $b; New = $a; Acks = 'w2' }, @{ Name = 'Revoke'; Old = $a; New = $b }
            & $repoint $b
        }
        default { throw "Unknown scenario '$Scenario': use $($ChaosScenarios -join ', ')." }
    }
    $number = 0
    foreach ($step in $steps) { $number++; $step.Number = $number; $step.Id = "$number.$($step.Name)"; $step }
}

function New-ChaosFault {
    <# One fault for a step: its kind, target and parameters, where it lands (before or inside the step) and when it heals. #>
    param([hashtable] $Random, [hashtable] $Step, [string[]] $Names, [hashtable] $Plan)
    $kinds = @('Burst', 'Burst', 'Drop', 'Latency', 'Partition', 'ClientPartition', 'StopNode', 'StopStandby', 'Seal')
    $kind = Select-ChaosItem $Random $kinds
    $requests = @($ChaosStepRequests[$Step.Name])
    $request = Select-ChaosItem $Random $requests
    $who = if ($request[0] -eq 'Old') { $Step.Old } else { $Step.New }
    $fault = [ordered]@{ Step = $Step.Id; Kind = $kind; Phase = (Select-ChaosItem $Random @('Before', 'Inside')) }
    if ($fault.Phase -eq 'Inside') {
        # The fault lands once the lab has seen this request of the step (the first to the third time).
        # Status reads and key shares come several times in a step; anything else once.
        $times = if ($request[2] -eq "$ChaosDr/status" -or $request[2] -eq "$ChaosCeremony/update") { 1 + (Get-ChaosNumber $Random 3) } else { 1 }
        $fault.Trigger = [ordered]@{ Cluster = $who; Method = $request[1]; Path = $request[2]; Occurrence = $times }
        $request = Select-ChaosItem $Random $requests
        $who = if ($request[0] -eq 'Old') { $Step.Old } else { $Step.New }
    }
    $heal = Select-ChaosItem $Random @('AfterStep', 'AfterStep', 'Inside', 'End')
    switch ($kind) {
        'Burst' {
            $fault.Cluster = $who; $fault.Method = $request[1]; $fault.Path = $request[2]
            $fault.StatusCode = Select-ChaosItem $Random @(500, 503, 429)
            $fault.Count = 1 + (Get-ChaosNumber $Random 3)
            if ($fault.StatusCode -ne 500 -and (Test-ChaosChance $Random 50)) { $fault.RetryAfterSec = 0 }
            $heal = 'Self'
        }
        'Drop' {
            $fault.Cluster = $who; $fault.Method = $request[1]; $fault.Path = $request[2]
            $fault.Count = 1 + (Get-ChaosNumber $Random 2)
            # Before the cluster sees the request, after a 200's headers, or after the cluster acted on it.
            $fault.When = Select-ChaosItem $Random @('Before', 'AfterHeaders', 'AfterHandling', 'AfterHandling')
            $heal = 'Self'
        }
        'ClientPartition' {
            # Every API request from the client to the cluster is dropped after it is read, until Count have been.
            $fault.Cluster = $who; $fault.Count = 2 + (Get-ChaosNumber $Random 10)
            $heal = 'Self'
        }
        'Latency' { $fault.Cluster = $who; $fault.LatencyMs = 100 * (2 + (Get-ChaosNumber $Random 14)) }
        'Partition' {
            $fault.Cluster = $Step.Old
            $fault.Peer = Select-ChaosItem $Random @($Names | Where-Object { $_ -ne $Step.Old })
        }
        'StopNode' { $fault.Cluster = $who }
        'StopStandby' { $fault.Cluster = $Step.New; $Plan.Standby = $true }
        'Seal' { $fault.Cluster = $who }
    }
    if ($heal -eq 'Inside') {
        # Counted from the moment the fault lands, on the cluster of the step it does not hit (a stopped one logs nothing).
        $other = if ($fault.Cluster -eq $Step.Old) { $Step.New } else { $Step.Old }
        $fault.HealTrigger = [ordered]@{ Cluster = $other; Method = 'GET'; Path = "$ChaosDr/status"; Occurrence = 1 + (Get-ChaosNumber $Random 6) }
    }
    $fault.Heal = $heal
    $fault
}

function New-ChaosPlan {
    <# The scenario, options and fault schedule of round -Round of the run seeded -Seed: the same every time. #>
    param([Parameter(Mandatory)][long] $Seed, [Parameter(Mandatory)][int] $Round, [ValidateRange(2, 9)][int] $Clusters = 2)
    $random = New-ChaosRandom $Seed $Round
    $names = @(1..$Clusters | ForEach-Object { "vault-$_" })
    $plan = [ordered]@{
        Seed = $Seed; Round = $Round; Clusters = $Clusters
        Scenario = Select-ChaosItem $random $ChaosScenarios
        Force = $false; RemoveDeadPeers = $false; Standby = $false
        Steps = @(); Faults = @()
    }
    $plan.Steps = @(Get-ChaosSteps -Scenario $plan.Scenario -Clusters $Clusters)
    if ($plan.Scenario -in 'Planned', 'Failback', 'Batch') { $plan.Force = Test-ChaosChance $random 25 }
    $plan.RemoveDeadPeers = Test-ChaosChance $random 40
    # The steps that move the primary role (and the re-attach by hand) draw three times the faults of a write or a wait.
    $faultable = @(foreach ($step in $plan.Steps | Where-Object { -not $_.Setup -and $ChaosStepRequests.ContainsKey($_.Name) }) {
            $step
            if ($step.Name -notin 'Write', 'Wait', 'BatchToken') { $step; $step }
        })
    $count = 1 + (Get-ChaosNumber $random 4)
    $plan.Faults = @(for ($i = 0; $i -lt $count; $i++) {
            New-ChaosFault -Random $random -Step (Select-ChaosItem $random $faultable) -Names $names -Plan $plan
        })
    if ($plan.Scenario -eq 'Unplanned') {
        # The old primary comes back: before the failover (it must refuse), inside it (after the promote) or after it.
        $when = Select-ChaosItem $random @('BeforeFailover', 'InsideFailover', 'AfterFailover', 'AfterFailover')
        $failover = $plan.Steps | Where-Object Name -eq 'Failover'
        $return = [ordered]@{ Step = $failover.Id; Kind = 'ReturnPrimary'; Cluster = 'vault-1'; Phase = 'Before'; Heal = 'Never' }
        if ($when -eq 'InsideFailover') {
            $return.Phase = 'Inside'
            $return.Trigger = [ordered]@{ Cluster = 'vault-2'; Method = 'POST'; Path = "$ChaosDr/secondary/promote"; Occurrence = 1 }
        }
        if ($when -eq 'AfterFailover') { $return.Step = ($plan.Steps | Where-Object Name -eq 'Return').Id }
        $plan.Faults += $return
        if (Test-ChaosChance $random 50) {
            # The primary dies with a write the secondary never got: the report must say such writes are lost.
            $late = ($plan.Steps | Where-Object { $_.Name -eq 'Write' -and $_.Late }).Id
            $plan.Faults += [ordered]@{ Step = $late; Kind = 'Partition'; Cluster = 'vault-1'; Peer = 'vault-2'; Phase = 'Before'; Heal = 'End' }
        }
    }
    $plan.Standby = $plan.Standby -or (Test-ChaosChance $random 20)
    [pscustomobject]$plan
}

function Format-ChaosFault($Fault) {
    <# One line: where, what, how it heals. #>
    $what = switch ($Fault.Kind) {
        'Burst' { "$($Fault.StatusCode) x$($Fault.Count) on $($Fault.Method) $($Fault.Path) at $($Fault.Cluster)$(if ($Fault.Contains('RetryAfterSec')) { ' (Retry-After: 0)' })" }
        'Drop' { "$(@{ Before = 'dropped connection'; AfterHeaders = 'drop after the headers'; AfterHandling = 'drop after the cluster acted' }[$Fault.When]) x$($Fault.Count) on $($Fault.Method) $($Fault.Path) at $($Fault.Cluster)" }
        'ClientPartition' { "client cut off from $($Fault.Cluster) for its next $($Fault.Count) requests" }
        'Latency' { "$($Fault.LatencyMs) ms latency at $($Fault.Cluster)" }
        'Partition' { "partition $($Fault.Cluster) <-> $($Fault.Peer)" }
        'StopNode' { "stop $($Fault.Cluster)" }
        'StopStandby' { "stop the standby of $($Fault.Cluster)" }
        'Seal' { "seal $($Fault.Cluster)" }
        'ReturnPrimary' { "$($Fault.Cluster) comes back (start)" }
    }
    $where = if ($Fault.Phase -eq 'Inside') {
        $t = $Fault.Trigger; "inside $($Fault.Step), after $($t.Method) $($t.Path) #$($t.Occurrence) at $($t.Cluster)"
    } else { "before $($Fault.Step)" }
    $heal = switch ($Fault.Heal) {
        'Inside' { $t = $Fault.HealTrigger; "healed inside the step after $($t.Method) $($t.Path) #$($t.Occurrence) at $($t.Cluster)" }
        'AfterStep' { 'healed after the step' }
        'End' { 'healed at the end of the round' }
        'Self' { 'ends by itself' }
        default { '' }
    }
    "$what; $where$(if ($heal) { "; $heal" })"
}

function Format-ChaosPlan($Plan) {
    <# The plan as text: what a failing round prints, and what its replay prints again. #>
    $options = @(if ($Plan.Force) { '-Force' }; if ($Plan.RemoveDeadPeers) { '-RemoveDeadPeers' }; if ($Plan.Standby) { 'a standby on each cluster' })
    "Round $($Plan.Round) of seed $($Plan.Seed): $($Plan.Scenario), $($Plan.Clusters) clusters$(if ($options) { "; $($options -join ', ')" })"
    '  Steps: ' + (($Plan.Steps | ForEach-Object { "$($_.Id)$(if ($_.Setup) { ' (setup)' })" }) -join ', ')
    foreach ($fault in $Plan.Faults) { "  Fault: $(Format-ChaosFault $fault)" }
}
