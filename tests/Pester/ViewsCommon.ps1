# Helpers of Views.Tests.ps1: render objects at 80 columns and read tables and lists back. Dot-source in its BeforeAll
# (after Common.ps1): the views rendered are collected in $script:Rendered, which the file's last test reads.
# Which views the tests rendered: the last Describe checks that no view of the format file went untested.
$script:Rendered = [System.Collections.Generic.HashSet[string]]::new()

function Show-View {
    <# The text of the objects at 80 columns: their default view, or their list view with -List. #>
    param([Parameter(Mandatory)][object[]] $InputObject, [switch] $List)
    $kind = if ($List) { 'List' } else { 'Default' }
    foreach ($item in $InputObject) { $null = $script:Rendered.Add("$($item.GetType().FullName) $kind") }
    if ($List) { $InputObject | Format-List | Out-String -Width 80 } else { $InputObject | Out-String -Width 80 }
}

function Get-TableLines([string] $Text) {
    <# The header line, the dash line below it, and the rows after them. #>
    $lines = $Text -split '\r?\n'
    $dash = [Array]::FindIndex($lines, [Predicate[string]] { param($line) $line -match '^ *-+( +-+)* *$' })
    if ($dash -lt 1) { throw "No table header in:`n$Text" }
    [pscustomobject]@{ Above = $lines[0..($dash - 1)]; Header = $lines[$dash - 1]; Dashes = $lines[$dash]; Rows = @($lines | Select-Object -Skip ($dash + 1) | Where-Object { $_.Trim() }) }
}

function Assert-View {
    <#
        What every view must do at 80 columns. -Header: the table's column labels, in order; each must stand
        whole on the header line, with dashes as long as itself (a column narrower than its label wraps or
        cuts the label, and a table too wide for the line drops its last columns). -Label: the labels a list
        must show.
    #>
    param([Parameter(Mandatory)][string] $Text, [string[]] $Header, [string[]] $Label)
    $long = @($Text -split '\r?\n' | Where-Object Length -gt 80)
    $long | Should -BeNullOrEmpty -Because "no line may be longer than 80 characters:`n$Text"
    $Text | Should -Not -Match 'SecureString' -Because "a secret shows as <hidden> at most:`n$Text"
    if ($Header) {
        $table = Get-TableLines $Text
        $table.Header.Trim() -split ' +' | Should -Be $Header -Because "every column shows, with its header whole:`n$Text"
        ($table.Dashes.Trim() -split ' +').ForEach('Length') | Should -Be $Header.ForEach('Length') -Because "no column is narrower than its header:`n$Text"
        @($table.Above | Select-Object -SkipLast 1 | Where-Object { $_.Trim() }) | Should -BeNullOrEmpty -Because "the header is one line:`n$Text"
    }
    foreach ($name in $Label) {
        $Text | Should -Match "(?m)^$([regex]::Escape($name)) *: " -Because "the list shows $name`:`n$Text"
    }
}

function Get-ColumnText {
    <#
        The text of one left-aligned column, one string per row, a wrapped cell's lines joined by spaces. The
        column runs from its label to the label -Next (also left-aligned), or to the end of the line. A row
        starts on a line with text under the first label.
    #>
    param([Parameter(Mandatory)][string] $Text, [Parameter(Mandatory)][string] $Label, [string] $Next)
    $table = Get-TableLines $Text
    $from = [regex]::Match($table.Header, "(?<=^| )$Label(?= |$)").Index
    $to = if ($Next) { [regex]::Match($table.Header, "(?<= )$Next(?= |$)").Index } else { [int]::MaxValue }
    $firstWidth = $table.Dashes.TrimEnd().IndexOf(' ')
    $rows = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $table.Rows) {
        $cell = if ($line.Length -gt $from) { $line.Substring($from, [Math]::Min($line.Length, $to) - $from).Trim() } else { '' }
        if ($line.Substring(0, [Math]::Min($line.Length, $firstWidth)).Trim() -or $rows.Count -eq 0) { $rows.Add($cell) }
        elseif ($cell) { $rows[$rows.Count - 1] = ("$($rows[$rows.Count - 1]) $cell").Trim() }
    }
    $rows.ToArray()
}

