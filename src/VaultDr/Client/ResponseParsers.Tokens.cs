using System.Text.Json;

namespace VaultDr.Client;

/// <summary>The answers about a token itself: auth/token/lookup-self and sys/capabilities-self.</summary>
internal static partial class ResponseParsers
{
    /// <summary>auth/token/lookup-self: the token's type, policies and time left (never its id or accessor).</summary>
    internal static TokenLookup TokenLookup(VaultResponse response)
    {
        var data = response.RequireData();
        return new TokenLookup(
            data.GetString("type"),
            data.GetStringArray("policies"),
            data.GetInt64("ttl"),
            data.GetTime("expire_time"));
    }

    /// <summary>
    /// sys/capabilities-self: a key per path with its capabilities, at the top level and in data; older Vault answered
    /// one path with "capabilities" alone. A path Vault did not answer for gets no capability (deny).
    /// </summary>
    internal static IReadOnlyDictionary<string, string[]> Capabilities(VaultResponse response, IReadOnlyList<string> paths)
    {
        var data = response.Data;
        var root = response.Root is { ValueKind: JsonValueKind.Object } r ? r : data;
        return paths.Distinct(StringComparer.Ordinal).ToDictionary(
            path => path,
            path => Listed(data, path) ?? Listed(root, path) ?? (paths.Count == 1 ? Listed(data, "capabilities") : null) ?? [],
            StringComparer.Ordinal);
    }

    private static string[]? Listed(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? obj.GetStringArray(name) : null;
}

/// <summary>What lookup-self says of a token.</summary>
/// <param name="Type">service or batch.</param>
/// <param name="TtlSeconds">Seconds left; 0 for a token that never expires (a root token).</param>
/// <param name="ExpireTime">When it expires; null for a token that never does.</param>
internal sealed record TokenLookup(string? Type, string[] Policies, long? TtlSeconds, DateTimeOffset? ExpireTime);
