using System.Text;
using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>One <c>path "..." { capabilities = [...] }</c> block of an ACL policy.</summary>
internal sealed record AclRule(string Pattern, IReadOnlyList<string> Capabilities);

/// <summary>
/// Reads the path rules of an ACL policy as Vault writes them: HCL blocks <c>path "pattern" { capabilities = [...] }</c>
/// (comments with #, // and /* */; the old <c>policy = "read"</c> shorthand is read too; other keys such as
/// allowed_parameters are skipped), or the same in JSON (<c>{"path":{"pattern":{"capabilities":[...]}}}</c>). A text
/// it cannot read gives no rules, so it grants nothing.
/// </summary>
internal static class AclPolicyParser
{
    /// <summary>The capabilities Vault's old <c>policy = "..."</c> shorthand stands for.</summary>
    private static readonly Dictionary<string, string[]> Shorthands = new(StringComparer.Ordinal)
    {
        ["deny"] = ["deny"],
        ["read"] = ["read", "list"],
        ["write"] = ["create", "read", "update", "delete", "list"],
        ["sudo"] = ["create", "read", "update", "delete", "list", "sudo"],
    };

    public static IReadOnlyList<AclRule> Parse(string text) => TryParse(text, out var rules, out _) ? rules : [];

    /// <summary>False, with what is wrong, for a text Vault would refuse to store as a policy.</summary>
    public static bool TryParse(string text, out IReadOnlyList<AclRule> rules, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            rules = text.TrimStart().StartsWith('{') ? ParseJson(text) : new HclReader(text).Rules();
            error = null;
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            rules = [];
            error = e.Message;
            return false;
        }
    }

    private static List<AclRule> ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var rules = new List<AclRule>();
        if (document.RootElement.TryGetProperty("path", out var paths) && paths.ValueKind == JsonValueKind.Object)
        {
            foreach (var path in paths.EnumerateObject())
            {
                if (path.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var capabilities = path.Value.TryGetProperty("capabilities", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToArray()
                    : path.Value.TryGetProperty("policy", out var shorthand) && shorthand.ValueKind == JsonValueKind.String
                        ? Shorthand(shorthand.GetString()!)
                        : [];
                rules.Add(new AclRule(path.Name, capabilities));
            }
        }

        return rules;
    }

    private static string[] Shorthand(string policy) => Shorthands.TryGetValue(policy, out var capabilities) ? capabilities : [];

    /// <summary>Just enough of HCL for policies: strings, identifiers, lists, blocks and assignments.</summary>
    private sealed class HclReader(string text)
    {
        private int _at;

        public List<AclRule> Rules()
        {
            var rules = new List<AclRule>();
            while (Next() is { } token)
            {
                if (token is { IsString: false, Text: "path" })
                {
                    var pattern = Next() is { IsString: true } name ? name.Text : throw new FormatException("path needs a quoted pattern");
                    var open = Next();
                    if (open is { IsString: false, Text: "=" })
                    {
                        open = Next();
                    }

                    if (open is not { IsString: false, Text: "{" })
                    {
                        throw new FormatException("path needs a block");
                    }

                    rules.Add(new AclRule(pattern, Block()));
                }
                else
                {
                    // Another top-level key (name = "...", or a block of its own): its value is skipped.
                    var after = Next();
                    if (after is { IsString: false, Text: "=" })
                    {
                        after = Next();
                    }

                    SkipValue(after);
                }
            }

            return rules;
        }

        /// <summary>The inside of a path block, up to its closing brace: the capabilities it grants.</summary>
        private string[] Block()
        {
            var capabilities = new List<string>();
            while (Next() is { } key)
            {
                if (key is { IsString: false, Text: "}" })
                {
                    return [.. capabilities];
                }

                var value = Next();
                if (value is { IsString: false, Text: "=" })
                {
                    value = Next();
                }

                if (key.Text == "capabilities" && value is { IsString: false, Text: "[" })
                {
                    capabilities.AddRange(List());
                }
                else if (key.Text == "policy" && value is { IsString: true })
                {
                    capabilities.AddRange(Shorthand(value.Value.Text));
                }
                else
                {
                    SkipValue(value);
                }
            }

            throw new FormatException("unclosed path block");
        }

        private List<string> List()
        {
            var items = new List<string>();
            while (Next() is { } item)
            {
                switch (item)
                {
                    case { IsString: false, Text: "]" }:
                        return items;
                    case { IsString: false, Text: "," }:
                        break;
                    case { IsString: true }:
                        items.Add(item.Text);
                        break;
                    default:
                        SkipValue(item);
                        break;
                }
            }

            throw new FormatException("unclosed list");
        }

        private void SkipValue(Token? value)
        {
            var close = value switch
            {
                { IsString: false, Text: "[" } => "]",
                { IsString: false, Text: "{" } => "}",
                null => throw new FormatException("a key without a value"),
                _ => null,
            };
            if (close is null)
            {
                return;
            }

            while (Next() is { } inner)
            {
                if (inner is { IsString: false } && inner.Text == close)
                {
                    return;
                }

                if (inner is { IsString: false, Text: "[" or "{" })
                {
                    SkipValue(inner);
                }
            }

            throw new FormatException("unclosed " + close);
        }

        private Token? Next()
        {
            SkipSpaceAndComments();
            if (_at >= text.Length)
            {
                return null;
            }

            var c = text[_at];
            if (c == '"')
            {
                return new Token(ReadString(), true);
            }

            if ("{}[]=,".Contains(c, StringComparison.Ordinal))
            {
                _at++;
                return new Token(c.ToString(), false);
            }

            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '-' or '.'))
            {
                _at++;
            }

            return _at > start ? new Token(text[start.._at], false) : throw new FormatException($"unexpected '{c}'");
        }

        private string ReadString()
        {
            var value = new StringBuilder();
            for (_at++; _at < text.Length; _at++)
            {
                var c = text[_at];
                if (c == '"')
                {
                    _at++;
                    return value.ToString();
                }

                if (c == '\\' && _at + 1 < text.Length)
                {
                    _at++;
                    c = text[_at] switch { 'n' => '\n', 't' => '\t', var other => other };
                }

                value.Append(c);
            }

            throw new FormatException("unclosed string");
        }

        private void SkipSpaceAndComments()
        {
            while (_at < text.Length)
            {
                if (char.IsWhiteSpace(text[_at]))
                {
                    _at++;
                }
                else if (text[_at] == '#' || Ahead("//"))
                {
                    while (_at < text.Length && text[_at] != '\n')
                    {
                        _at++;
                    }
                }
                else if (Ahead("/*"))
                {
                    var end = text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                    _at = end < 0 ? throw new FormatException("unclosed comment") : end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        private bool Ahead(string what) => string.CompareOrdinal(text, _at, what, 0, what.Length) == 0;

        private readonly record struct Token(string Text, bool IsString);
    }
}