function Assert-StepTable {
    <# $report.Steps at 80 columns: every header whole, each step's Name, Status and Detail in full. Returns the text. #>
    param([Parameter(Mandatory)][object[]] $Step)
    $text = Show-View $Step
    Assert-View $text -Header Number, Name, Target, Status, Duration, Detail
    Get-ColumnText $text -Label Name -Next Target | Should -Be $Step.Name
    Get-ColumnText $text -Label Status -Next Duration | Should -Be ([string[]] $Step.Status)
    # A word longer than the Detail column (an address) is cut hard, so compare without the white space.
    Get-ColumnText $text -Label Detail | ForEach-Object { $_ -replace '\s' } | Should -Be ([string[]] $Step.Detail -replace '\s')
    $text
}

function Get-ListValue {
    <# The value of a list item, its wrapped lines joined by spaces. #>
    param([Parameter(Mandatory)][string] $Text, [Parameter(Mandatory)][string] $Label)
    $lines = $Text -split '\r?\n'
    $start = [Array]::FindIndex($lines, [Predicate[string]] { param($line) $line -match "^$([regex]::Escape($Label)) *: " })
    if ($start -lt 0) { throw "No item $Label in:`n$Text" }
    $indent = $lines[$start].IndexOf(': ') + 2
    $parts = @($lines[$start].Substring([Math]::Min($indent, $lines[$start].Length)))
    for ($i = $start + 1; $i -lt $lines.Count -and $lines[$i] -match "^ {$indent}\S"; $i++) { $parts += $lines[$i].Substring($indent) }
    ($parts -join ' ').Trim()
}

function Get-Collapsed([string] $Text) { ($Text -replace '\s+', ' ').Trim() }

$now = [DateTimeOffset]::UtcNow
function New-Peer([string] $Id, [string] $Status, [double] $SecondsAgo) {
    [VaultDr.DrPeer]@{
        NodeId = $Id; ApiAddress = "https://$Id.example.com:8200"; ClusterAddress = "https://$Id.example.com:8201"
        ConnectionStatus = $Status; LastHeartbeat = [DateTimeOffset]::UtcNow.AddSeconds(-$SecondsAgo)
    }
}

# Format files whose views a test file of their own renders (Views.<Subject>.Tests.ps1), not Views.Tests.ps1.
$script:ViewFilesTestedApart = @('VaultDr.Readiness.format.ps1xml')

function Get-UnrenderedView([Parameter(Mandatory)][string] $Manifest, [string[]] $File) {
    <#
        The views of the module's format files no test rendered: "<type> Default", or "<type> List" for a type's second
        view. -File: only those format files; without it, every file but the ones tested apart.
    #>
    $all = (Import-PowerShellDataFile $Manifest).FormatsToProcess
    $all | Should -Contain $script:ViewFilesTestedApart[0]
    $files = if ($File) { $File | Should -BeIn $all; $File } else { $all | Where-Object { $_ -notin $script:ViewFilesTestedApart } }
    $views = foreach ($name in $files) { ([xml](Get-Content -Raw (Join-Path (Split-Path $Manifest) $name))).Configuration.ViewDefinitions.View }
    $seen = @{}
    $expected = foreach ($view in $views) {
        $type = $view.ViewSelectedBy.TypeName
        if ($seen.ContainsKey($type)) { "$type List" } else { "$type Default" }
        $seen[$type] = $true
    }
    $expected.Count | Should -BeGreaterOrEqual $(if ($File) { $views.Count } else { 19 })
    @($expected | Where-Object { -not $script:Rendered.Contains($_) })
}
