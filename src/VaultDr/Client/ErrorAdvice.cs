namespace VaultDr.Client;

/// <summary>What to try next, added to an error where VaultDr knows more than Vault said.</summary>
internal static class ErrorAdvice
{
    /// <summary>The generate-operation-token endpoints, which Vault authenticates from 2.0.</summary>
    internal const string OperationTokenCeremonyPath = "sys/replication/dr/secondary/generate-operation-token/";

    /// <summary>For a 403: where the token came from, and what to try.</summary>
    /// <param name="operationToken">The call was authenticated with a DR operation token, not the connection's Vault token.</param>
    /// <param name="path">The path called (below /v1/): the operation-token ceremony has advice of its own.</param>
    internal static string Forbidden(VaultDrConnection connection, bool operationToken = false, string? path = null)
    {
        if (path is not null && path.StartsWith(OperationTokenCeremonyPath, StringComparison.Ordinal))
        {
            return CeremonyForbidden(connection);
        }

        if (operationToken)
        {
            return "The token sent was the DR operation token (-DrOperationToken): check that it is still valid (not deleted, a batch token not expired) " +
                "and, for a batch token, that its policy allows this path (New-VaultDrBatchOperationToken writes one that does).";
        }

        if (connection.Token is not { Length: > 0 })
        {
            return "No Vault token was sent: none was given with -Token or New-VaultDrConnection -Token, VAULT_TOKEN is not set, " +
                "and there is no ~/.vault-token. Give one with -Token (Read-Host -AsSecureString) or set VAULT_TOKEN.";
        }

        var origin = connection.TokenOrigin.Length > 0 ? connection.TokenOrigin : "-Token";
        return $"The token sent came from {origin}: check that it is still valid and that its policy allows this path, " +
            "or pass another with -Token or New-VaultDrConnection -Token. A DR secondary takes its primary's tokens: there, use a token made on the primary.";
    }

    /// <summary>
    /// For a 403 from the operation-token ceremony: Vault 2.x authenticates it (CVE-2026-5807), so the key shares need a
    /// Vault token with them; and the two ways round the ceremony that HashiCorp's break-glass tutorial names.
    /// </summary>
    internal static string CeremonyForbidden(VaultDrConnection connection)
    {
        var token = connection.Token is not { Length: > 0 }
            ? "and no Vault token was sent (no -Token, VAULT_TOKEN or ~/.vault-token)"
            : $"and the token sent (from {(connection.TokenOrigin.Length > 0 ? connection.TokenOrigin : "-Token")}) was refused";
        return $"Since Vault 2.0 the DR operation token ceremony (generate-operation-token) needs a Vault token as well as the key shares, {token}. " +
            "Give a token made on the primary with -Token or New-VaultDrConnection -Token: from 2.0 a DR secondary takes its primary's root token. " +
            "Or do without the ceremony: pass a batch DR operation token prepared on the primary beforehand (New-VaultDrBatchOperationToken) as " +
            "-DrOperationToken, or, as break-glass, add \"generate-operation-token\" to enable_unauthenticated_access in the DR secondary's server " +
            "configuration, reload it (SIGHUP), and take it out again afterwards.";
    }

    /// <summary>For a connection failure to an address nobody gave.</summary>
    internal static string? DefaultAddress(VaultDrConnection connection) =>
        connection.AddressIsDefault
            ? $"No address was given (no -Address, -Connection or VAULT_ADDR), so VaultDr tried Vault's default, {ConnectionFactory.DefaultAddress}. " +
              "Set VAULT_ADDR, or pass -Address or -Connection (New-VaultDrConnection)."
            : null;

    /// <summary>An http:// address whose server speaks TLS.</summary>
    internal static VaultConnectionException HttpsRequired(string method, Uri url) => new(
        "VaultDrHttpsRequired",
        $"{method} {url.GetLeftPart(UriPartial.Path)}: this server speaks https, not http. " +
        $"Use https://{url.Authority} (for example New-VaultDrConnection -Address https://{url.Authority}, or VAULT_ADDR). Nothing was processed.",
        requestMayHaveBeenProcessed: false);

    /// <summary>Go's answer (Vault's listener) to a plain HTTP request on a TLS port.</summary>
    internal static bool IsHttpToHttpsAnswer(int status, string? body) =>
        status == 400 && body is not null && body.Contains("HTTP request to an HTTPS server", StringComparison.OrdinalIgnoreCase);
}
