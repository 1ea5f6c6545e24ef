<#
    Invoke-VaultDrFailover in a real terminal (a tmux pty): its progress bar must be gone once the failover
    ends, whether it completed, failed, or was stopped with Ctrl+C. The progress stream alone cannot show this:
    an unclosed bar is redrawn by the console host over whatever the script prints next.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Driver = Join-Path $PSScriptRoot 'TerminalFailover.ps1'
    $script:Manifest = (Resolve-Path $ModuleManifest).Path
    $script:Socket = "vaultdr-tests-$PID"
    if (-not (Get-Command tmux -ErrorAction Ignore)) { throw 'These tests need tmux (a real pty): install it (apt-get install tmux).' }

    function Read-Screen([string] $Session) {
        (tmux -L $Socket capture-pane -p -t $Session) -join "`n"
    }

    function Wait-Screen([string] $Session, [string] $Pattern, [int] $TimeoutSec = 60) {
        <# Returns the screen once it matches; throws with what it showed after the timeout. #>
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ($true) {
            $screen = Read-Screen $Session
            if ($screen -match $Pattern) { return $screen }
            if ([DateTime]::UtcNow -gt $deadline) { throw "The terminal never showed '$Pattern' in $TimeoutSec s. It showed:`n$screen" }
            Start-Sleep -Milliseconds 100
        }
    }

    function Invoke-TerminalFailover([ValidateSet('Complete', 'Fail', 'Interrupt')][string] $Outcome) {
        <#
            Runs TerminalFailover.ps1 in a 100x30 tmux pty, waits for the bar to be drawn (Ctrl+C then, for
            Interrupt), and returns the screen while the script still holds the terminal after the failover.
        #>
        $session = "failover-$Outcome"
        # A colour terminal as a user has one; NO_COLOR or a pipeline agent's variables would change the view.
        $command = "env -u NO_COLOR -u TF_BUILD TERM=xterm-256color dotnet pwsh -NoProfile -File '$Driver' -Manifest '$Manifest' -Outcome $Outcome -HoldMs 4000"
        tmux -L $Socket new-session -d -s $session -x 100 -y 30 -c $Root $command
        tmux -L $Socket set-option -t $session remain-on-exit on | Out-Null
        try {
            Wait-Screen $session 'FAILOVER-STARTS' | Out-Null
            # The bar is drawn while the failover runs (the control: this terminal shows progress at all).
            Wait-Screen $session 'DR failover .*\[Step \d+' | Out-Null
            if ($Outcome -eq 'Interrupt') { tmux -L $Socket send-keys -t $session C-c }
            $screen = Wait-Screen $session '(?m)^AFTER-FAILOVER'
            Start-Sleep -Milliseconds 1500   # the console host redraws a live bar about every 200 ms
            Read-Screen $session
        }
        finally {
            tmux -L $Socket kill-session -t $session 2>$null
        }
    }
}

AfterAll {
    tmux -L $Socket kill-server 2>$null
}

Describe 'Invoke-VaultDrFailover in a real terminal' {
    It 'leaves no progress bar on the screen after a completed failover' {
        $screen = Invoke-TerminalFailover Complete
        $screen | Should -Match '(?m)^AFTER-FAILOVER\s*$' -Because "the line after the failover is not drawn over:`n$screen"
        $screen | Should -Not -Match 'DR failover' -Because "the bar was completed:`n$screen"
        $screen | Should -Not -Match 'FAILOVER-FAILED'
    }

    It 'leaves no progress bar on the screen after a failed failover' {
        $screen = Invoke-TerminalFailover Fail
        $screen | Should -Match '(?m)^FAILOVER-FAILED\s*$' -Because "the failover failed (promote answered 500), and the bar did not cover that line:`n$screen"
        $screen | Should -Match '(?m)^AFTER-FAILOVER\s*$'
        $screen | Should -Not -Match 'DR failover' -Because "the bar was completed on failure too:`n$screen"
    }

    It 'leaves no progress bar on the screen after Ctrl+C' {
        $screen = Invoke-TerminalFailover Interrupt
        $screen | Should -Match '(?m)^AFTER-FAILOVER\s*$' -Because "the script's finally block ran after Ctrl+C:`n$screen"
        $screen | Should -Not -Match 'DR failover' -Because "the bar was completed on Ctrl+C too:`n$screen"
    }
}
