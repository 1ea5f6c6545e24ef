using System.Text.Json;

namespace VaultDr.Client;

/// <summary>A successful answer from Vault, parsed.</summary>
internal sealed class VaultResponse
{
    public VaultResponse(int statusCode, JsonElement? root, Uri clusterAddress, string? clusterName = null)
    {
        StatusCode = statusCode;
        Root = root;
        ClusterAddress = clusterAddress;
        ClusterName = clusterName ?? clusterAddress.Authority;
    }

    public int StatusCode { get; }

    /// <summary>The whole JSON document; null for an empty body (204).</summary>
    public JsonElement? Root { get; }

    /// <summary>The address of the connection the call was made on (not a redirect target).</summary>
    public Uri ClusterAddress { get; }

    /// <summary>The name of that connection.</summary>
    public string ClusterName { get; }

    /// <summary>
    /// Vault's <c>data</c> object. Some endpoints (generate-operation-token) answer with the fields at the
    /// top level instead; then the root itself is the data.
    /// </summary>
    public JsonElement Data
    {
        get
        {
            if (Root is not { ValueKind: JsonValueKind.Object } root)
            {
                throw new VaultResponseException($"Vault answered {StatusCode} with no JSON object where one was expected.");
            }

            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                return data;
            }

            return root;
        }
    }

    /// <summary>The <c>data</c> object, required to be present and an object.</summary>
    public JsonElement RequireData()
    {
        if (Root is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            return data;
        }

        throw new VaultResponseException($"Vault answered {StatusCode} without the expected 'data' object.");
    }
}
