using System.Xml.Linq;
using Xunit;

namespace VaultDr.HelpBuilder.Tests;

public class HelpBuilderTests
{
    private const string Page = """
        ---
        external help file: VaultDr.dll-Help.xml
        Module Name: VaultDr
        online version:
        schema: 2.0.0
        ---

        # Get-Thing

        ## SYNOPSIS
        Reads a *thing*
        from `Vault`.

        ## SYNTAX

        ### Address (Default)
        ```
        Get-Thing [-Id] <String> [-Address <String>] [-WhatIf] [<CommonParameters>]
        ```

        ### Connection
        ```
        Get-Thing [-Id] <String> -Connection <VaultDrConnection[]> [-WhatIf] [<CommonParameters>]
        ```

        ## DESCRIPTION
        First paragraph.

        - a list item

        ## EXAMPLES

        ### Example 1: Read it
        ```powershell
        Get-Thing -Id a |
            Format-List
        ```

        Shows the thing & more.

        ## PARAMETERS

        ### -Address
        The address.

        ```yaml
        Type: String
        Parameter Sets: Address
        Aliases:

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Connection
        The connection.

        ```yaml
        Type: VaultDrConnection[]
        Parameter Sets: Connection
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName, ByValue)
        Accept wildcard characters: False
        ```

        ### -Id
        The id.

        ```yaml
        Type: String
        Parameter Sets: (All)
        Aliases: Name
        Accepted values: a, b

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -WhatIf
        Shows what would happen if the cmdlet runs.
        The cmdlet is not run.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: wi

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### VaultDr.VaultDrConnection[]
        Connections bind to -Connection.

        ## OUTPUTS

        ### VaultDr.DrStatus
        One per connection.

        ## NOTES
        A note.

        ## RELATED LINKS

        [Get-Other](Get-Other.md)

        [about_VaultDr](about_VaultDr.md)
        """;

    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static XElement Maml1() => XDocument.Parse(MamlWriter.Write(new[] { CommandHelpReader.Read(Page) })).Root!.Element(Command + "command")!;

    [Fact]
    public void Reads_the_name_front_matter_and_synopsis_as_plain_text()
    {
        var help = CommandHelpReader.Read(Page);
        Assert.Equal("Get-Thing", help.Name);
        Assert.Equal("VaultDr.dll-Help.xml", help.Metadata["external help file"]);
        Assert.Equal(new[] { "Reads a thing from Vault." }, help.Synopsis);
        Assert.Equal(new[] { "First paragraph.", "- a list item" }, help.Description);
        Assert.Equal(new[] { "A note." }, help.Notes);
    }

    [Fact]
    public void Reads_each_parameter_with_its_yaml_and_description()
    {
        var help = CommandHelpReader.Read(Page);
        Assert.Equal(new[] { "Address", "Connection", "Id", "WhatIf" }, help.Parameters.Select(p => p.Name));
        var id = help.Parameters.Single(p => p.Name == "Id");
        Assert.Equal("String", id.Type);
        Assert.True(id.Required);
        Assert.Equal("0", id.Position);
        Assert.Equal(new[] { "Name" }, id.Aliases);
        Assert.Equal(new[] { "a", "b" }, id.AcceptedValues);
        Assert.Equal(new[] { "The id." }, id.Description);
        var connection = help.Parameters.Single(p => p.Name == "Connection");
        Assert.Equal("True (ByPropertyName, ByValue)", connection.PipelineInput);
        Assert.Equal(new[] { "Connection" }, connection.ParameterSets);
        Assert.Equal(new[] { "Shows what would happen if the cmdlet runs. The cmdlet is not run." }, help.Parameters.Single(p => p.Name == "WhatIf").Description);
    }

    [Fact]
    public void Reads_syntax_sets_examples_types_and_links()
    {
        var help = CommandHelpReader.Read(Page);
        Assert.Equal(new[] { ("Address", true), ("Connection", false) }, help.Syntax.Select(s => (s.SetName, s.IsDefault)));
        Assert.Equal(new[] { "Id", "Connection", "WhatIf" }, help.Syntax[1].ParameterNames);
        var example = Assert.Single(help.Examples);
        Assert.Equal("Example 1: Read it", example.Title);
        Assert.Equal("Get-Thing -Id a |\n    Format-List", example.Code);
        Assert.Equal(new[] { "Shows the thing & more." }, example.Remarks);
        Assert.Equal("VaultDr.VaultDrConnection[]", Assert.Single(help.Inputs).TypeName);
        Assert.Equal(new[] { "One per connection." }, Assert.Single(help.Outputs).Description);
        Assert.Equal(new[] { new LinkHelp("Get-Other", "Get-Other.md"), new LinkHelp("about_VaultDr", "about_VaultDr.md") }, help.Links);
    }

