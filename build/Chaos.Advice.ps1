<#
.SYNOPSIS
    Runs a FailoverReport's NextSafeCommand the way an operator reading it would, for the chaos runner's "always a way
    back" invariant. Dot-sourced by build/Chaos.Round.ps1.
.DESCRIPTION
    The advice is English with commands in it. The runner takes the first alternative (what follows ", or" is another
    way to the same end), and in it, in order:
    - every VaultDr command, with <cluster name> bound to that cluster's connection and <key shares> to the shares;
    - "run the failover again" [with -Switch]: the same Invoke-VaultDrFailover, with that switch added;
    - "Watch Get-VaultDrStatus -Connection <x> until it reports mode primary": that wait.
    A command whose end is already reached is skipped, as an operator would: a demote of a cluster that is not a
    primary, and a promote (or the DR operation token for it) of a cluster that already is one. A placeholder that
    names no cluster (<token>, <id>) cannot be run: a read with one is skipped, a change with one is a failure.
    A command that changes something and fails is a failure of the advice (a Problem). A read that fails, and a run
    of the failover again that its preflight refuses (nothing changed, and it says why), are only noted: what decides
    then is whether the set is back, which the caller checks.
#>

$script:ChaosCommand = '[A-Z][a-z]+-VaultDr[A-Za-z]+'
$script:ChaosValue = '(?:<[^<>]+>|\$op(?:\.[A-Za-z]+)?|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])'
$script:ChaosAdvicePattern = '(?<rerun>run the failover again(?: with (?<switch>-[A-Za-z]+))?)' +
    '|(?<watch>Watch Get-VaultDrStatus -Connection <(?<target>[^<>]+)> until it reports mode primary)' +
    "|(?<statement>(?:\`$op = )?(?:(?:<key shares>|\`$op) \| )?$ChaosCommand(?: -[A-Za-z]+(?::\`$(?:true|false)| $ChaosValue)?| \| $ChaosCommand)*)"

function ConvertFrom-ChaosAdvice([string] $Text) {
    <# The actions in a NextSafeCommand, in order: @{ Kind = Rerun | Watch | Statement; ... }. #>
    if (-not $Text) { return }
    $first = ($Text -split '[,;]\s+or\s+')[0]
    foreach ($match in [regex]::Matches($first, $ChaosAdvicePattern)) {
        if ($match.Groups['rerun'].Success) {
            @{ Kind = 'Rerun'; Switch = $(if ($match.Groups['switch'].Success) { $match.Groups['switch'].Value.TrimStart('-') }); Text = $match.Value }
        }
        elseif ($match.Groups['watch'].Success) { @{ Kind = 'Watch'; Target = $match.Groups['target'].Value; Text = $match.Value } }
        else {
            $statement = $match.Groups['statement'].Value
            $commands = @([regex]::Matches($statement, $ChaosCommand) | ForEach-Object Value)
            $target = [regex]::Match($statement, "$([regex]::Escape($commands[-1])).*?-Connection <(?<t>[^<>]+)>")
            @{ Kind = 'Statement'; Text = $statement; Command = $commands[-1]; Target = $(if ($target.Success) { $target.Groups['t'].Value }) }
        }
    }
}

function Test-ChaosAdviceDone($Action, $Truth) {
    <# Why the action is already done (an operator would skip it), or $null. #>
    $mode = ($Truth | Where-Object Name -eq $Action.Target).Mode
    switch ($Action.Command) {
        'Invoke-VaultDrDemote' { if ($mode -ne 'primary') { "$($Action.Target) is not a primary ($mode): nothing to demote" } }
        'Invoke-VaultDrPromote' { if ($mode -eq 'primary') { "$($Action.Target) is the primary already" } }
        'New-VaultDrOperationToken' { if ($mode -eq 'primary') { "$($Action.Target) is the primary already: it needs no token to be promoted" } }
    }
}

