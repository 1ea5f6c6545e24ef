using System.Text;
using Markdig.Syntax;

namespace VaultDr.HelpBuilder;

/// <summary>
/// Renders an about topic as the plain text PlatyPS's New-ExternalHelp writes: the first heading
/// becomes TOPIC, the second (the lookup name) is indented in lower case, H1 headings are upper case,
/// H2 stay as written, deeper ones are indented upper case, and paragraphs and code are indented by
/// four spaces with paragraphs wrapped to 80 columns.
/// </summary>
internal static class AboutTopicWriter
{
    private const string Indent = "    ";
    private const int Width = 80;

    internal static string Write(string markdown)
    {
        var document = MarkdownText.Parse(markdown);
        var blocks = document.Where(block => block is not Markdig.Extensions.Yaml.YamlFrontMatterBlock).ToList();
        var text = new StringBuilder();
        for (var i = 0; i < blocks.Count; i++)
        {
            switch (blocks[i])
            {
                case HeadingBlock when i == 0:
                    text.Append("TOPIC\n");
                    break;
                case HeadingBlock { Level: 2 } heading when i == 1:
                    text.Append(Indent).Append(MarkdownText.Inline(heading.Inline).ToLowerInvariant()).Append("\n\n");
                    break;
                case HeadingBlock { Level: 1 } heading:
                    text.Append(MarkdownText.Inline(heading.Inline).ToUpperInvariant()).Append('\n');
                    break;
                case HeadingBlock { Level: 2 } heading:
                    text.Append(MarkdownText.Inline(heading.Inline)).Append('\n');
                    break;
                case HeadingBlock heading:
                    text.Append(Indent).Append(MarkdownText.Inline(heading.Inline).ToUpperInvariant()).Append('\n');
                    break;
                case LeafBlock code when code is CodeBlock:
                    foreach (var line in MarkdownText.Code(code).Split('\n'))
                    {
                        text.Append((Indent + line).TrimEnd()).Append('\n');
                    }

                    text.Append('\n');
                    break;
                default:
                    foreach (var paragraph in MarkdownText.Paragraphs(blocks[i]))
                    {
                        foreach (var line in paragraph.Split('\n'))
                        {
                            Wrap(line, text);
                        }

                        text.Append('\n');
                    }

                    break;
            }
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static void Wrap(string paragraph, StringBuilder text)
    {
        var line = new StringBuilder();
        foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > Width - Indent.Length)
            {
                text.Append(Indent).Append(line).Append('\n');
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            text.Append(Indent).Append(line).Append('\n');
        }
    }
}
