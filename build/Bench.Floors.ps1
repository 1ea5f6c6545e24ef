<#
.SYNOPSIS
    The modules build/Bench.ps1 (which dot-sources this file) measures Import-Module VaultDr against.
#>

function New-ImportFloorModule {
    <# Creates, under $Path, an empty module and a module of VaultDr's shape; returns the paths of their manifests. #>
    param([Parameter(Mandatory)][string] $Path)
    $emptyModule = Join-Path $Path 'Empty'
    New-Item -ItemType Directory -Force -Path $emptyModule | Out-Null
    Set-Content -Path (Join-Path $emptyModule 'Empty.psm1') -Value '' -Encoding utf8NoBOM
    New-ModuleManifest -Path (Join-Path $emptyModule 'Empty.psd1') -RootModule 'Empty.psm1' -ModuleVersion '1.0.0'

    # The floor of this module's shape: a compiled module (one cmdlet, built against the same PowerShellStandard.Library)
    # with a format file of one view. PowerShell's first load of any format file costs far more than its size.
    $shapeSource = Join-Path $Path 'shape-src'
    $shapeModule = Join-Path $Path 'Shape'
    New-Item -ItemType Directory -Force -Path $shapeSource, $shapeModule | Out-Null
    Set-Content -Path (Join-Path $shapeSource 'Shape.csproj') -Encoding utf8NoBOM -Value @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><Nullable>enable</Nullable><AnalysisLevel>none</AnalysisLevel></PropertyGroup>
  <ItemGroup><PackageReference Include="PowerShellStandard.Library" Version="5.1.1" PrivateAssets="all" /></ItemGroup>
</Project>
'@
    Set-Content -Path (Join-Path $shapeSource 'Shape.cs') -Encoding utf8NoBOM -Value @'
using System.Management.Automation;
namespace Shape;
public sealed class Thing { public int Value { get; init; } }
[Cmdlet(VerbsCommon.Get, "ShapeThing")]
[OutputType(typeof(Thing))]
public sealed class GetShapeThingCommand : PSCmdlet { protected override void ProcessRecord() => WriteObject(new Thing { Value = 1 }); }
'@
    dotnet build $shapeSource -c Release -o (Join-Path $Path 'shape-bin') --nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'Building the module-shape floor failed.' }
    Copy-Item (Join-Path $Path 'shape-bin/Shape.dll') $shapeModule
    Set-Content -Path (Join-Path $shapeModule 'Shape.format.ps1xml') -Encoding utf8NoBOM -Value @'
<?xml version="1.0" encoding="utf-8"?>
<Configuration><ViewDefinitions><View><Name>Shape.Thing</Name><ViewSelectedBy><TypeName>Shape.Thing</TypeName></ViewSelectedBy>
<TableControl><TableHeaders><TableColumnHeader><Label>Value</Label></TableColumnHeader></TableHeaders>
<TableRowEntries><TableRowEntry><TableColumnItems><TableColumnItem><PropertyName>Value</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries>
</TableControl></View></ViewDefinitions></Configuration>
'@
    New-ModuleManifest -Path (Join-Path $shapeModule 'Shape.psd1') -RootModule 'Shape.dll' -ModuleVersion '1.0.0' -CmdletsToExport 'Get-ShapeThing' -FormatsToProcess 'Shape.format.ps1xml'
    [pscustomobject]@{ Empty = (Join-Path $emptyModule 'Empty.psd1'); Shape = (Join-Path $shapeModule 'Shape.psd1') }
}
