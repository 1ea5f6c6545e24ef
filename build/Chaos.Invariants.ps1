<#
.SYNOPSIS
    The chaos runner's five invariants. Each check adds violations to the round, named as the issue names them.
    Dot-sourced by build/Chaos.Round.ps1.
#>

$script:ChaosInvariants = [ordered]@{
    NoSilentSplitBrain      = 'No silent split brain'
    NoAcknowledgedWriteLost = 'No acknowledged write lost'
    AtMostOnce              = 'At most once'
    AlwaysAWayBack          = 'Always a way back'
    NothingLeaks            = 'Nothing leaks'
}

# Requests that change nothing although they are not GETs: Vault's API takes these reads as writes (a DR secondary's
# Raft configuration with the DR operation token in the body, as "list-peers -dr-token" reads it; a token's
# capabilities). The lab's own peer calls (sys/wrapping/unwrap) are not VaultDr's.
$script:ChaosReadsSentAsWrites = @(
    'PUT /v1/sys/storage/raft/configuration'
    'POST /v1/sys/storage/raft/configuration'
    'PUT /v1/sys/capabilities-self'
    'POST /v1/sys/capabilities-self'
    'PUT /v1/sys/wrapping/unwrap'
    'POST /v1/sys/wrapping/unwrap'
)

function Add-ChaosViolation($Context, [string] $Invariant, [string] $Detail) {
    $number = [array]::IndexOf(@($ChaosInvariants.Keys), $Invariant) + 1
    $Context.Violations.Add([pscustomobject]@{ Invariant = $Invariant; Name = "$number. $($ChaosInvariants[$Invariant])"; Step = $Context.CurrentStep; Detail = $Detail })
}

function Get-ChaosReportText($Report) {
    <# What a report says in words: its error, its next safe command and every step's detail. #>
    @($Report.Error, $Report.NextSafeCommand) + @($Report.Steps | ForEach-Object Detail) | Where-Object { $_ } | Join-String -Separator "`n"
}

function Test-ChaosFlagged($Context) {
    <#
        Whether VaultDr said, anywhere in the round, that two primaries are (or will be) up: a TWO PRIMARIES warning, an
        error VaultDrTwoPrimaries or VaultDrPrimaryStillActive, a ReplicationHealth with TwoPrimaries, or a report that
        names them or warns that the old primary will come back as one.
    #>
    foreach ($entry in $Context.Records) {
        $record = $entry.Record
        if ($record -is [System.Management.Automation.WarningRecord] -and $record.Message -match '(?i)two primaries') { return $true }
        if ($record -is [System.Management.Automation.ErrorRecord] -and $record.FullyQualifiedErrorId -match '^VaultDr(TwoPrimaries|PrimaryStillActive)\b') { return $true }
        if ($record -is [VaultDr.ReplicationHealth] -and $record.TwoPrimaries) { return $true }
    }
    foreach ($entry in $Context.Reports) {
        if ((Get-ChaosReportText $entry.Report) -match '(?i)two primaries|back as a primary') { return $true }
    }
    $false
}

function Test-ChaosSplitBrain($Context) {
    <# Invariant 1, at the end of the round: every moment two clusters answered as DR primaries, VaultDr flagged it. #>
    if ($Context.TwoPrimaries.Count -and -not (Test-ChaosFlagged $Context)) {
        $first = $Context.TwoPrimaries[0]
        Add-ChaosViolation $Context 'NoSilentSplitBrain' "$($first.Clusters -join ' and ') both answered as DR primaries with one cluster id (first seen in step $($first.Step)), and nothing VaultDr wrote or reported in the round said so."
    }
}

function Test-ChaosAtMostOnce($Context, $Slice) {
    <#
        Invariant 3, for the requests one VaultDr command caused: a state-changing request (same cluster, method, path
        and body) reached a cluster at most once, unless every earlier copy was refused unprocessed (429 or 503: the
        retries VaultDr makes on purpose). Reads that Vault takes as writes ($ChaosReadsSentAsWrites) are not changes.
    #>
    $changes = @($Slice.Requests | Where-Object { $_.method -ne 'GET' -and "$($_.method) $($_.path)" -notin $ChaosReadsSentAsWrites })
    foreach ($group in $changes | Group-Object { "$($_.cluster) $($_.method) $($_.path) $($_.bodyDigest)" } | Where-Object Count -gt 1) {
        $answers = @($group.Group | ForEach-Object { [int]$_.status })
        if (@($answers | Select-Object -SkipLast 1 | Where-Object { $_ -notin 429, 503 }).Count) {
            $first = $group.Group[0]
            Add-ChaosViolation $Context 'AtMostOnce' "$($first.method) $($first.path) reached $($first.cluster) $($group.Count) times with the same body in '$($Slice.Label)' (answers: $($answers -join ', '))."
        }
    }
}

