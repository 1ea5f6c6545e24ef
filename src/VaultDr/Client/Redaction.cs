using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VaultDr.Client;

/// <summary>
/// Keeps secrets out of debug output and error texts. JSON bodies lose the values of secret fields;
/// free text loses anything shaped like a Vault token or a JWT, and any exact secret the caller names.
/// </summary>
internal static partial class Redaction
{
    internal const string Mask = "<redacted>";

    private static readonly HashSet<string> SecretFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "token", "dr_operation_token", "key", "keys", "keys_base64", "otp", "encoded_token", "encoded_root_token",
        "secondary_public_key", "pgp_key", "client_token", "root_token", "accessor", "wrapped_accessor", "id_token",
        "rootToken", "unsealKeys",
    };

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "X-Vault-Token", "Authorization",
    };

    // The default encoder writes '<' as \u003C, which would turn the mask into noise in debug output.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static bool IsSecretHeader(string name) => SecretHeaders.Contains(name);

    internal static bool IsSecretField(string name) => SecretFields.Contains(name);

    /// <summary>
    /// Returns the JSON with every secret field's value masked and every other string passed through
    /// <see cref="RedactText"/> (Vault's error texts can quote a token); unparsable text is masked whole.
    /// </summary>
    internal static string RedactJson(string? json, IEnumerable<string>? knownSecrets = null)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return string.Empty;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return $"<{json.Length} characters of non-JSON text>";
        }

        var secrets = knownSecrets?.ToArray();
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            // A bare JSON string has no parent to write the redacted text back into.
            return JsonSerializer.Serialize(RedactText(text, secrets), Readable);
        }

        Mask_(node, secrets);
        return node?.ToJsonString(Readable) ?? "null";
    }

    private static void Mask_(JsonNode? node, string[]? secrets)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretField(name) && obj[name] is not null)
                    {
                        obj[name] = Mask;
                    }
                    else if (obj[name] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        obj[name] = RedactText(text, secrets);
                    }
                    else
                    {
                        Mask_(obj[name], secrets);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        array[i] = RedactText(text, secrets);
                    }
                    else
                    {
                        Mask_(array[i], secrets);
                    }
                }

                break;
        }
    }

    /// <summary>Masks token-shaped substrings and the given exact secrets in free text.</summary>
    internal static string RedactText(string text, IEnumerable<string>? knownSecrets = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (knownSecrets is not null)
        {
            foreach (var secret in knownSecrets)
            {
                // Very short values (e.g. "1") would mangle ordinary text and are not worth hiding.
                if (secret.Length >= 6)
                {
                    text = text.Replace(secret, Mask, StringComparison.Ordinal);
                }
            }
        }

        return TokenShape().Replace(text, Mask);
    }

    // hvs./hvb./hvr. service, batch and recovery tokens, legacy s./b. tokens, and JWTs (activation tokens).
    [GeneratedRegex(@"\b(?:hv[sbr]\.[A-Za-z0-9_\-\.]{20,}|[sb]\.[A-Za-z0-9]{24}\b|eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)")]
    private static partial Regex TokenShape();
}
