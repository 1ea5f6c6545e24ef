using Markdig.Syntax;

namespace VaultDr.HelpBuilder;

/// <summary>
/// Reads one cmdlet page in PlatyPS 0.14's schema: front matter, "# Name", then the H2 sections
/// SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS.
/// </summary>
internal static class CommandHelpReader
{
    internal static CommandHelp Read(string markdown)
    {
        var document = MarkdownText.Parse(markdown);
        var help = new CommandHelp();
        foreach (var (key, value) in MarkdownText.FrontMatter(document))
        {
            help.Metadata[key] = value;
        }

        string? section = null;
        string? subsection = null;
        var pendingTitle = (string?)null;
        var pendingCode = new List<string>();
        var pendingText = new List<string>();
        ParameterHelp? parameter = null;
        var parameterHasYaml = false;

        void FlushSubsection()
        {
            if (pendingTitle is null)
            {
                return;
            }

            switch (section)
            {
                case "EXAMPLES":
                    help.Examples.Add(new ExampleHelp(pendingTitle, string.Join("\n\n", pendingCode), pendingText.ToList()));
                    break;
                case "INPUTS":
                    help.Inputs.Add(new TypeHelp(pendingTitle, pendingText.ToList()));
                    break;
                case "OUTPUTS":
                    help.Outputs.Add(new TypeHelp(pendingTitle, pendingText.ToList()));
                    break;
            }

            pendingTitle = null;
            pendingCode.Clear();
            pendingText.Clear();
        }

        foreach (var block in document)
        {
            switch (block)
            {
                case HeadingBlock { Level: 1 } heading:
                    help.Name = MarkdownText.Inline(heading.Inline);
                    break;
                case HeadingBlock { Level: 2 } heading:
                    FlushSubsection();
                    section = MarkdownText.Inline(heading.Inline).ToUpperInvariant();
                    subsection = null;
                    parameter = null;
                    break;
                case HeadingBlock { Level: 3 } heading:
                    FlushSubsection();
                    subsection = MarkdownText.Inline(heading.Inline);
                    if (section == "PARAMETERS")
                    {
                        parameter = subsection.StartsWith('-') ? new ParameterHelp { Name = subsection[1..] } : null;
                        parameterHasYaml = false;
                    }
                    else
                    {
                        pendingTitle = subsection;
                    }

                    break;
                case FencedCodeBlock code when section == "SYNTAX":
                    var setTitle = subsection ?? "__AllParameterSets";
                    var isDefault = setTitle.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
                    var setName = isDefault ? setTitle[..^"(Default)".Length].Trim() : setTitle;
                    help.Syntax.Add(new SyntaxHelp(setName, isDefault, MarkdownText.Code(code)));
                    break;
                case FencedCodeBlock code when section == "PARAMETERS" && parameter is not null:
                    // A second yaml block for the same parameter describes it in other parameter sets.
                    var target = parameterHasYaml ? CopyDescription(parameter) : parameter;
                    ReadYaml(MarkdownText.Code(code), target);
                    help.Parameters.Add(target);
                    parameterHasYaml = true;
                    break;
                case LeafBlock code when code is CodeBlock && section == "EXAMPLES":
                    pendingCode.Add(MarkdownText.Code(code));
                    break;
                case ParagraphBlock paragraph when section == "RELATED LINKS":
                    help.Links.AddRange(MarkdownText.Links(paragraph));
                    break;
                default:
                    var texts = MarkdownText.Paragraphs(block).ToList();
                    switch (section)
                    {
                        case "SYNOPSIS":
                            help.Synopsis.AddRange(texts);
                            break;
                        case "DESCRIPTION":
                            help.Description.AddRange(texts);
                            break;
                        case "NOTES":
                            help.Notes.AddRange(texts);
                            break;
                        case "PARAMETERS" when parameter is not null && !parameterHasYaml:
                            parameter.Description.AddRange(texts);
                            break;
                        case "EXAMPLES" or "INPUTS" or "OUTPUTS" when pendingTitle is not null:
                            pendingText.AddRange(texts);
                            break;
                    }

                    break;
            }
        }

        FlushSubsection();
        if (string.IsNullOrEmpty(help.Name))
        {
            throw new FormatException("The page has no '# Verb-Noun' heading.");
        }

        return help;
    }

    private static ParameterHelp CopyDescription(ParameterHelp parameter)
    {
        var copy = new ParameterHelp { Name = parameter.Name };
        copy.Description.AddRange(parameter.Description);
        return copy;
    }

    /// <summary>PlatyPS's parameter block: flat "Key: value" lines with a fixed set of keys.</summary>
    internal static void ReadYaml(string yaml, ParameterHelp parameter)
    {
        foreach (var line in yaml.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key.ToUpperInvariant())
            {
                case "TYPE":
                    parameter.Type = value;
                    break;
                case "PARAMETER SETS":
                    parameter.ParameterSets.AddRange(List(value));
                    break;
                case "ALIASES":
                    parameter.Aliases.AddRange(List(value));
                    break;
                case "ACCEPTED VALUES":
                    parameter.AcceptedValues.AddRange(List(value));
                    break;
                case "REQUIRED":
                    parameter.Required = bool.TryParse(value, out var required) && required;
                    break;
                case "POSITION":
                    parameter.Position = value.Length == 0 ? "Named" : value;
                    break;
                case "DEFAULT VALUE":
                    parameter.DefaultValue = value.Length == 0 || value == "None" ? null : value;
                    break;
                case "ACCEPT PIPELINE INPUT":
                    parameter.PipelineInput = value.Length == 0 ? "False" : value;
                    break;
                case "ACCEPT WILDCARD CHARACTERS":
                    parameter.Globbing = bool.TryParse(value, out var globbing) && globbing;
                    break;
                default:
                    throw new FormatException($"Parameter -{parameter.Name}: '{key}' is not a PlatyPS parameter key.");
            }
        }
    }

    private static string[] List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
