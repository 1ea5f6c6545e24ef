using VaultDr.HelpBuilder;

// VaultDr.HelpBuilder <docs folder> <output folder>
// Cmdlet pages (front matter with "external help file") become that MAML file; about_*.md become
// about_*.help.txt. The module page (front matter with "Module Guid") is for people, not Get-Help.
if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: VaultDr.HelpBuilder <docs folder> <output folder, e.g. out/VaultDr/en-US>");
    return 2;
}

try
{
    var written = HelpBuild.Run(args[0], args[1]);
    foreach (var file in written)
    {
        Console.WriteLine(file);
    }

    return 0;
}
catch (Exception e) when (e is FormatException or IOException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
