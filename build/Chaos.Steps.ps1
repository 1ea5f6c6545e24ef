<#
.SYNOPSIS
    The chaos runner's steps: what each step of a scenario runs, with every record it writes kept for the checks.
    Dot-sourced by build/Chaos.Round.ps1.
#>

function Invoke-ChaosCode {
    <#
        Runs one VaultDr command (or a short pipeline of them) with every stream on, Verbose and Debug included, and
        keeps what it wrote and the slice of the lab's request log it caused: the "at most once" check reads each
        slice on its own, because two commands may rightly send the same request. Returns the records.
    #>
    param([Parameter(Mandatory)] $Context, [Parameter(Mandatory)][string] $Label, [Parameter(Mandatory)][scriptblock] $Block)
    $start = @(Get-ChaosRequestLog $Context).Count
    $records = @(try {
            & {
                $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $WarningPreference = 'Continue'
                $InformationPreference = 'Continue'; $ErrorActionPreference = 'Continue'
                & $Block
            } *>&1
        }
        catch { $_ })
    $log = @(Get-ChaosRequestLog $Context)
    $Context.Slices.Add(@{ Label = $Label; Step = $Context.CurrentStep; Requests = @($log | Select-Object -Skip $start) })
    foreach ($record in $records) { $Context.Records.Add(@{ Step = $Context.CurrentStep; Label = $Label; Record = $record }) }
    $records
}

function Get-ChaosErrors([object[]] $Records) { @($Records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) }

function Invoke-ChaosFailover {
    <# Invoke-VaultDrFailover with -Parameters (Primary, Secondary, Unplanned, Force, RemoveDeadPeers, Batch); returns its report. #>
    param([Parameter(Mandatory)] $Context, [Parameter(Mandatory)][hashtable] $Parameters)
    $splat = @{
        Primary = $Context.Connections[$Parameters.Old]; Secondary = $Context.Connections[$Parameters.New]
        SecondaryId = "$($Parameters.Old)-r$($Context.Plan.Round)-$($Context.Reports.Count + 1)"; TimeoutSec = 10; Confirm = $false
    }
    if ($Parameters.Batch -and $Context.Batch) { $splat.DrOperationToken = $Context.Batch.DrOperationToken } else { $splat.KeyShare = $Context.Shares }
    foreach ($switch in 'Unplanned', 'Force', 'RemoveDeadPeers') { if ($Parameters[$switch]) { $splat[$switch] = $true } }
    $label = "Invoke-VaultDrFailover -Primary $($Parameters.Old) -Secondary $($Parameters.New)$(foreach ($s in 'Unplanned', 'Force', 'RemoveDeadPeers') { if ($Parameters[$s]) { " -$s" } })"
    $records = Invoke-ChaosCode $Context $label { Invoke-VaultDrFailover @splat }
    # A report is what has the report's shape: the cmdlet's own, or a copy a test's stand-in made of it.
    $report = $records | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_.PSObject.Properties['NextSafeCommand'] -and $_.PSObject.Properties['FailedStep'] } |
        Select-Object -Last 1
    if (-not $report) {
        # The cmdlet itself failed before it could report (bad input): a report-shaped failure, for the checks.
        $report = [pscustomobject]@{ Succeeded = $false; FailedStep = 'no report'; Error = "$((Get-ChaosErrors $records)[0])"; NextSafeCommand = $null; Steps = @() }
    }
    $Context.Reports.Add(@{ Step = $Context.CurrentStep; Parameters = $Parameters; Report = $report })
    $report
}

