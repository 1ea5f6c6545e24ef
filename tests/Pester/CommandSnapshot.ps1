<#
.SYNOPSIS
    The public command surface of VaultDr as text: for every command, its attributes (ConfirmImpact,
    SupportsShouldProcess, default parameter set), its OutputTypes, its Get-Command -Syntax, and every
    parameter's type, mandatory flag, position, pipeline binding and aliases per parameter set; then the public
    properties of every type the commands return or take, as scripts read them.
    Snapshot.Tests.ps1 compares it with Snapshots/VaultDr.Commands.txt; build.ps1 -Task Snapshot rewrites
    that file after a deliberate change to the surface.
#>

function Get-VaultDrCommandSurface {
    [OutputType([string])]
    param([Parameter(Mandatory)][string] $ModuleName)

    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($command in Get-Command -Module $ModuleName | Sort-Object Name) {
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1
        $lines.Add("## $($command.Name)")
        $lines.Add("ConfirmImpact: $($attribute.ConfirmImpact); SupportsShouldProcess: $($attribute.SupportsShouldProcess); DefaultParameterSet: $($command.DefaultParameterSet)")
        $lines.Add("OutputType: $((@($command.OutputType.Name) | Sort-Object) -join ', ')")
        foreach ($syntax in ((Get-Command $command.Name -Syntax) -split "`r?`n" | Where-Object { $_.Trim() })) {
            $lines.Add("Syntax: $($syntax.Trim())")
        }
        foreach ($set in $command.ParameterSets | Sort-Object Name) {
            foreach ($parameter in $set.Parameters | Where-Object Name -notin $common | Sort-Object Name) {
                $binding = @(
                    if ($parameter.ValueFromPipeline) { 'ByValue' }
                    if ($parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
                ) -join '+'
                $position = if ($parameter.Position -ge 0) { $parameter.Position } else { 'named' }
                $aliases = if ($parameter.Aliases.Count) { " aliases=$(($parameter.Aliases | Sort-Object) -join ',')" } else { '' }
                $lines.Add("  [$($set.Name)] -$($parameter.Name) <$($parameter.ParameterType.FullName)> mandatory=$($parameter.IsMandatory) position=$position pipeline=$(if ($binding) { $binding } else { 'none' })$aliases")
            }
        }
        $lines.Add('')
    }

    $assembly = (Get-Command -Module $ModuleName | Select-Object -First 1).ImplementingType.Assembly
    $models = $assembly.GetExportedTypes() | Where-Object {
        $_.Namespace -eq $ModuleName -and -not $_.IsSubclassOf([System.Exception]) -and -not $_.IsAbstract
    } | Sort-Object FullName
    foreach ($type in $models) {
        $lines.Add("## type $($type.FullName)")
        if ($type.IsEnum) {
            $lines.Add("  values: $([Enum]::GetNames($type) -join ', ')")
        }
        foreach ($property in $type.GetProperties() | Sort-Object Name) {
            $lines.Add("  $($property.Name) <$($property.PropertyType.ToString())>$(if ($property.CanWrite -and $property.SetMethod.IsPublic) { ' settable' })")
        }
        # Members the module's types.ps1xml adds, which PowerShell shows like properties.
        foreach ($member in (Get-TypeData -TypeName $type.FullName).Members.Values | Sort-Object Name) {
            $lines.Add("  $($member.Name) <extended $($member.GetType().Name)>")
        }
        $lines.Add('')
    }
    $lines -join "`n"
}
