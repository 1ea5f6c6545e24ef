using System.Security.Cryptography;
using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// The secondary's side of an activation token: secondary/generate-public-key makes the key a sealed token is
/// opened with, and <see cref="RedeemAsync"/> turns a token into the primary's <see cref="ActivationCredentials"/>,
/// unwrapping a JWT at the primary's API (a peer call, made without the lock) or opening a sealed one here.
/// </summary>
internal sealed class ActivationTokenRedeemer(ClusterState state)
{
    private const string UnwrapPath = "/v1/sys/wrapping/unwrap";

    /// <summary>Runs under the lock.</summary>
    public LabResponse GeneratePublicKey(ApiCall call)
    {
        if (state.Mode == DrModes.Primary)
        {
            return Error(400, VaultMessages.NotADrSecondary);
        }

        state.SecondaryKey?.Dispose();
        state.SecondaryKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["secondary_public_key"] = Convert.ToBase64String(state.SecondaryKey.ExportSubjectPublicKeyInfo()),
        });
    }

    /// <summary>The credentials in <paramref name="token"/>, or the error to answer. Call without the lock.</summary>
    public async Task<(ActivationCredentials? Credentials, LabResponse? Error)> RedeemAsync(string token, string? primaryApiAddr, CancellationToken cancellationToken)
    {
        if (token.Split('.').Length == 3)
        {
            return await UnwrapAtPrimaryAsync(token, primaryApiAddr, cancellationToken).ConfigureAwait(false);
        }

        lock (state.Gate)
        {
            if (state.SecondaryKey is null)
            {
                return (null, Error(400, VaultMessages.PublicKeyNotGenerated));
            }

            var plain = SealedBox.Open(state.SecondaryKey, token);
            try
            {
                var credentials = plain is null ? null : JsonSerializer.Deserialize<ActivationCredentials>(plain, LabCrypto.Json);
                return credentials is null ? (null, Error(400, VaultMessages.BadActivationToken)) : (credentials, null);
            }
            catch (JsonException)
            {
                return (null, Error(400, VaultMessages.BadActivationToken));
            }
        }
    }

    private async Task<(ActivationCredentials? Credentials, LabResponse? Error)> UnwrapAtPrimaryAsync(string token, string? primaryApiAddr, CancellationToken cancellationToken)
    {
        var addr = !string.IsNullOrEmpty(primaryApiAddr) ? primaryApiAddr : WrappingTokenSigner.ReadClaim(token, "addr");
        if (string.IsNullOrEmpty(addr) || !Uri.TryCreate(addr, UriKind.Absolute, out var target))
        {
            return (null, Error(400, VaultMessages.NoUnwrapAddress));
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Vault-Token"] = token, ["X-Vault-Request"] = "true" };
        LabResponse response;
        try
        {
            response = await state.Transport.SendAsync(state.Name, target, LabRequest.Create("PUT", UnwrapPath, "", headers), cancellationToken).ConfigureAwait(false);
        }
        catch (LabPeerUnreachableException e)
        {
            return (null, Error(400, VaultMessages.UnwrapConnectionError(addr.TrimEnd('/') + UnwrapPath, e.Message)));
        }

        if (response.Status != 200)
        {
            return (null, Error(400, VaultMessages.UnwrapErrorResponse(response.Status, ErrorText(response.Json))));
        }

        try
        {
            using var document = JsonDocument.Parse(response.Json ?? "{}");
            var credentials = document.RootElement.GetProperty("data").Deserialize<ActivationCredentials>(LabCrypto.Json);
            return credentials is null ? (null, Error(400, VaultMessages.WrappingTokenInvalid)) : (credentials, null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, Error(400, VaultMessages.UnwrapErrorResponse(response.Status, "invalid response")));
        }
    }

    /// <summary>The primary's error texts, joined as Vault's client joins them.</summary>
    private static string ErrorText(string? json)
    {
        try
        {
            using var document = JsonDocument.Parse(json ?? "{}");
            return document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                ? string.Join(", ", errors.EnumerateArray().Select(e => e.GetString()))
                : "";
        }
        catch (JsonException)
        {
            return json ?? "";
        }
    }
}
