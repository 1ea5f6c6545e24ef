namespace VaultDr.HelpBuilder;

/// <summary>One cmdlet's help, as read from a PlatyPS 0.14 markdown file.</summary>
internal sealed class CommandHelp
{
    public string Name { get; set; } = string.Empty;

    /// <summary>The front matter's keys, e.g. "external help file" and "Module Name".</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Synopsis { get; } = new();

    public List<string> Description { get; } = new();

    public List<SyntaxHelp> Syntax { get; } = new();

    public List<ParameterHelp> Parameters { get; } = new();

    public List<TypeHelp> Inputs { get; } = new();

    public List<TypeHelp> Outputs { get; } = new();

    public List<string> Notes { get; } = new();

    public List<ExampleHelp> Examples { get; } = new();

    public List<LinkHelp> Links { get; } = new();

    public string Verb => Name.Split('-', 2)[0];

    public string Noun => Name.Contains('-', StringComparison.Ordinal) ? Name.Split('-', 2)[1] : string.Empty;
}

/// <summary>One parameter set's syntax line; <see cref="SetName"/> is __AllParameterSets for a cmdlet with one set.</summary>
internal sealed record SyntaxHelp(string SetName, bool IsDefault, string Text)
{
    private static readonly char[] TokenSeparators = [' ', '[', ']', '\n', '\r'];

    /// <summary>The parameter names in the order the syntax line shows them.</summary>
    public IReadOnlyList<string> ParameterNames =>
        Text.Split(TokenSeparators, StringSplitOptions.RemoveEmptyEntries)
            .Where(token => token.Length > 1 && token[0] == '-' && char.IsLetter(token[1]))
            .Select(token => token[1..])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
}

/// <summary>
/// One yaml block of a parameter. PlatyPS writes one block per distinct metadata, so a parameter that
/// is mandatory in one set and optional in another has two (same name, same description).
/// </summary>
internal sealed class ParameterHelp
{
    public string Name { get; set; } = string.Empty;

    public List<string> Description { get; } = new();

    public string Type { get; set; } = "Object";

    /// <summary>Set names, or "(All)".</summary>
    public List<string> ParameterSets { get; } = new();

    public List<string> Aliases { get; } = new();

    public List<string> AcceptedValues { get; } = new();

    public bool Required { get; set; }

    /// <summary>"Named" or a number.</summary>
    public string Position { get; set; } = "Named";

    public string? DefaultValue { get; set; }

    /// <summary>As PlatyPS writes it: False, True (ByValue), True (ByPropertyName), True (ByPropertyName, ByValue).</summary>
    public string PipelineInput { get; set; } = "False";

    public bool Globbing { get; set; }

    public bool InSet(string setName) =>
        ParameterSets.Count == 0 || ParameterSets.Contains("(All)", StringComparer.OrdinalIgnoreCase) || ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase);
}

internal sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

internal sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

internal sealed record LinkHelp(string Text, string Uri);
