using System.Management.Automation;

namespace VaultDr.Orchestration;

/// <summary>
/// Whose key shares a DR operation token takes, said when Vault refuses the shares given. Vault finds a wrong share
/// only when it combines the shares at the threshold, and then says no more than that they did not authenticate; the
/// cluster's seal status (and its DR status) say which keys it wanted: after enable, a DR secondary takes its DR
/// primary's keys, and auto-unseal clusters have recovery keys instead of unseal keys.
/// </summary>
internal static class KeyShareAdvice
{
    internal const string ErrorId = "VaultDrKeySharesRefused";

    /// <summary>
    /// Vault's answer to shares that do not combine into the cluster's key: "root generation aborted: ..." once they
    /// were combined, "failed to compute root key: ..." when they could not be. 400 from Vault's handler; a 500 is
    /// taken too, as some Vault-compatible servers send it.
    /// </summary>
    internal static bool IsRefusal(VaultApiException e) =>
        e.StatusCode is 400 or 500 && e.Errors.Any(text =>
            text.Contains("root generation aborted", StringComparison.OrdinalIgnoreCase) ||
            text.Contains("failed to compute root key", StringComparison.OrdinalIgnoreCase));

    /// <summary>The refusal with the keys the cluster wants, from what could be read of it (null: not readable).</summary>
    /// <param name="attemptCancelled">The whole ceremony ran and cancelled its attempt; false for a single Submit-VaultDrKeyShare.</param>
    internal static VaultDrOperationException Explain(VaultApiException refusal, VaultDrConnection connection, VaultSealStatus? seal, DrStatus? status, bool attemptCancelled)
    {
        var vault = refusal.Errors.Count > 0 ? string.Join("; ", refusal.Errors) : "no error text";
        var next = attemptCancelled
            ? "The attempt was cancelled and no token was generated: run it again with those shares."
            : "Vault reset the attempt's progress to 0 (the attempt stays open): submit those shares, or stop it with Stop-VaultDrOperationToken.";
        return new VaultDrOperationException(
            ErrorId,
            $"Vault refused the key shares on {connection} ({refusal.StatusCode}: {vault}). {WhoseKeys(connection.Name, seal, status)} {next}",
            ErrorCategory.AuthenticationError);
    }

    /// <summary>Which keys the cluster's DR operation token takes, in one or two sentences.</summary>
    internal static string WhoseKeys(string name, VaultSealStatus? seal, DrStatus? status)
    {
        if (seal is null)
        {
            return "A DR secondary takes its DR primary's key shares: its unseal keys, or its recovery keys if the clusters use auto-unseal " +
                $"(Get-VaultDrSealStatus -Connection <{name}> shows which, when the cluster answers).";
        }

        var threshold = seal.Threshold is { } t ? $", {t} of {seal.Shares?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}" : string.Empty;
        var sealText = seal.RecoverySeal ? $"an auto-unseal seal ({seal.Type ?? "unknown type"})" : "a Shamir seal";
        var role = status switch
        {
            { IsSecondary: true } => "a DR secondary",
            { IsPrimary: true } => "a DR primary",
            null => "a cluster",
            _ => $"a cluster in DR mode {status.Mode}",
        };
        var primary = status?.Primaries.Select(p => p.ApiAddress).FirstOrDefault(a => !string.IsNullOrEmpty(a));
        var whose = primary is null ? "its DR primary's" : $"its DR primary's ({primary})";
        var notOthers = seal.RecoverySeal
            ? "not unseal keys: auto-unseal clusters have recovery keys instead (vault operator init printed them as Recovery Key 1, 2, ...)"
            : "not another cluster's";
        return $"{name} is {role} with {sealText}: its DR operation token takes {whose} {seal.KeyKind}{threshold}, the keys every secondary " +
            $"adopted when it was enabled; not {name}'s own keys from before it became a secondary, and {notOthers}.";
    }
}
