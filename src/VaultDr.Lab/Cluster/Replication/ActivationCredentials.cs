using System.Text.Json.Serialization;

namespace VaultDr.Lab;

/// <summary>
/// What a DR secondary activation token carries: the primary's side of the link, the secondary's id and credential
/// for the replication stream, and what secondary enable adopts (the seal configuration with its unseal or recovery
/// keys, root token, token store). The primary
/// issues it wrapped (unwrapped at its sys/wrapping/unwrap) or sealed for a secondary's public key.
/// </summary>
internal sealed record ActivationCredentials(
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("primary_cluster_addr")] string PrimaryClusterAddr,
    [property: JsonPropertyName("primary_api_addr")] string PrimaryApiAddr,
    [property: JsonPropertyName("secondary_id")] string SecondaryId,
    [property: JsonPropertyName("credential")] string Credential,
    [property: JsonPropertyName("unseal_keys_hex")] IReadOnlyList<string> UnsealKeysHex,
    [property: JsonPropertyName("recovery_seal")] bool RecoverySeal,
    [property: JsonPropertyName("recovery_keys_hex")] IReadOnlyList<string> RecoveryKeysHex,
    [property: JsonPropertyName("root_token")] string RootToken,
    [property: JsonPropertyName("token_store")] SortedDictionary<string, LabToken> TokenStore);
