#Requires -Version 7.4
<#
.SYNOPSIS
    Operator runbook: clean the dead Raft peers off the DR cluster, then promote it with Invoke-VaultDrFailover.
.DESCRIPTION
    A DR cluster that lists dead voters has less failure tolerance than it seems: once promoted, it can lose its
    quorum. Invoke-VaultDrFailover refuses such a cluster unless -RemoveDeadPeers; this runbook does the cleaning as
    steps of its own, so the operator sees each peer before it goes.
    1. A DR operation token on the DR secondary: -DrOperationToken, or generated from -KeyShare (and deleted once
       the cleaning is done, while the cluster is still a secondary).
    2. Read. Get-VaultDrRaftPeer and Get-VaultDrAutopilotState with that token: the dead voters are those autopilot
       reports unhealthy or not alive. The leader is never one of them.
    3. Remove each dead voter (Remove-VaultDrRaftPeer, ConfirmImpact High: PowerShell asks first), then read the
       peers again and stop if one is still dead or the voters left have no quorum.
    4. Promote: Invoke-VaultDrFailover -Planned (or -Unplanned), which checks the peers once more.
    It returns a VaultDr.Runbook.RaftCleanup object: PeersBefore, Removed, PeersAfter and Failover (the
    VaultDr.FailoverReport). Import the VaultDr module before running it.
.EXAMPLE
    Import-Module ./out/VaultDr/VaultDr.psd1
    $token   = Read-Host -AsSecureString 'Vault token'
    $primary = New-VaultDrConnection https://vault-a.example.com:8200 -Token $token -Name vault-a
    $dr      = New-VaultDrConnection https://vault-b.example.com:8200 -Token $token -Name vault-b
    $shares  = 1..3 | ForEach-Object { Read-Host -AsSecureString "Key share $_" }
    ./examples/runbooks/Remove-DeadRaftPeerThenPromote.ps1 -Primary $primary -Secondary $dr -KeyShare $shares

    Lists vault-b's dead Raft voters, asks before removing each, then fails over from vault-a to vault-b.
