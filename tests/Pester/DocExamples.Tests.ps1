# The example runner: every example of the help runs as a reader would paste it, in order, into a fresh session.
#
# For each exported cmdlet's page (and about_VaultDr.md, whose powershell blocks sit in its prose), the page's
# examples run one after another in a runspace of their own (DocsCommon.ps1, New-DocExampleSession): nothing is
# defined there beforehand, so state carries over from one example to the next on the same page only. An example
# that needs clusters starts a lab itself, normally the page's first. The runspace cannot prompt, like a pipeline
# agent, so a High-impact call without -Confirm:$false fails. An example that writes an error or throws fails its
# test, with everything it wrote in the message. Afterwards every lab the page started is stopped in its runspace.
#
# A static check runs first on each page: an example may only use variables that it or an earlier example on the
# page assigns (Find-UnassignedVariable), so a page cannot lean on a variable some test harness defined.
# Nothing turns these tests off: the lab ships in <module folder>/lab, and an example that cannot run fails.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $manifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
    $module = Import-Module $manifest -Force -PassThru
    $exported = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object Name)
    $script:Pages = @(
        foreach ($name in $exported | Sort-Object) {
            $path = Join-Path $DocsFolder "$name.md"
            $examples = if (Test-Path $path) { @((Read-DocPage $path).Examples | ForEach-Object { @{ Title = $_.Title; Code = $_.Code } }) } else { @() }
            @{ Name = "$name.md"; Examples = $examples }
        }
        $about = @(Read-AboutExample (Join-Path $DocsFolder 'about_VaultDr.md') | ForEach-Object { @{ Title = $_.Title; Code = $_.Code } })
        if ($about) { @{ Name = 'about_VaultDr.md'; Examples = $about } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'DocsCommon.ps1')
    $script:ModuleManifest = if ($env:VAULTDR_MODULE_MANIFEST) { $env:VAULTDR_MODULE_MANIFEST } else { Join-Path $PSScriptRoot '../../out/VaultDr/VaultDr.psd1' }
}

Describe 'docs/<Name>: the examples run as pasted, in order, in a fresh session' -ForEach $script:Pages {
    BeforeAll {
        $session = New-DocExampleSession $ModuleManifest
    }

    AfterAll {
        if ($session) { Close-DocExampleSession $session }
    }

    It 'assigns every variable an example uses, in that example or an earlier one on the page' {
        $missing = @(Find-UnassignedVariable ($Examples | ForEach-Object { [pscustomobject]$_ }))
        $list = @($missing | ForEach-Object { "'$($_.Example)' uses `$$($_.Variable) (line $($_.Line))" })
        $list | Should -BeNullOrEmpty -Because "a reader's fresh session defines nothing"
    }

    It '<Title>' -ForEach $Examples {
        $result = Invoke-DocExample $session $Code
        $result.Errors | Should -BeNullOrEmpty -Because "the example must run without an error. It wrote:`n$($result.Transcript)`n"
    }
}

