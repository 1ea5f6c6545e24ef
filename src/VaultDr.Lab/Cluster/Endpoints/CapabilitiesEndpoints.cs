using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// sys/capabilities-self (the X-Vault-Token is the token asked about) and sys/capabilities (the body's token, asked by
/// any valid caller): for each of the body's <c>paths</c> (a list, or a comma-separated string; <c>path</c> is the old
/// name) the token's capabilities there (<see cref="ClusterState.CapabilitiesOf"/>). The answer keys each path to its
/// list, adds <c>capabilities</c> for a single path, and carries them both in <c>data</c> and at the top level, as
/// Vault's does. Handlers run under the lock.
/// </summary>
internal sealed class CapabilitiesEndpoints(ClusterState state)
{
    public LabResponse Self(ApiCall call) => Answer(call.Caller!, call.Body);

    /// <summary>Without a body token Vault asks about the caller's own (UNCONFIRMED, as Vault's handler reads).</summary>
    public LabResponse Other(ApiCall call)
    {
        var text = LabCrypto.ReadString(call.Body, "token");
        if (string.IsNullOrEmpty(text))
        {
            return Answer(call.Caller!, call.Body);
        }

        return state.Lookup(text) is { } token ? Answer(token, call.Body) : Error(400, VaultMessages.CapabilitiesInvalidToken);
    }

    private LabResponse Answer(LabToken token, JsonElement? body)
    {
        var paths = Paths(body, "paths") is { Count: > 0 } given ? given : Paths(body, "path");
        if (paths.Count == 0)
        {
            return Error(400, VaultMessages.CapabilitiesPathsMissing);
        }

        var data = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            data[path] = state.CapabilitiesOf(token, path);
        }

        if (paths.Count == 1)
        {
            data["capabilities"] = data[paths[0]];
        }

        var answer = EnvelopeBody(data);
        foreach (var (key, value) in data)
        {
            answer.TryAdd(key, value);
        }

        return Ok(answer);
    }

    /// <summary>A list of strings, or one string split at commas (Vault's comma-string-slice), without empty entries.</summary>
    private static List<string> Paths(JsonElement? body, string name)
    {
        if (body is not { } b || !b.TryGetProperty(name, out var value))
        {
            return [];
        }

        var items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!),
            JsonValueKind.String => value.GetString()!.Split(','),
            _ => [],
        };
        return items.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }
}
