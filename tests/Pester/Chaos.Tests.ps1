<#
    The chaos runner (build/Chaos*.ps1) against the lab: a fixed-seed subset of rounds keeps the five invariants; each
    invariant's check catches its violation when a step is swapped for a broken stand-in (a global function shadows
    the cmdlet the runner calls: nothing in the module changes); the rounds that found bugs replay clean.
#>
BeforeDiscovery {
    # The fixed subset -Task Test runs: rounds of the seed build.ps1 -Task Chaos publishes that broke an invariant before
    # the fixes they led to (each replays alone with: dotnet pwsh ./build.ps1 -Task Chaos -Seed 20261130 -Round <Round>).
    $script:Subset = @(
        @{ Seed = 20261130; Round = 7; Found = 'a NextSafeCommand whose last command (Revoke-VaultDrOperationToken) could not run as written' }
        @{ Seed = 20261130; Round = 12; Found = 'an unplanned failover whose report did not say the late write was lost; a re-attach that reused its secondary id' }
        @{ Seed = 20261130; Round = 20; Found = 'a -Force failover past a lagging secondary whose report did not say writes were lost' }
        @{ Seed = 20261130; Round = 22; Found = 'a re-attach by hand stopped half way, whose way back could not delete its token' }
        @{ Seed = 20261130; Round = 26; Found = 'a failed re-attach whose NextSafeCommand reused the secondary id, so the old primary stayed detached' }
        @{ Seed = 20261130; Round = 39; Found = 'a failback whose way back reused the secondary id' }
        # A round of another seed, which found a flaw in the runner's own at-most-once check.
        @{ Seed = 777; Round = 14; Found = 'two reads of the Raft peers (a PUT with the DR token) taken for a change sent twice' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot '../../build/Chaos.Round.ps1')
    $script:Watcher = Start-ChaosWatcher -ModuleManifest (Resolve-Path $ModuleManifest).Path
    $script:PinnedPlan = @(
        'Round 1 of seed 1: Unplanned, 2 clusters'
        '  Steps: 1.Write, 2.Wait, 3.Write, 4.Kill (setup), 5.Failover, 6.Return, 7.Advice'
        '  Fault: stop vault-2; before 5.Failover; healed after the step'
        '  Fault: 503 x3 on PUT /v1/secret/chaos/* at vault-1 (Retry-After: 0); before 3.Write; ends by itself'
        '  Fault: vault-1 comes back (start); inside 5.Failover, after POST /v1/sys/replication/dr/secondary/promote #1 at vault-2'
    ) -join "`n"
    $script:Dr = '/v1/sys/replication/dr'

    function New-ChaosTestPlan([string] $Scenario, [object[]] $Faults = @(), [switch] $Force, [int] $Round = 9000) {
        <# A plan written by hand: a scenario with exactly these faults (seed 0: no seed made it). #>
        [pscustomobject]@{
            Seed = 0; Round = $Round; Clusters = 2; Scenario = $Scenario; Force = [bool]$Force; RemoveDeadPeers = $false; Standby = $false
            Steps = @(Get-ChaosSteps -Scenario $Scenario -Clusters 2); Faults = $Faults
        }
    }

    function Invoke-WithStandIn([hashtable] $StandIns, [scriptblock] $Run) {
        <# Runs $Run while global functions shadow the named cmdlets, then removes them. #>
        try {
            foreach ($name in $StandIns.Keys) { Set-Item -Path "function:global:$name" -Value $StandIns[$name] }
            & $Run
        }
        finally {
            # A path with the global: qualifier names no function to Remove-Item: this finds the stand-in, which is global.
            foreach ($name in $StandIns.Keys) { Remove-Item -Path "function:$name" }
            foreach ($name in $StandIns.Keys) { (Get-Command $name).CommandType | Should -Be 'Cmdlet' -Because "the stand-in for $name is gone" }
        }
    }

    function Assert-Clean($Result) {
        $Result.Error | Should -BeNullOrEmpty -Because $Result.Text
        @($Result.Violations) | Should -BeNullOrEmpty -Because $Result.Text
    }

    function Assert-Caught($Result, [string] $Invariant) {
        $Result.Error | Should -BeNullOrEmpty -Because $Result.Text
        @($Result.Violations.Invariant) | Should -Contain $Invariant -Because $Result.Text
        $name = "$([array]::IndexOf(@($ChaosInvariants.Keys), $Invariant) + 1). $($ChaosInvariants[$Invariant])"
        $Result.Text | Should -Match ([regex]::Escape("VIOLATION $name")) -Because 'the failing round names the invariant'
        $Result.Text | Should -Match '^Replay alone: dotnet pwsh \./build\.ps1 -Task Chaos -Seed \d+ -Round \d+'
    }

    # The plans the stand-ins run, each also run with the real module (which must keep every invariant).
    $script:Plans = @{
        # The old primary is back before the unplanned failover: it must be refused, or flagged.
        SplitBrain = New-ChaosTestPlan Unplanned @([ordered]@{ Step = '5.Failover'; Kind = 'ReturnPrimary'; Cluster = 'vault-1'; Phase = 'Before'; Heal = 'Never' })
        # The write never reaches vault-2 (partitioned until the end); -Force fails over anyway.
        LostWrite  = New-ChaosTestPlan Planned @([ordered]@{ Step = '1.Write'; Kind = 'Partition'; Cluster = 'vault-1'; Peer = 'vault-2'; Phase = 'Before'; Heal = 'End' }) -Force
        # The promote takes effect, but its answer is lost.
        LostAnswer = New-ChaosTestPlan Batch @([ordered]@{ Step = '4.Failover'; Kind = 'Drop'; When = 'AfterHandling'; Cluster = 'vault-2'; Method = 'POST'; Path = "$Dr/secondary/promote"; Count = 1; Phase = 'Before'; Heal = 'Self' })
        # The promote fails outright, after the demote: no primary until the way back.
        FailedPromote = New-ChaosTestPlan Planned @([ordered]@{ Step = '3.Failover'; Kind = 'Burst'; Cluster = 'vault-2'; Method = 'POST'; Path = "$Dr/secondary/promote"; StatusCode = 500; Count = 1; Phase = 'Before'; Heal = 'Self' })
        Quiet = New-ChaosTestPlan Planned
    }
}

AfterAll {
    Stop-ChaosWatcher $Watcher
}

Describe 'Chaos plans' {
    It 'are the same for the same seed and round, on every run' {
        $one = New-ChaosPlan -Seed 20261130 -Round 7
        $two = New-ChaosPlan -Seed 20261130 -Round 7
        ($one | ConvertTo-Json -Depth 6) | Should -BeExactly ($two | ConvertTo-Json -Depth 6)
        (New-ChaosPlan -Seed 20261130 -Round 8 | ConvertTo-Json -Depth 6) | Should -Not -Be ($one | ConvertTo-Json -Depth 6)
        # Pinned: a change to the generator would silently change what every published replay command replays.
        (Format-ChaosPlan (New-ChaosPlan -Seed 1 -Round 1)) -join "`n" | Should -BeExactly $script:PinnedPlan
    }

    It 'cover every scenario and every fault kind in the first 60 rounds of a seed' {
        $plans = 1..60 | ForEach-Object { New-ChaosPlan -Seed 20261130 -Round $_ }
        @($plans.Scenario | Sort-Object -Unique) | Should -Be @($ChaosScenarios | Sort-Object)
        @($plans.Faults | ForEach-Object Kind | Sort-Object -Unique) | Should -Be @($ChaosFaultKinds | Sort-Object)
        @($plans.Faults | Where-Object Kind -eq 'Drop' | ForEach-Object When | Sort-Object -Unique) | Should -Be @('AfterHandling', 'AfterHeaders', 'Before')
        @($plans.Faults | ForEach-Object Phase | Sort-Object -Unique) | Should -Be @('Before', 'Inside')
    }

    It 'reads the commands out of a NextSafeCommand, first alternative only' {
        $actions = @(ConvertFrom-ChaosAdvice ('No cluster is primary now (a is demoted). Promote b: $op = <key shares> | New-VaultDrOperationToken -Connection <b> -Force; ' +
                '$op | Invoke-VaultDrPromote -Connection <b> -Confirm:$false. Do not promote any other cluster. Then: run the failover again with -RemoveDeadPeers, or remove each with ' +
                'Remove-VaultDrRaftPeer -Connection <b> -ServerId <id>.'))
        $actions.Kind | Should -Be @('Statement', 'Statement', 'Rerun')
        $actions[0].Text | Should -BeExactly '$op = <key shares> | New-VaultDrOperationToken -Connection <b> -Force'
        $actions[0].Command, $actions[0].Target | Should -Be @('New-VaultDrOperationToken', 'b')
        $actions[1].Text | Should -BeExactly '$op | Invoke-VaultDrPromote -Connection <b> -Confirm:$false'
        $actions[2].Switch | Should -Be 'RemoveDeadPeers'
        $watch = @(ConvertFrom-ChaosAdvice 'Watch Get-VaultDrStatus -Connection <b> until it reports mode primary; do not promote any other cluster meanwhile.')
        $watch.Kind, $watch.Target | Should -Be @('Watch', 'b')
    }
}

Describe 'A fixed-seed chaos subset keeps every invariant' {
    It 'round <Round> of seed <Seed>, which found <Found>' -ForEach $Subset {
        Assert-Clean (Invoke-ChaosRound -Plan (New-ChaosPlan -Seed $Seed -Round $Round) -Watcher $Watcher)
    }

    It 'the plans the stand-ins below run, with the real module: <_>' -ForEach 'SplitBrain', 'LostWrite', 'LostAnswer', 'FailedPromote' {
        Assert-Clean (Invoke-ChaosRound -Plan $Plans[$_] -Watcher $Watcher)
    }
}

Describe 'Each invariant check catches its violation' {
    It '1. No silent split brain: an unplanned failover that skips its two-primaries checks' {
        $result = Invoke-WithStandIn @{
            'Invoke-VaultDrFailover' = {
                [CmdletBinding(SupportsShouldProcess)]
                param($Primary, $Secondary, [securestring[]] $KeyShare, [securestring] $DrOperationToken, [switch] $Unplanned, [switch] $Force, [switch] $RemoveDeadPeers, $SecondaryId, $TimeoutSec)
                # No preflight, no look at the old primary: the ceremony and the promote, and a report that all went well.
                $op = $KeyShare | New-VaultDrOperationToken -Connection $Secondary -Force
                $op | Invoke-VaultDrPromote -Connection $Secondary -Force -Confirm:$false | Out-Null
                [pscustomobject]@{ Kind = 'Unplanned'; Succeeded = $true; FailedStep = $null; Error = $null; NextSafeCommand = $null; Steps = @() }
            }
        } { Invoke-ChaosRound -Plan $Plans.SplitBrain -Watcher $Watcher }
        Assert-Caught $result 'NoSilentSplitBrain'
    }

    It '2. No acknowledged write lost: a Wait-VaultDrReplication that acknowledges before the secondary has the write' {
        $result = Invoke-WithStandIn @{
            'Wait-VaultDrReplication' = {
                param($Primary, $Secondary, $TimeoutSec)
                [VaultDr.ReplicationHealth]@{ Primary = $Primary.Address; Secondary = @($Secondary)[0].Address; Healthy = $true; SecondaryState = 'stream-wals' }
            }
        } { Invoke-ChaosRound -Plan $Plans.LostWrite -Watcher $Watcher }
        Assert-Caught $result 'NoAcknowledgedWriteLost'
    }

    It '3. At most once: a failover that re-sends a promote whose answer was lost' {
        $result = Invoke-WithStandIn @{
            'Invoke-VaultDrFailover' = {
                [CmdletBinding(SupportsShouldProcess)]
                param($Primary, $Secondary, [securestring[]] $KeyShare, [securestring] $DrOperationToken, [switch] $Unplanned, [switch] $Force, [switch] $RemoveDeadPeers, $SecondaryId, $TimeoutSec)
                $report = VaultDr\Invoke-VaultDrFailover @PSBoundParameters -ErrorAction SilentlyContinue
                if ($report.FailedStep -like '*Promote*') { VaultDr\Invoke-VaultDrPromote -Connection $Secondary -DrOperationToken $DrOperationToken -Confirm:$false -ErrorAction SilentlyContinue }
                $report
            }
        } { Invoke-ChaosRound -Plan $Plans.LostAnswer -Watcher $Watcher }
        Assert-Caught $result 'AtMostOnce'
        ($result.Violations | Where-Object Invariant -eq 'AtMostOnce').Detail | Should -Match "POST $([regex]::Escape("$Dr/secondary/promote")) reached vault-2 2 times with the same body"
    }

    It '4. Always a way back: a failed promote whose NextSafeCommand promotes by hand but never re-attaches the old primary' {
        $result = Invoke-WithStandIn @{
            'Invoke-VaultDrFailover' = {
                [CmdletBinding(SupportsShouldProcess)]
                param($Primary, $Secondary, [securestring[]] $KeyShare, [securestring] $DrOperationToken, [switch] $Unplanned, [switch] $Force, [switch] $RemoveDeadPeers, $SecondaryId, $TimeoutSec)
                $report = VaultDr\Invoke-VaultDrFailover @PSBoundParameters -ErrorAction SilentlyContinue | Select-Object *
                if ($report.FailedStep) {
                    # The advice as it was before the chaos runs: the promote, and nothing about the old primary.
                    $report.NextSafeCommand = "No cluster is primary now ($($Primary.Name) is demoted). Promote $($Secondary.Name): `$op = <key shares> | " +
                    "New-VaultDrOperationToken -Connection <$($Secondary.Name)> -Force; `$op | Invoke-VaultDrPromote -Connection <$($Secondary.Name)> -Confirm:`$false."
                }
                $report
            }
        } { Invoke-ChaosRound -Plan $Plans.FailedPromote -Watcher $Watcher }
        Assert-Caught $result 'AlwaysAWayBack'
    }

    It '5. Nothing leaks: a failover that writes a key share to its verbose stream' {
        $result = Invoke-WithStandIn @{
            'Invoke-VaultDrFailover' = {
                [CmdletBinding(SupportsShouldProcess)]
                param($Primary, $Secondary, [securestring[]] $KeyShare, [securestring] $DrOperationToken, [switch] $Unplanned, [switch] $Force, [switch] $RemoveDeadPeers, $SecondaryId, $TimeoutSec)
                Write-Verbose "Using key share $([System.Net.NetworkCredential]::new('', $KeyShare[0]).Password)"
                VaultDr\Invoke-VaultDrFailover @PSBoundParameters
            }
        } { Invoke-ChaosRound -Plan $Plans.Quiet -Watcher $Watcher }
        Assert-Caught $result 'NothingLeaks'
        ($result.Violations | Where-Object Invariant -eq 'NothingLeaks').Detail | Should -Match 'a secret of \d+ characters appears'
    }

    It '5. Nothing leaks: a Stop-VaultDrLab that leaves the lab process running' {
        $labs = [System.Collections.Generic.List[object]]::new()
        try {
            $result = Invoke-WithStandIn @{
                'Stop-VaultDrLab' = { [CmdletBinding(SupportsShouldProcess)] param($Lab) $labs.Add($Lab) }.GetNewClosure()
            } { Invoke-ChaosRound -Plan $Plans.Quiet -Watcher $Watcher }
        }
        finally { foreach ($lab in $labs) { VaultDr\Stop-VaultDrLab -Lab $lab -Confirm:$false } }
        Assert-Caught $result 'NothingLeaks'
        ($result.Violations | Where-Object Invariant -eq 'NothingLeaks').Detail | Should -Match 'the lab process \d+ still runs after Stop-VaultDrLab'
        $labs | ForEach-Object { Test-ChaosProcessGone $_.ProcessId | Should -BeTrue }
    }
}