    [Fact]
    public void Refuses_a_yaml_key_PlatyPS_does_not_know()
    {
        var page = Page.Replace("Accept wildcard characters: False\n```\n\n### -Connection", "Secret: yes\n```\n\n### -Connection", StringComparison.Ordinal);
        var error = Assert.Throws<FormatException>(() => CommandHelpReader.Read(page));
        Assert.Contains("'Secret' is not a PlatyPS parameter key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_MAML_details_syntax_per_set_and_parameters_once()
    {
        var command = Maml1();
        var details = command.Element(Command + "details")!;
        Assert.Equal("Get-Thing", details.Element(Command + "name")!.Value);
        Assert.Equal("Get", details.Element(Command + "verb")!.Value);
        Assert.Equal("Thing", details.Element(Command + "noun")!.Value);
        Assert.Equal("Reads a thing from Vault.", details.Element(Maml + "description")!.Element(Maml + "para")!.Value);

        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(new[] { "Id", "Address", "WhatIf" }, items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal(new[] { "Id", "Connection", "WhatIf" }, items[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        // A switch has no value in syntax; accepted values become a parameterValueGroup there.
        Assert.Null(items[0].Elements(Command + "parameter").Last().Element(Command + "parameterValue"));
        Assert.Equal(new[] { "a", "b" }, items[0].Elements(Command + "parameter").First().Element(Command + "parameterValueGroup")!.Elements().Select(e => e.Value));

        var parameters = command.Element(Command + "parameters")!.Elements(Command + "parameter").ToList();
        Assert.Equal(4, parameters.Count);
        var connection = parameters.Single(p => p.Element(Maml + "name")!.Value == "Connection");
        Assert.Equal("true", connection.Attribute("required")!.Value);
        Assert.Equal("true", connection.Attribute("variableLength")!.Value);
        Assert.Equal("True (ByPropertyName, ByValue)", connection.Attribute("pipelineInput")!.Value);
        Assert.Equal("named", connection.Attribute("position")!.Value);
        Assert.Equal("The connection.", connection.Element(Maml + "description")!.Element(Maml + "para")!.Value);
        Assert.Equal("VaultDrConnection[]", connection.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Name", parameters.Single(p => p.Element(Maml + "name")!.Value == "Id").Attribute("aliases")!.Value);
    }

    [Fact]
    public void Writes_examples_types_notes_and_links_with_xml_escaping()
    {
        var command = Maml1();
        var example = command.Element(Command + "examples")!.Element(Command + "example")!;
        Assert.Equal("Example 1: Read it", example.Element(Maml + "title")!.Value);
        Assert.Equal("Get-Thing -Id a |\n    Format-List", example.Element(Dev + "code")!.Value);
        Assert.Equal("Shows the thing & more.", example.Element(Dev + "remarks")!.Element(Maml + "para")!.Value);
        Assert.Equal("VaultDr.DrStatus", command.Element(Command + "returnValues")!.Descendants(Maml + "name").Single().Value);
        Assert.Equal("VaultDr.VaultDrConnection[]", command.Element(Command + "inputTypes")!.Descendants(Maml + "name").Single().Value);
        Assert.Equal("A note.", command.Element(Maml + "alertSet")!.Descendants(Maml + "para").Single().Value);
        Assert.Equal(new[] { "Get-Other", "about_VaultDr" }, command.Element(Command + "relatedLinks")!.Descendants(Maml + "linkText").Select(e => e.Value));
    }

    [Fact]
    public void Renders_an_about_topic_as_PlatyPS_does()
    {
        var about = """
            # about_Thing

            ## about_Thing

            # SHORT DESCRIPTION

            Short text.

            # LONG DESCRIPTION

            ## Subtopic

            This paragraph is long enough that it must be wrapped at eighty columns, with every line indented by four spaces.

            ```powershell
            Get-Thing -Id a
            ```
            """;
        var text = AboutTopicWriter.Write(about);
        var expected = string.Join("\n",
            "TOPIC",
            "    about_thing",
            "",
            "SHORT DESCRIPTION",
            "    Short text.",
            "",
            "LONG DESCRIPTION",
            "Subtopic",
            "    This paragraph is long enough that it must be wrapped at eighty columns,",
            "    with every line indented by four spaces.",
            "",
            "    Get-Thing -Id a",
            "");
        Assert.Equal(expected, text);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void Run_writes_the_maml_file_named_in_front_matter_and_the_about_text()
    {
        var docs = Directory.CreateTempSubdirectory("helpbuilder-docs").FullName;
        var output = Path.Combine(Directory.CreateTempSubdirectory("helpbuilder-out").FullName, "en-US");
        try
        {
            File.WriteAllText(Path.Combine(docs, "Get-Thing.md"), Page);
            File.WriteAllText(Path.Combine(docs, "about_Thing.md"), "# about_Thing\n\n## about_Thing\n\n# SHORT DESCRIPTION\n\nShort.\n");
            File.WriteAllText(Path.Combine(docs, "Thing.md"), "---\nModule Name: Thing\nModule Guid: 00000000-0000-0000-0000-000000000000\n---\n\n# Thing Module\n");
            var written = HelpBuild.Run(docs, output).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(new[] { "VaultDr.dll-Help.xml", "about_Thing.help.txt" }, written);
            Assert.Single(XDocument.Load(Path.Combine(output, "VaultDr.dll-Help.xml")).Root!.Elements(Command + "command"));
        }
        finally
        {
            Directory.Delete(docs, true);
        }
    }

    [Fact]
    public void Run_refuses_a_page_whose_heading_does_not_match_its_file_name()
    {
        var docs = Directory.CreateTempSubdirectory("helpbuilder-docs").FullName;
        try
        {
            File.WriteAllText(Path.Combine(docs, "Get-Other.md"), Page);
            var error = Assert.Throws<FormatException>(() => HelpBuild.Run(docs, Path.Combine(docs, "out")));
            Assert.Contains("named 'Get-Thing', not 'Get-Other'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(docs, true);
        }
    }
}