function Invoke-ChaosAction {
    <# Runs one step of the scenario; returns $true when the scenario may go on. #>
    param([Parameter(Mandatory)] $Context, [Parameter(Mandatory)] $Step)
    $c = $Context.Connections
    switch ($Step.Name) {
        'Write' {
            $value = "$($Step.Key)-$($Context.Plan.Seed)-$($Context.Plan.Round)-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
            $records = Invoke-ChaosCode $Context "Set-VaultDrLabSecret on $($Step.Old)" { Set-VaultDrLabSecret -Connection $c[$Step.Old] -Path "chaos/$($Step.Key)" -Data @{ value = $value } -Confirm:$false }
            # A write that failed may still have landed; it was never acknowledged, so nothing is promised about it.
            $Context.Writes.Add([pscustomobject]@{ Key = $Step.Key; Value = $value; Cluster = $Step.Old; Written = -not (Get-ChaosErrors $records); Acked = $false; Late = [bool]$Step.Late })
            return $true
        }
        'Wait' {
            $records = Invoke-ChaosCode $Context "Wait-VaultDrReplication -Primary $($Step.Old) -Secondary $($Step.New)" {
                Wait-VaultDrReplication -Primary $c[$Step.Old] -Secondary $c[$Step.New] -TimeoutSec 6
            }
            if (-not (Get-ChaosErrors $records) -and @($records | Where-Object { $_ -is [VaultDr.ReplicationHealth] -and $_.Healthy }).Count) {
                # Acknowledged: VaultDr says the secondary has every write the primary had.
                foreach ($write in $Context.Writes | Where-Object { $_.Written -and $_.Cluster -eq $Step.Old }) { $write.Acked = $true }
            }
            return $true
        }
        'BatchToken' {
            $records = Invoke-ChaosCode $Context "New-VaultDrBatchOperationToken on $($Step.Old)" { New-VaultDrBatchOperationToken -Connection $c[$Step.Old] -Ttl 30m -Confirm:$false }
            $Context.Batch = $records | Where-Object { $_ -is [VaultDr.OperationToken] } | Select-Object -First 1
            if ($Context.Batch) { $Context.Secrets.Add($Context.Batch.DrOperationToken) }
            return [bool]$Context.Batch
        }
        'Failover' {
            $parameters = @{ Old = $Step.Old; New = $Step.New; Unplanned = [bool]$Step.Unplanned; Batch = [bool]$Step.Batch }
            if (-not $Step.Unplanned) { $parameters.Force = $Context.Plan.Force }
            $parameters.RemoveDeadPeers = $Context.Plan.RemoveDeadPeers
            $report = Invoke-ChaosFailover -Context $Context -Parameters $parameters
            return -not $report.FailedStep
        }
        'Kill' { Stop-VaultDrLabCluster -Cluster $Context.Clusters[$Step.Old] -Confirm:$false; return $true }
        'Return' {
            if (-not (Get-ChaosTruth $Context | Where-Object Name -eq $Step.Old).Running) { Start-VaultDrLabCluster -Cluster $Context.Clusters[$Step.Old] -Confirm:$false }
            return $true
        }
        'Advice' {
            # After an unplanned failover, the report says how to re-attach the old primary: do it, as written.
            $last = $Context.Reports[-1]
            if (-not $last.Report.NextSafeCommand) { return $true }
            $advice = Invoke-ChaosAdvice -Context $Context -Report $last.Report -Failover $last.Parameters
            $Context.Notes.Add("advice run: $($advice.Ran -join ' | ')$(if ($advice.Skipped.Count) { "; skipped: $($advice.Skipped -join ' | ')" })")
            foreach ($problem in $advice.Problems) { $Context.Notes.Add("advice problem: $problem") }
            return -not $advice.Problems.Count
        }
        'Demote' {
            $records = Invoke-ChaosCode $Context "Invoke-VaultDrDemote on $($Step.Old)" { Invoke-VaultDrDemote -Connection $c[$Step.Old] -Confirm:$false }
            return -not (Get-ChaosErrors $records)
        }
        'OpToken' {
            $records = Invoke-ChaosCode $Context "New-VaultDrOperationToken on $($Step.Old)" { $Context.Shares | New-VaultDrOperationToken -Connection $c[$Step.Old] }
            $Context.Op = $records | Where-Object { $_ -is [VaultDr.OperationToken] } | Select-Object -First 1
            if ($Context.Op) { $Context.Secrets.Add($Context.Op.DrOperationToken) }
            return [bool]$Context.Op -and -not (Get-ChaosErrors $records)
        }
        'Activation' {
            $records = Invoke-ChaosCode $Context "New-VaultDrSecondaryToken on $($Step.New)" { New-VaultDrSecondaryToken -Connection $c[$Step.New] -Id "$($Step.Old)-by-hand-$($Context.Plan.Round)" }
            $Context.Activation = $records | Where-Object { $_ -is [VaultDr.SecondaryActivationToken] } | Select-Object -First 1
            if ($Context.Activation) { $Context.Secrets.Add($Context.Activation.ActivationToken) }
            return [bool]$Context.Activation -and -not (Get-ChaosErrors $records)
        }
        'UpdatePrimary' {
            $records = Invoke-ChaosCode $Context "Update-VaultDrPrimary on $($Step.Old)" {
                $Context.Activation | Update-VaultDrPrimary -Connection $c[$Step.Old] -DrOperationToken $Context.Op.DrOperationToken -Confirm:$false
            }
            return -not (Get-ChaosErrors $records)
        }
        'Revoke' {
            $records = Invoke-ChaosCode $Context "Revoke-VaultDrOperationToken on $($Step.Old)" { $Context.Op | Revoke-VaultDrOperationToken -Connection $c[$Step.Old] -Confirm:$false }
            return -not (Get-ChaosErrors $records)
        }
        'Repoint' { return Invoke-ChaosRepoint -Context $Context -Primary $Step.Old }
        default { throw "No action for step '$($Step.Name)'." }
    }
}

function Invoke-ChaosRepoint {
    <#
        The set's other DR secondaries follow the new primary: for each, a DR operation token on it, an activation
        token from the new primary, update-primary with both, and the token deleted. Returns $true when all did.
    #>
    param([Parameter(Mandatory)] $Context, [Parameter(Mandatory)][string] $Primary)
    $c = $Context.Connections
    foreach ($name in @($c.Keys | Select-Object -Skip 2)) {
        $records = Invoke-ChaosCode $Context "re-point $name at $Primary" {
            $op = $Context.Shares | New-VaultDrOperationToken -Connection $c[$name] -Force
            if ($op) {
                $Context.Secrets.Add($op.DrOperationToken)
                $activation = New-VaultDrSecondaryToken -Connection $c[$Primary] -Id "$name-r$($Context.Plan.Round)-$($Context.Reports.Count)"
                if ($activation) {
                    $Context.Secrets.Add($activation.ActivationToken)
                    $activation | Update-VaultDrPrimary -Connection $c[$name] -DrOperationToken $op.DrOperationToken -Confirm:$false
                }
                $op | Revoke-VaultDrOperationToken -Connection $c[$name] -Confirm:$false
            }
        }
        if (Get-ChaosErrors $records) { return $false }
    }
    $true
}
