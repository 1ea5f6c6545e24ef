using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VaultDr.Commands;

/// <summary>Turns candidate values into completion results: those that start with the word typed so far, quoted when needed.</summary>
internal static class Completions
{
    internal static IEnumerable<CompletionResult> Matching(string wordToComplete, IEnumerable<(string Value, string Tooltip)> candidates)
    {
        var word = wordToComplete.Trim('\'', '"');
        return candidates
            .Where(candidate => candidate.Value.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(candidate => new CompletionResult(Quoted(candidate.Value), candidate.Value, CompletionResultType.ParameterValue, candidate.Tooltip));
    }

    /// <summary>The first connection among the bound parameters (-Connection, -Primary, or -Address with VAULT_* defaults).</summary>
    internal static VaultDrConnection? ConnectionFrom(IDictionary fakeBoundParameters, params string[] names)
    {
        foreach (var name in names)
        {
            if (!fakeBoundParameters.Contains(name))
            {
                continue;
            }

            var value = fakeBoundParameters[name] is PSObject wrapped ? wrapped.BaseObject : fakeBoundParameters[name];
            var first = value is IEnumerable items and not string ? items.Cast<object?>().FirstOrDefault() : value;
            if (first is PSObject inner)
            {
                first = inner.BaseObject;
            }

            switch (first)
            {
                case VaultDrConnection connection:
                    return connection;
                case LabCluster cluster:
                    return cluster.Connection;
                case string address when name == "Address":
                    return Client.ConnectionFactory.Create(new Client.ConnectionRequest { Address = address, TimeoutSec = 2, MaxRetries = 0 });
            }
        }

        return null;
    }

    private static string Quoted(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or ',' or '&' or '@' or '#' or '|')
            ? $"'{CodeGeneration.EscapeSingleQuotedStringContent(value)}'"
            : value;
}
