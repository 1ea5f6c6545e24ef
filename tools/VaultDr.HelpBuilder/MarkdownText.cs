using System.Text;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace VaultDr.HelpBuilder;

/// <summary>The Markdig parts shared by the cmdlet and about-topic readers.</summary>
internal static class MarkdownText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

    internal static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), Pipeline);

    /// <summary>The leading --- block's "key: value" lines (PlatyPS writes flat keys only).</summary>
    internal static Dictionary<string, string> FrontMatter(MarkdownDocument document)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (document.Descendants<YamlFrontMatterBlock>().FirstOrDefault() is not { } yaml)
        {
            return result;
        }

        foreach (var line in yaml.Lines.ToString().Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.Trim() != "---")
            {
                result[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return result;
    }

    /// <summary>Plain text of a heading or paragraph: formatting dropped, soft line breaks become spaces.</summary>
    internal static string Inline(ContainerInline? inline)
    {
        var text = new StringBuilder();
        Append(inline, text);
        return text.ToString().Trim();
    }

    private static void Append(Inline? inline, StringBuilder text)
    {
        switch (inline)
        {
            case null:
                return;
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline html:
                text.Append(html.Tag);
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    Append(child, text);
                }

                break;
        }
    }

    /// <summary>The text of a fenced or indented code block, lines joined with \n.</summary>
    internal static string Code(LeafBlock block) => string.Join("\n", block.Lines.Lines.Take(block.Lines.Count).Select(line => line.ToString())).TrimEnd();

    /// <summary>
    /// Paragraph texts of a block: a paragraph is one text, a list item becomes "- text", a quote its
    /// paragraphs. Headings and code are not paragraphs and return nothing here.
    /// </summary>
    internal static IEnumerable<string> Paragraphs(Block block)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                yield return Inline(paragraph.Inline);
                break;
            case ListBlock list:
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var itemText = string.Join(" ", item.SelectMany(Paragraphs));
                    yield return (list.IsOrdered ? $"{item.Order}. " : "- ") + itemText;
                }

                break;
            case QuoteBlock quote:
                foreach (var text in quote.SelectMany(Paragraphs))
                {
                    yield return text;
                }

                break;
        }
    }

    /// <summary>The links of a paragraph, as [text](uri) pairs.</summary>
    internal static IEnumerable<LinkHelp> Links(ParagraphBlock paragraph) =>
        paragraph.Inline?.Descendants<LinkInline>().Where(link => !link.IsImage)
            .Select(link => new LinkHelp(Inline(link), link.Url ?? string.Empty)) ?? Enumerable.Empty<LinkHelp>();
}