function Test-ChaosWrites($Context, [string] $Primary) {
    <#
        Invariant 2, at the end: every acknowledged write (Wait-VaultDrReplication said the secondary had it) is on the
        final primary; a write never acknowledged may be missing only if a report of the round says writes were lost.
    #>
    $lossReported = @($Context.Reports | Where-Object { (Get-ChaosReportText $_.Report) -match '(?i)\bwrites?\b[^.]*\blost\b' }).Count -gt 0
    foreach ($write in $Context.Writes | Where-Object Written) {
        $read = @(Invoke-ChaosCode $Context "Get-VaultDrLabSecret chaos/$($write.Key) on $Primary" {
                Get-VaultDrLabSecret -Connection $Context.Connections[$Primary] -Path "chaos/$($write.Key)" -ErrorAction SilentlyContinue
            } | Where-Object { $_ -is [System.Collections.IDictionary] })
        $value = if ($read) { $read[0]['value'] }
        if ($value -eq $write.Value) { continue }
        if ($write.Acked) {
            Add-ChaosViolation $Context 'NoAcknowledgedWriteLost' "chaos/$($write.Key), written on $($write.Cluster) and acknowledged by Wait-VaultDrReplication, is $(if ($value) { "'$value'" } else { 'missing' }) on $Primary, the final primary."
        }
        elseif (-not $lossReported) {
            Add-ChaosViolation $Context 'NoAcknowledgedWriteLost' "chaos/$($write.Key), written on $($write.Cluster) but not yet replicated, is lost on $Primary, and no report of the round says writes were lost."
        }
        else { $Context.Notes.Add("chaos/$($write.Key) (never acknowledged) was lost, as a report said it could be") }
    }
}

function Get-ChaosRecordText($Record) {
    <# Everything a record could show a user: its text, an error's exception chain and details, an object's properties. #>
    if ($Record -is [System.Management.Automation.ErrorRecord]) {
        "$Record"; $Record.Exception.ToString(); "$($Record.ErrorDetails)"; "$($Record.CategoryInfo)"; "$($Record.TargetObject)"
    }
    elseif ($Record -is [System.Management.Automation.InformationalRecord]) { $Record.Message }
    elseif ($Record -is [System.Management.Automation.InformationRecord]) { "$($Record.MessageData)" }
    elseif ($null -ne $Record) { "$Record"; ($Record | Format-List * | Out-String -Width 400) }
}

function Test-ChaosLeaks($Context, [string[]] $Texts) {
    <#
        Invariant 5, secrets: none of the round's secrets (root tokens, unseal key shares, DR operation tokens, batch and
        activation tokens) appears in any text, and nothing shaped like a Vault token does either.
    #>
    $secrets = @($Context.Secrets | Where-Object { $_ } | ForEach-Object { [System.Net.NetworkCredential]::new('', $_).Password } | Where-Object Length -ge 8 | Sort-Object -Unique)
    foreach ($text in $Texts) {
        if (-not $text) { continue }
        foreach ($secret in $secrets) {
            if ($text.Contains($secret)) {
                $at = $text.IndexOf($secret)
                $around = $text.Substring([Math]::Max(0, $at - 60), [Math]::Min(60, $at)) -replace '\s+', ' '
                Add-ChaosViolation $Context 'NothingLeaks' "a secret of $($secret.Length) characters appears after '$around'"
                return
            }
        }
        if ($text -match '\b(?:hv[sb]|s)\.[A-Za-z0-9]{24,}') {
            Add-ChaosViolation $Context 'NothingLeaks' "something shaped like a Vault token ($($Matches[0].Substring(0, 6))...) appears in the round's output"
            return
        }
    }
}

function Test-ChaosProcessGone([int] $ProcessId, [int] $TimeoutSec = 10) {
    <# True once the process has exited (a lab's process, after Stop-VaultDrLab). #>
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (Get-Process -Id $ProcessId -ErrorAction SilentlyContinue) {
        if ([DateTime]::UtcNow -gt $deadline) { return $false }
        Start-Sleep -Milliseconds 50
    }
    $true
}

function Get-ChaosChildProcesses {
    <# The processes this pwsh started that still run (Linux: from /proc; elsewhere from CIM). #>
    if ($IsLinux) {
        foreach ($stat in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$') {
            $text = Get-Content -Raw -ErrorAction SilentlyContinue (Join-Path $stat.FullName 'stat')
            # pid (comm) state ppid ...: the command name may hold spaces, so read after its closing parenthesis.
            if ($text -and ($text.Substring($text.LastIndexOf(')') + 2) -split ' ')[1] -eq "$PID") { Get-Process -Id ([int]$stat.Name) -ErrorAction SilentlyContinue }
        }
    }
    elseif ($IsWindows) {
        Get-CimInstance Win32_Process -Filter "ParentProcessId = $PID" | ForEach-Object { Get-Process -Id $_.ProcessId -ErrorAction SilentlyContinue }
    }
}
