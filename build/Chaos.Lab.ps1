<#
.SYNOPSIS
    The chaos runner's lab: one replication set per round, the truth read from the lab's control API, and the faults,
    put in and taken out with the lab cmdlets. Dot-sourced by build/Chaos.Round.ps1 and by the watcher's runspace.
#>

function Get-ChaosTruth($Context) {
    <#
        Every cluster as the lab itself knows it (GET /lab on the control API): no VaultDr code between, no fault, no
        entry in the request log. Tokens in that document are dropped here, so nothing below can print them.
    #>
    $document = Invoke-RestMethod -Uri ([Uri]::new($Context.Lab.ControlAddress, 'lab')) -TimeoutSec 10
    foreach ($c in $document.clusters) {
        [pscustomobject]@{
            Name = $c.name; Mode = $c.mode; State = $c.state; ClusterId = $c.clusterId; LastWal = [long]$c.lastWal
            LastRemoteWal = [long]$c.lastRemoteWal; MerkleRoot = $c.merkleRoot; Running = [bool]$c.running; Sealed = [bool]$c.sealed
            Standbys = @($c.standbys | ForEach-Object { [pscustomobject]@{ NodeId = $_.nodeId; Running = [bool]$_.running } })
        }
    }
}

function Get-ChaosRequestLog($Context) {
    <# The lab's request log (method, path, status, body digest; never a body or a header), oldest first. #>
    @((Invoke-RestMethod -Uri ([Uri]::new($Context.Lab.ControlAddress, 'lab/requests')) -TimeoutSec 10).requests)
}

function Find-ChaosPrimaries($Truth) {
    <# The clusters that answer as DR primaries, grouped by cluster id: more than one in a group is split brain. #>
    $Truth | Where-Object { $_.Running -and -not $_.Sealed -and $_.Mode -eq 'primary' } | Group-Object ClusterId | Where-Object Count -gt 1
}

