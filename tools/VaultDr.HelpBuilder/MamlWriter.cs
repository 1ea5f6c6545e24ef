using System.Text;
using System.Xml;

namespace VaultDr.HelpBuilder;

/// <summary>Writes cmdlet help as MAML, the shape PlatyPS's New-ExternalHelp gives it and Get-Help reads.</summary>
internal static class MamlWriter
{
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MSHelp = "http://msdn.microsoft.com/mshelp";

    internal static string Write(IEnumerable<CommandHelp> commands)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("helpItems");
            xml.WriteAttributeString("schema", "maml");
            foreach (var command in commands.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
            {
                WriteCommand(xml, command);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCommand(XmlWriter xml, CommandHelp help)
    {
        xml.WriteStartElement("command", "command", Command);
        xml.WriteAttributeString("xmlns", "maml", null, Maml);
        xml.WriteAttributeString("xmlns", "command", null, Command);
        xml.WriteAttributeString("xmlns", "dev", null, Dev);
        xml.WriteAttributeString("xmlns", "MSHelp", null, MSHelp);

        xml.WriteStartElement("command", "details", Command);
        xml.WriteElementString("command", "name", Command, help.Name);
        xml.WriteElementString("command", "verb", Command, help.Verb);
        xml.WriteElementString("command", "noun", Command, help.Noun);
        Paras(xml, "description", help.Synopsis);
        xml.WriteEndElement();

        Paras(xml, "description", help.Description);

        xml.WriteStartElement("command", "syntax", Command);
        foreach (var syntax in help.Syntax)
        {
            xml.WriteStartElement("command", "syntaxItem", Command);
            xml.WriteElementString("maml", "name", Maml, help.Name);
            foreach (var name in syntax.ParameterNames)
            {
                var parameter = help.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && p.InSet(syntax.SetName))
                    ?? help.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                if (parameter is not null)
                {
                    WriteParameter(xml, parameter, inSyntax: true);
                }
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in help.Parameters.DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            WriteParameter(xml, parameter, inSyntax: false);
        }

        xml.WriteEndElement();

        Types(xml, "inputTypes", "inputType", help.Inputs);
        Types(xml, "returnValues", "returnValue", help.Outputs);

        xml.WriteStartElement("maml", "alertSet", Maml);
        xml.WriteStartElement("maml", "alert", Maml);
        foreach (var note in help.Notes)
        {
            xml.WriteElementString("maml", "para", Maml, note);
        }

        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteStartElement("command", "examples", Command);
        foreach (var example in help.Examples)
        {
            xml.WriteStartElement("command", "example", Command);
            xml.WriteElementString("maml", "title", Maml, example.Title);
            xml.WriteElementString("dev", "code", Dev, example.Code);
            xml.WriteStartElement("dev", "remarks", Dev);
            foreach (var remark in example.Remarks)
            {
                xml.WriteElementString("maml", "para", Maml, remark);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "relatedLinks", Command);
        foreach (var link in help.Links)
        {
            xml.WriteStartElement("maml", "navigationLink", Maml);
            xml.WriteElementString("maml", "linkText", Maml, link.Text);
            xml.WriteElementString("maml", "uri", Maml, link.Uri);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter xml, ParameterHelp parameter, bool inSyntax)
    {
        var isSwitch = parameter.Type is "SwitchParameter" or "switch";
        xml.WriteStartElement("command", "parameter", Command);
        xml.WriteAttributeString("required", parameter.Required ? "true" : "false");
        xml.WriteAttributeString("variableLength", parameter.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false");
        xml.WriteAttributeString("globbing", parameter.Globbing ? "true" : "false");
        xml.WriteAttributeString("pipelineInput", parameter.PipelineInput);
        xml.WriteAttributeString("position", parameter.Position.ToLowerInvariant());
        xml.WriteAttributeString("aliases", parameter.Aliases.Count > 0 ? string.Join(", ", parameter.Aliases) : "none");
        xml.WriteElementString("maml", "name", Maml, parameter.Name);
        Paras(xml, "description", parameter.Description);
        if (inSyntax && parameter.AcceptedValues.Count > 0)
        {
            xml.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (var value in parameter.AcceptedValues)
            {
                xml.WriteStartElement("command", "parameterValue", Command);
                xml.WriteAttributeString("required", "false");
                xml.WriteAttributeString("variableLength", "false");
                xml.WriteString(value);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // Get-Help shows a switch in syntax without a value, as PlatyPS does.
        if (!inSyntax || !isSwitch)
        {
            xml.WriteStartElement("command", "parameterValue", Command);
            xml.WriteAttributeString("required", isSwitch ? "false" : "true");
            xml.WriteAttributeString("variableLength", "false");
            xml.WriteString(parameter.Type);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("dev", "type", Dev);
        xml.WriteElementString("maml", "name", Maml, parameter.Type);
        xml.WriteElementString("maml", "uri", Maml, string.Empty);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", Dev, parameter.DefaultValue ?? "None");
        xml.WriteEndElement();
    }

    private static void Types(XmlWriter xml, string listName, string itemName, IEnumerable<TypeHelp> types)
    {
        xml.WriteStartElement("command", listName, Command);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", itemName, Command);
            xml.WriteStartElement("dev", "type", Dev);
            xml.WriteElementString("maml", "name", Maml, type.TypeName);
            xml.WriteEndElement();
            Paras(xml, "description", type.Description);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Paras(XmlWriter xml, string element, IEnumerable<string> paragraphs)
    {
        xml.WriteStartElement("maml", element, Maml);
        foreach (var paragraph in paragraphs)
        {
            xml.WriteElementString("maml", "para", Maml, paragraph);
        }

        xml.WriteEndElement();
    }
}