.EXAMPLE
    ./examples/runbooks/Remove-DeadRaftPeerThenPromote.ps1 -Primary $primary -Secondary $dr -KeyShare $shares -WhatIf

    Reads the peers and shows which it would remove and the failover it would run; removes and promotes nothing.
    (It still generates a DR operation token to read the peers, and deletes it.)
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'KeyShare')]
[OutputType('VaultDr.Runbook.RaftCleanup')]
param(
    # The cluster that is DR primary now (or was, before the disaster).
    [Parameter(Mandatory)]
    [VaultDr.VaultDrConnection] $Primary,

    # The DR secondary to clean and promote.
    [Parameter(Mandatory)]
    [VaultDr.VaultDrConnection] $Secondary,

    # The primary's unseal (or recovery) key shares, enough to reach the threshold.
    [Parameter(Mandatory, ParameterSetName = 'KeyShare')]
    [securestring[]] $KeyShare,

    # A batch DR operation token made in advance (New-VaultDrBatchOperationToken).
    [Parameter(Mandatory, ParameterSetName = 'DrOperationToken')]
    [securestring] $DrOperationToken,

    # The primary is down: promote without demoting it. Writes not yet replicated are lost.
    [switch] $Unplanned,

    # How long the failover may wait for the new primary to run and the old one to catch up.
    [ValidateRange(1, 86400)]
    [int] $TimeoutSec = 300
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Read-Peers([securestring] $Token) {
    $peers = @(Get-VaultDrRaftPeer -Connection $Secondary -DrOperationToken $Token)
    $state = Get-VaultDrAutopilotState -Connection $Secondary -DrOperationToken $Token
    $leader = @($peers | Where-Object Leader | ForEach-Object { $_.NodeId }) + @($state.Leader)
    $dead = @($state.Servers | Where-Object {
            $_.Id -notin $leader -and ($_.NodeType -eq 'voter' -or $_.Id -in $state.Voters) -and
            ($_.Healthy -eq $false -or ($_.NodeStatus -and $_.NodeStatus -ne 'alive'))
        })
    [pscustomobject]@{ Peers = $peers; State = $state; Dead = $dead }
}

function Format-Peers($Read) {
    ($Read.Peers | ForEach-Object {
            $role = if ($_.Leader) { 'leader' } elseif ($_.Voter) { 'voter' } else { 'non-voter' }
            $dead = if ($_.NodeId -in @($Read.Dead | ForEach-Object { $_.Id })) { ', DEAD' } else { '' }
            "$($_.NodeId) ($role$dead)"
        }) -join '; '
}

# 1. The DR operation token for the cleaning.
$generated = $null
$token = $DrOperationToken
if ($PSCmdlet.ParameterSetName -eq 'KeyShare') {
    # Reading a DR secondary takes a DR operation token, also under -WhatIf: it is generated, and deleted at the end.
    $generated = $KeyShare | New-VaultDrOperationToken -Connection $Secondary -WhatIf:$false -Confirm:$false -WarningAction SilentlyContinue
    $token = $generated.DrOperationToken
}

$removed = @()
try {
    # 2. Read.
    $before = Read-Peers $token
    Write-Host "Raft peers of $($Secondary.Name): $(Format-Peers $before); failure tolerance $($before.State.FailureTolerance)."

    # 3. Remove the dead voters, one by one, asking before each.
    foreach ($server in $before.Dead) {
        $what = "Remove the dead Raft voter '$($server.Id)' (last contact $($server.LastContact), node status $($server.NodeStatus))"
        if ($PSCmdlet.ShouldProcess($Secondary.Name, $what)) {
            Remove-VaultDrRaftPeer -Connection $Secondary -ServerId $server.Id -DrOperationToken $token -Confirm:$false
            $removed += $server.Id
            Write-Host "Removed $($server.Id)."
        }
    }

    $after = if ($removed.Count -gt 0) { Read-Peers $token } else { $before }
    if ($removed.Count -gt 0) {
        Write-Host "Raft peers of $($Secondary.Name) now: $(Format-Peers $after)."
        $voters = @($after.Peers | Where-Object Voter).Count
        $alive = $voters - @($after.Dead).Count
        if (@($after.Dead).Count -gt 0 -or $alive -lt [math]::Floor($voters / 2) + 1) {
            throw "$($Secondary.Name) still has dead voters ($(@($after.Dead | ForEach-Object { $_.Id }) -join ', ')) or no quorum ($alive of $voters voters alive). It was not promoted. Start the dead servers again or remove them, then run this runbook again."
        }
    }
}
finally {
    # The generated token has done its work here; the failover makes its own. Deleted while the cluster is a secondary.
    if ($generated) { $generated | Revoke-VaultDrOperationToken -Connection $Secondary -Confirm:$false -WhatIf:$false }
}

# 4. Promote. -WhatIf and -Confirm given to this runbook reach Invoke-VaultDrFailover.
$failover = @{ Primary = $Primary; Secondary = $Secondary; TimeoutSec = $TimeoutSec }
$failover[$(if ($Unplanned) { 'Unplanned' } else { 'Planned' })] = $true
if ($PSCmdlet.ParameterSetName -eq 'KeyShare') { $failover.KeyShare = $KeyShare } else { $failover.DrOperationToken = $DrOperationToken }
$report = Invoke-VaultDrFailover @failover -ErrorAction Continue
if ($report -and -not $report.WhatIf) {
    Write-Host "Failover $($Primary.Name) -> $($Secondary.Name): $(if ($report.Succeeded) { 'SUCCEEDED' } else { "FAILED at $($report.FailedStep). Next: $($report.NextSafeCommand)" })"
}

[pscustomobject]@{
    PSTypeName  = 'VaultDr.Runbook.RaftCleanup'
    PeersBefore = $before.Peers
    Dead        = @($before.Dead | ForEach-Object { $_.Id })
    Removed     = $removed
    PeersAfter  = $after.Peers
    Failover    = $report
}