function New-ChaosSet {
    <#
        A fresh lab for one round: vault-1 a DR primary, every other cluster its DR secondary, caught up; with
        $Plan.Standby a standby on each cluster whose death autopilot notices within a second. Returns the round's
        context: connections (all with vault-1's root token, which every cluster shares once replicated) and key shares.
    #>
    param([Parameter(Mandatory)] $Plan, [int] $StateStepDelayMs = 30, [int] $CatchUpDelayMs = 60)
    $clusters = @(Start-VaultDrLab -ClusterCount $Plan.Clusters -StateStepDelayMs $StateStepDelayMs -CatchUpDelayMs $CatchUpDelayMs -Confirm:$false)
    $context = @{
        Plan = $Plan; Lab = $clusters[0].Lab; Clusters = [ordered]@{}; Connections = [ordered]@{}; Standbys = @{}
        Shares = @($clusters[0].UnsealKeys | Select-Object -First $clusters[0].KeyThreshold)
        Secrets = [System.Collections.Generic.List[securestring]]::new()
        Writes = [System.Collections.Generic.List[object]]::new(); Reports = [System.Collections.Generic.List[object]]::new()
        Records = [System.Collections.Generic.List[object]]::new(); Steps = [System.Collections.Generic.List[object]]::new()
        Violations = [System.Collections.Generic.List[object]]::new(); TwoPrimaries = [System.Collections.Generic.List[object]]::new()
        Applied = [System.Collections.Generic.List[object]]::new(); Notes = [System.Collections.Generic.List[string]]::new()
    }
    foreach ($cluster in $clusters) {
        $context.Clusters[$cluster.Name] = $cluster
        $context.Secrets.Add($cluster.RootToken)
        $cluster.UnsealKeys | ForEach-Object { $context.Secrets.Add($_) }
    }
    $primary = $clusters[0]
    foreach ($cluster in $clusters) {
        # Reads retried as Vault's own client retries them; 10 s before a call counts as timed out.
        $context.Connections[$cluster.Name] = New-VaultDrConnection -Name $cluster.Name -Address $cluster.Address -Token $primary.RootToken -MaxRetries 2 -TimeoutSec 10
        if ($Plan.Standby) {
            Set-VaultDrAutopilotConfiguration -Connection $cluster.Connection -LastContactThreshold 1 -Confirm:$false
            $context.Standbys[$cluster.Name] = (New-VaultDrLabStandby -Cluster $cluster -Confirm:$false).Name
        }
    }
    Enable-VaultDrPrimary -Connection $primary.Connection -WarningAction SilentlyContinue
    foreach ($cluster in $clusters | Select-Object -Skip 1) {
        New-VaultDrSecondaryToken -Connection $primary.Connection -Id "$($cluster.Name)-setup" |
            Enable-VaultDrSecondary -Connection $cluster.Connection -Confirm:$false -WarningAction SilentlyContinue
    }
    $secondaries = @($context.Connections.Values | Select-Object -Skip 1)
    $null = Wait-VaultDrReplication -Primary $context.Connections['vault-1'] -Secondary $secondaries -TimeoutSec 30
    $context
}

function Invoke-ChaosFault($Context, $Fault) {
    <# Puts one fault in, with the lab cmdlets. #>
    $cluster = $Context.Clusters[$Fault.Cluster]
    switch ($Fault.Kind) {
        'Burst' {
            $retry = if ($Fault.Contains('RetryAfterSec')) { @{ RetryAfterSec = $Fault.RetryAfterSec } } else { @{} }
            Set-VaultDrLabFault -Cluster $cluster -Path $Fault.Path -Method $Fault.Method -StatusCode $Fault.StatusCode -Count $Fault.Count @retry -Confirm:$false
        }
        'Drop' {
            $how = @{ Before = @{ Drop = $true }; AfterHeaders = @{ DropAfterHeaders = $true }; AfterHandling = @{ DropAfterHandling = $true } }[$Fault.When]
            Set-VaultDrLabFault -Cluster $cluster -Path $Fault.Path -Method $Fault.Method -Count $Fault.Count @how -Confirm:$false
        }
        'ClientPartition' { Set-VaultDrLabFault -Cluster $cluster -Path '*' -Drop -Count $Fault.Count -Confirm:$false }
        'Latency' { Set-VaultDrLabCluster -Cluster $cluster -LatencyMs $Fault.LatencyMs -Confirm:$false }
        'Partition' { Set-VaultDrLabPartition -Cluster $cluster -Peer $Context.Clusters[$Fault.Peer] -Confirm:$false }
        'StopNode' { Stop-VaultDrLabCluster -Cluster $cluster -Confirm:$false }
        'StopStandby' { if ($Context.Standbys[$Fault.Cluster]) { Stop-VaultDrLabStandby -Cluster $cluster -NodeId $Context.Standbys[$Fault.Cluster] -Confirm:$false } }
        'Seal' { Set-VaultDrLabCluster -Cluster $cluster -Sealed $true -Confirm:$false }
        'ReturnPrimary' { Start-VaultDrLabCluster -Cluster $cluster -Confirm:$false }
    }
}

function Undo-ChaosFault($Context, $Fault) {
    <# Heals a fault that does not end by itself. (Data, not a script block: the watcher's runspace heals faults too.) #>
    $cluster = $Context.Clusters[$Fault.Cluster]
    switch ($Fault.Kind) {
        'Latency' { Set-VaultDrLabCluster -Cluster $cluster -LatencyMs 0 -Confirm:$false }
        # The lab heals every partition at once; a round has a few at most, and all are healed by its end anyway.
        'Partition' { $null = Invoke-RestMethod -Method Delete -Uri ([Uri]::new($Context.Lab.ControlAddress, 'lab/partitions')) -TimeoutSec 10 }
        'StopNode' { Start-VaultDrLabCluster -Cluster $cluster -Confirm:$false }
        'StopStandby' { if ($Context.Standbys[$Fault.Cluster]) { Start-VaultDrLabStandby -Cluster $cluster -NodeId $Context.Standbys[$Fault.Cluster] -Confirm:$false } }
        'Seal' { Set-VaultDrLabCluster -Cluster $cluster -Sealed $false -Confirm:$false }
    }
}

function Reset-ChaosLab($Context) {
    <#
        Clears every fault: injected answers, partitions and latency (Clear-VaultDrLabFault), then starts every cluster
        and standby that is stopped and unseals every sealed cluster. A primary that was killed on purpose comes back
        too: clearing the faults is when an unplanned failover's old primary returns, if it has not yet.
    #>
    Clear-VaultDrLabFault -Lab $Context.Lab -Confirm:$false
    foreach ($truth in Get-ChaosTruth $Context) {
        $cluster = $Context.Clusters[$truth.Name]
        if (-not $truth.Running) { Start-VaultDrLabCluster -Cluster $cluster -Confirm:$false }
        if ($truth.Sealed) { Set-VaultDrLabCluster -Cluster $cluster -Sealed $false -Confirm:$false }
        $stopped = @($truth.Standbys | Where-Object { -not $_.Running } | ForEach-Object NodeId)
        if ($stopped) { Start-VaultDrLabStandby -Cluster $cluster -NodeId $stopped -Confirm:$false }
    }
}

function Test-ChaosConverged($Context, [int] $TimeoutSec = 20) {
    <#
        Waits until the set is one DR primary and every other cluster its healthy, caught-up DR secondary (stream-wals,
        same cluster id and merkle root, last_remote_wal at least the primary's last_wal), as the lab reports them.
        Returns $null when it is, else why not (after the wait).
    #>
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $truth = @(Get-ChaosTruth $Context)
        $primaries = @($truth | Where-Object { $_.Mode -eq 'primary' })
        $why = if (@($truth | Where-Object { -not $_.Running -or $_.Sealed }).Count) { 'a cluster is stopped or sealed' }
        elseif ($primaries.Count -ne 1) { "$($primaries.Count) primaries ($(($primaries.Name) -join ', '))" }
        else {
            $p = $primaries[0]
            $behind = foreach ($s in $truth | Where-Object Name -ne $p.Name) {
                if ($s.Mode -ne 'secondary' -or $s.State -ne 'stream-wals' -or $s.ClusterId -ne $p.ClusterId -or $s.LastRemoteWal -lt $p.LastWal -or $s.MerkleRoot -ne $p.MerkleRoot) {
                    "$($s.Name) is $($s.Mode)/$($s.State) at WAL $($s.LastRemoteWal) of $($p.LastWal)$(if ($s.ClusterId -ne $p.ClusterId) { ', another cluster id' })"
                }
            }
            if ($behind) { "$($p.Name) is the primary, but $($behind -join '; ')" }
        }
        if (-not $why) { return $null }
        if ([DateTime]::UtcNow -gt $deadline) { return $why }
        Start-Sleep -Milliseconds 100
    }
}
