using System.Text;

namespace VaultDr.HelpBuilder;

internal static class HelpBuild
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Converts every page in <paramref name="docs"/>; returns the files written.</summary>
    internal static IReadOnlyList<string> Run(string docs, string output)
    {
        Directory.CreateDirectory(output);
        var written = new List<string>();
        var byHelpFile = new Dictionary<string, List<CommandHelp>>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Directory.GetFiles(docs, "*.md").OrderBy(p => p, StringComparer.Ordinal))
        {
            var markdown = File.ReadAllText(path);
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                var target = Path.Combine(output, name + ".help.txt");
                File.WriteAllText(target, AboutTopicWriter.Write(markdown), Utf8);
                written.Add(target);
                continue;
            }

            var metadata = MarkdownText.FrontMatter(MarkdownText.Parse(markdown));
            if (!metadata.TryGetValue("external help file", out var helpFile) || helpFile.Length == 0)
            {
                continue;
            }

            CommandHelp help;
            try
            {
                help = CommandHelpReader.Read(markdown);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{path}: {e.Message}", e);
            }

            if (!help.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"{path}: the page is named '{help.Name}', not '{name}'.");
            }

            if (!byHelpFile.TryGetValue(helpFile, out var list))
            {
                byHelpFile[helpFile] = list = new List<CommandHelp>();
            }

            list.Add(help);
        }

        foreach (var (helpFile, commands) in byHelpFile)
        {
            var target = Path.Combine(output, helpFile);
            File.WriteAllText(target, MamlWriter.Write(commands), Utf8);
            written.Add(target);
        }

        return written;
    }
}
