using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaultDr.Lab;

/// <summary>One token of the (replicated) token store.</summary>
internal sealed record LabToken(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("accessor")] string Accessor,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("policies")] IReadOnlyList<string> Policies,
    [property: JsonPropertyName("expires_unix")] long? ExpiresUnix,
    [property: JsonPropertyName("ttl_seconds")] long TtlSeconds,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("orphan")] bool Orphan)
{
    public bool IsRoot => Policies.Contains("root");

    public bool IsValidAt(DateTimeOffset now) => ExpiresUnix is not { } expires || now.ToUnixTimeSeconds() < expires;
}

/// <summary>A token role (auth/token/roles/&lt;name&gt;).</summary>
internal sealed record LabTokenRole(
    [property: JsonPropertyName("allowed_policies")] IReadOnlyList<string> AllowedPolicies,
    [property: JsonPropertyName("orphan")] bool Orphan,
    [property: JsonPropertyName("renewable")] bool Renewable,
    [property: JsonPropertyName("token_type")] string TokenType);

/// <summary>
/// What DR replication copies from a primary to its secondaries: KV data, ACL policies, token roles
/// and the token store. Sorted, so its JSON (and the merkle root over it) is canonical.
/// </summary>
internal sealed class ReplicatedStore
{
    [JsonPropertyName("kv")]
    public SortedDictionary<string, string> Kv { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("policies")]
    public SortedDictionary<string, string> Policies { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("roles")]
    public SortedDictionary<string, LabTokenRole> Roles { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("tokens")]
    public SortedDictionary<string, LabToken> Tokens { get; init; } = new(StringComparer.Ordinal);

    public string ToJson() => JsonSerializer.Serialize(this, LabCrypto.Json);

    public static ReplicatedStore FromJson(string json)
    {
        var parsed = JsonSerializer.Deserialize<ReplicatedStore>(json, LabCrypto.Json) ?? new ReplicatedStore();
        return new ReplicatedStore
        {
            Kv = new SortedDictionary<string, string>(parsed.Kv, StringComparer.Ordinal),
            Policies = new SortedDictionary<string, string>(parsed.Policies, StringComparer.Ordinal),
            Roles = new SortedDictionary<string, LabTokenRole>(parsed.Roles, StringComparer.Ordinal),
            Tokens = new SortedDictionary<string, LabToken>(parsed.Tokens, StringComparer.Ordinal),
        };
    }

    public ReplicatedStore Clone() => FromJson(ToJson());

    /// <summary>40 hex chars: SHA-1 over the canonical JSON of everything replicated.</summary>
    public string MerkleRoot() => LabCrypto.Sha1Hex(ToJson());
}
