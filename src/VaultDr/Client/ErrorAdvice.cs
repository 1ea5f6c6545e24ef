namespace VaultDr.Client;

/// <summary>What to try next, added to an error where VaultDr knows more than Vault said.</summary>
internal static class ErrorAdvice
{
    /// <summary>For a 403: where the token came from, and what to try.</summary>
    /// <param name="operationToken">The call was authenticated with a DR operation token, not the connection's Vault token.</param>
    internal static string Forbidden(VaultDrConnection connection, bool operationToken = false)
    {
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
