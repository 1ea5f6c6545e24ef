<#
.SYNOPSIS
    When a DR secondary is caught up, for build/Bench.ps1, which dot-sources this file.
.DESCRIPTION
    Test-CaughtUp applies the criteria once. The watch applies them over and over in a second runspace and
    records the first moment they hold, so the benchmark can measure its own return against that moment.
#>

function Test-CaughtUp($Primary, $Secondary) {
    <# Vault's documented health criteria, read from both statuses. #>
    $p, $s = Get-VaultDrStatus -Connection $Primary, $Secondary
    $peer = @($p.Secondaries) | Where-Object { $_.NodeId -eq $s.SecondaryId } | Select-Object -First 1
    return [bool]($s.State -eq 'stream-wals' -and $p.LastWal -gt 0 -and $s.LastRemoteWal -ge $p.LastWal -and
        $s.MerkleRoot -eq $p.MerkleRoot -and $s.ClusterId -eq $p.ClusterId -and $peer -and $peer.ConnectionStatus -eq 'connected')
}

function Start-CaughtUpWatch($Primary, $Secondary) {
    <# Starts the watch, which imports $ModuleManifest (Bench.ps1's parameter); it polls once the caller sets .Shared.Start. #>
    $shared = [hashtable]::Synchronized(@{ Start = $false; CaughtUpAt = 0L; CaughtUpUtc = $null; Stop = $false; Error = $null })
    $watch = [powershell]::Create()
    $null = $watch.AddScript({
            param($Manifest, $Primary, $Secondary, $Shared, $TestCaughtUp)
            try {
                Import-Module $Manifest
                # Recreated from text: a script block runs in the session state that made it, and this is another runspace.
                ${function:Test-CaughtUp} = [scriptblock]::Create($TestCaughtUp)
                while (-not $Shared.Start) { [System.Threading.Thread]::Sleep(1) }
                while (-not $Shared.Stop) {
                    if (Test-CaughtUp $Primary $Secondary) {
                        $Shared.CaughtUpAt = [System.Diagnostics.Stopwatch]::GetTimestamp()
                        $Shared.CaughtUpUtc = [DateTimeOffset]::UtcNow
                        break
                    }
                }
            }
            catch { $Shared.Error = $_.ToString() }
        }).AddArgument($ModuleManifest).AddArgument($Primary).AddArgument($Secondary).AddArgument($shared).AddArgument(${function:Test-CaughtUp}.ToString())
    $handle = $watch.BeginInvoke()
    Start-Sleep -Milliseconds 300   # the watcher imports the module
    [pscustomobject]@{ Shared = $shared; PowerShell = $watch; Handle = $handle }
}

function Stop-CaughtUpWatch($Watch) {
    <# Waits for the watch to see the secondary caught up (30 s at most), then throws if it never did or failed. #>
    if (-not $Watch.Handle.AsyncWaitHandle.WaitOne(30000)) { $Watch.Shared.Stop = $true }
    $Watch.PowerShell.EndInvoke($Watch.Handle)
    $Watch.PowerShell.Dispose()
    if ($Watch.Shared.Error) { throw "The status watcher failed: $($Watch.Shared.Error)" }
    if ($Watch.Shared.CaughtUpAt -eq 0) { throw 'The status watcher never saw the secondary caught up.' }
}