Describe 'The example runner' {
    # The runner and the static check run on small pages written here, where the right answer is known.
    It 'defines nothing before the first example, and carries state from one example to the next of the same page only' {
        $first = New-DocExampleSession $ModuleManifest
        try {
            (Invoke-DocExample $first '[bool](Get-Variable primary, secondary, LabClusters -ErrorAction Ignore)').Transcript | Should -Be 'False'
            (Invoke-DocExample $first '$answer = 42').Failed | Should -BeFalse
            (Invoke-DocExample $first '"answer: $answer"').Transcript | Should -Be 'answer: 42'
            $second = New-DocExampleSession $ModuleManifest
            try { (Invoke-DocExample $second '[bool](Get-Variable answer -ErrorAction Ignore)').Transcript | Should -Be 'False' }
            finally { Close-DocExampleSession $second }
        }
        finally { Close-DocExampleSession $first }
    }

    It 'fails an example that writes an error, with what it wrote before and after, and one that throws' {
        $session = New-DocExampleSession $ModuleManifest
        try {
            $written = Invoke-DocExample $session "'before'; Write-Error 'the example went wrong'; 'after'"
            $written.Failed | Should -BeTrue
            $written.Transcript | Should -Match '(?s)before.*after.*ERROR: .*the example went wrong'
            $thrown = Invoke-DocExample $session "'before'; throw 'the example gave up'; 'after'"
            $thrown.Failed | Should -BeTrue
            $thrown.Transcript | Should -Match '(?s)before.*ERROR: thrown: .*the example gave up'
            $thrown.Transcript | Should -Not -Match 'after'
        }
        finally { Close-DocExampleSession $session }
    }

    It 'cannot prompt: a High-impact call without -Confirm:$false fails and sends nothing' {
        $session = New-DocExampleSession $ModuleManifest
        try {
            $result = Invoke-DocExample $session @'
$cluster = Start-VaultDrLab -ClusterCount 1
Enable-VaultDrPrimary -Connection $cluster.Connection -WarningAction SilentlyContinue
Clear-VaultDrLabRequest -Lab $cluster.Lab
Invoke-VaultDrDemote -Connection $cluster.Connection
'@
            $result.Failed | Should -BeTrue
            $result.Errors -join "`n" | Should -Match 'VaultDrConfirmationRequired'
            (Invoke-DocExample $session '@(Get-VaultDrLabRequest -Lab $cluster.Lab | Where-Object Path -like "*demote*").Count').Transcript | Should -Be '0'
        }
        finally { Close-DocExampleSession $session }
    }

    It 'stops the labs a page started, and undoes its $env: changes, when the page is done' {
        $session = New-DocExampleSession $ModuleManifest
        $lab = $null
        try {
            $result = Invoke-DocExample $session '$cluster = Start-VaultDrLab -ClusterCount 1; $env:VAULTDR_DOCS_RUNNER_PROBE = "set by an example"; $cluster.Lab.ProcessId'
            $result.Failed | Should -BeFalse -Because $result.Transcript
            $lab = Get-Process -Id ([int]$result.Transcript)
            $env:VAULTDR_DOCS_RUNNER_PROBE | Should -Be 'set by an example'
        }
        finally { Close-DocExampleSession $session }
        $lab.HasExited | Should -BeTrue
        $env:VAULTDR_DOCS_RUNNER_PROBE | Should -BeNullOrEmpty
    }

    It 'the static check names each variable a page uses before any example assigns it' {
        $page = @(
            [pscustomobject]@{ Title = 'Example 1'; Code = '$primary, $secondary = Start-VaultDrLab' }
            [pscustomobject]@{ Title = 'Example 2'; Code = "foreach (`$cluster in `$primary, `$secondary) { `$cluster.Name }`nGet-VaultDrStatus -Connection `$dr.Connection" }
            [pscustomobject]@{ Title = 'Example 3'; Code = "Get-VaultDrStatus -Connection `$primary.Connection -ErrorVariable failed -OutVariable +status`n`$failed.Count + `$status.Count + `$later" }
            [pscustomobject]@{ Title = 'Example 4'; Code = @'
$later = 1
[int]$typed, $plain = 2, 3
& { param($parameter) $parameter + $args.Count } 4
[int]::TryParse('5', [ref]$parsed) | Out-Null
$primary, $secondary | ForEach-Object { $_.Name; $PSItem.Name }
if ('a' -match 'a') { $Matches[0] }
$env:HOME, $global:later, $true, $false, $null, $PSVersionTable, $ErrorActionPreference, $PID, $IsLinux, $HOME
$typed + $plain + $parsed + $unknown.Count
'@ }
        )
        $missing = @(Find-UnassignedVariable $page)
        @($missing | ForEach-Object { "$($_.Example): `$$($_.Variable) line $($_.Line)" }) | Should -Be @(
            'Example 2: $dr line 2'
            'Example 3: $later line 2'
            'Example 4: $unknown line 8'
        )
    }
}