function Invoke-ChaosAdvice {
    <#
        Runs the advice of -Report (its NextSafeCommand) against the round's clusters. Every output and record goes
        to the round's records; returns @{ Ran; Skipped; Problems; Reports }.
    #>
    param([Parameter(Mandatory)] $Context, [Parameter(Mandatory)] $Report, [Parameter(Mandatory)] $Failover, [int] $Depth = 0)
    $outcome = @{ Ran = [System.Collections.Generic.List[string]]::new(); Skipped = [System.Collections.Generic.List[string]]::new(); Problems = [System.Collections.Generic.List[string]]::new() }
    $actions = @(ConvertFrom-ChaosAdvice $Report.NextSafeCommand)
    if (-not $actions) { $outcome.Problems.Add("nothing to run in: $($Report.NextSafeCommand)"); return $outcome }
    # The advice's commands see these (by dynamic scope); $op lives in a table, as each command runs in its own scope.
    $Connections = $Context.Connections
    $KeyShares = $Context.Shares
    $AdviceState = @{ op = $null }
    foreach ($action in $actions) {
        switch ($action.Kind) {
            'Rerun' {
                if ($Depth -ge 2) { $outcome.Problems.Add('the advice asked for a third run of the failover'); continue }
                $again = $Failover.Clone()
                if ($action.Switch) { $again[$action.Switch] = $true }
                $outcome.Ran.Add("Invoke-VaultDrFailover again$(if ($action.Switch) { " with -$($action.Switch)" })")
                $report = Invoke-ChaosFailover -Context $Context -Parameters $again
                if ($report.FailedStep -like '1. Preflight*') { $outcome.Skipped.Add("the failover run again stopped at its preflight: $($report.Error)") }
                elseif ($report.FailedStep) {
                    $inner = Invoke-ChaosAdvice -Context $Context -Report $report -Failover $again -Depth ($Depth + 1)
                    $outcome.Ran.AddRange($inner.Ran); $outcome.Skipped.AddRange($inner.Skipped); $outcome.Problems.AddRange($inner.Problems)
                }
            }
            'Watch' {
                $outcome.Ran.Add($action.Text)
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while ((Get-VaultDrStatus -Connection $Connections[$action.Target] -ErrorAction SilentlyContinue).Mode -ne 'primary') {
                    if ([DateTime]::UtcNow -gt $deadline) { $outcome.Problems.Add("$($action.Target) never reported mode primary"); break }
                    Start-Sleep -Milliseconds 100
                }
            }
            'Statement' {
                $code = ($action.Text -replace '<key shares>', '$$KeyShares') -replace '\$op\b', '$$AdviceState[''op'']'
                foreach ($name in $Connections.Keys) { $code = $code.Replace("<$name>", "`$Connections['$name']") }
                if ($code -match '<[^<>]+>') {
                    if ($action.Command -like 'Get-*') { $outcome.Skipped.Add("$($action.Text) (a read with a placeholder no cluster fills)") }
                    else { $outcome.Problems.Add("cannot run '$($action.Text)': $($Matches[0]) names no cluster") }
                    continue
                }
                if ($done = Test-ChaosAdviceDone $action @(Get-ChaosTruth $Context)) { $outcome.Skipped.Add("$($action.Text) ($done)"); continue }
                $outcome.Ran.Add($action.Text)
                $errors = @(Invoke-ChaosCode $Context "advice: $($action.Text)" ([scriptblock]::Create($code)) | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
                if ($AdviceState.op.DrOperationToken) { $Context.Secrets.Add($AdviceState.op.DrOperationToken) }
                if ($errors -and $action.Command -match '^(Get|Test|Wait)-') { $outcome.Skipped.Add("'$($action.Text)' failed: $($errors[0])") }
                elseif ($errors) { $outcome.Problems.Add("'$($action.Text)' failed: $($errors[0])"); return $outcome }
            }
        }
    }
    $outcome
}
