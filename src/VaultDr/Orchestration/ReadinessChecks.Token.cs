using System.Globalization;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>DrOperationToken, RaftQuorum and Vault2Ceremony: whether a DR operation token can be had on the worst day, and what it finds.</summary>
internal static partial class ReadinessChecks
{
    /// <summary>The paths a failover with a batch DR operation token needs update on.</summary>
    internal static readonly IReadOnlyList<string> TokenPaths = [DrEndpoints.PromotePath, DrEndpoints.UpdatePrimaryPath];

    /// <summary>What lets a token write to a path: update, or the root policy. sudo alone grants no write in Vault.</summary>
    private static readonly string[] GrantingCapabilities = ["update", "root"];

    /// <summary>
    /// A given DR operation token, as the primary sees it: valid (lookup-self), a batch token, with update on promote and
    /// update-primary (capabilities-self), and more than -WarnDays left. <paramref name="capabilities"/> is null when
    /// the lookup already failed it.
    /// </summary>
    internal static ReadinessCheck OperationToken(string primaryName, Reading<TokenLookup> lookup, Reading<IReadOnlyDictionary<string, string[]>>? capabilities, DateTimeOffset now, int warnDays)
    {
        var threshold = $"> {Days(warnDays)} left";
        if (lookup.Value is not { } token)
        {
            var message = lookup.Error is VaultApiException { StatusCode: 403 }
                ? $"{primaryName} refused the DR operation token (403 permission denied): it has expired, was revoked, or is not a Vault token (a ceremony's operation token cannot be checked ahead), so create a batch DR operation token with New-VaultDrBatchOperationToken."
                : $"The DR operation token could not be looked up on {primaryName}: {Reason(lookup.Error)}.";
            return Check(primaryName, "DrOperationToken", ReadinessResult.Fail, message, "not valid", threshold);
        }

        if (!string.Equals(token.Type, "batch", StringComparison.OrdinalIgnoreCase))
        {
            return Check(
                primaryName,
                "DrOperationToken",
                ReadinessResult.Fail,
                $"The DR operation token is a {token.Type ?? "service"} token, and service tokens are not replicated to DR secondaries: create a batch token with New-VaultDrBatchOperationToken on {primaryName}.",
                token.Type ?? "service",
                threshold);
        }

        var left = token.ExpireTime is { } expires ? expires - now : token.TtlSeconds is > 0 and var ttl ? TimeSpan.FromSeconds(ttl) : (TimeSpan?)null;
        var value = left is { } l ? $"batch, {Span(l)} left" : "batch, no expiry";
        if (capabilities?.Value is not { } granted)
        {
            return Check(primaryName, "DrOperationToken", ReadinessResult.Fail, $"The DR operation token's capabilities could not be read on {primaryName}: {Reason(capabilities?.Error)}.", value, threshold);
        }

        var missing = TokenPaths.Where(path => !granted.TryGetValue(path, out var list) || !list.Any(c => GrantingCapabilities.Contains(c, StringComparer.Ordinal))).ToArray();
        if (missing.Length > 0)
        {
            var policies = token.Policies.Length > 0 ? string.Join(", ", token.Policies) : "none";
            var stanzas = string.Join(" ", missing.Select(path => $"path \"{path}\" {{ capabilities = [\"update\"] }}"));
            return Check(
                primaryName,
                "DrOperationToken",
                ReadinessResult.Fail,
                $"The DR operation token's policies ({policies}) do not grant update on {string.Join(" and ", missing)}: add {stanzas} to its policy, then create a new batch token (its policies are fixed when it is made; New-VaultDrBatchOperationToken writes the policy and makes one).",
                value,
                threshold);
        }

        if (left is not { } remaining)
        {
            return Check(primaryName, "DrOperationToken", ReadinessResult.Pass, "The DR operation token is a batch token that never expires, with update on promote and update-primary.", value, threshold);
        }

        return remaining <= TimeSpan.FromDays(warnDays)
            ? Check(
                primaryName,
                "DrOperationToken",
                ReadinessResult.Warn,
                $"The batch DR operation token expires in {Span(remaining)}{(token.ExpireTime is { } at ? $", on {When(at)}" : string.Empty)}: create a new one with New-VaultDrBatchOperationToken before then.",
                value,
                threshold)
            : Check(primaryName, "DrOperationToken", ReadinessResult.Pass, $"The DR operation token is a batch token with update on promote and update-primary, valid for {Span(remaining)} more.", value, threshold);
    }

    /// <summary>Without a token: the primary's seal says how many key holders the ceremony needs (a Warn: it needs people).</summary>
    internal static ReadinessCheck Ceremony(string primaryName, Reading<VaultSealStatus> seal)
    {
        const string threshold = "a prepared batch token";
        if (seal.Value is not { } status)
        {
            return Check(primaryName, "DrOperationToken", ReadinessResult.Fail, $"The seal status of {primaryName} could not be read, so nobody knows how many key holders a ceremony needs: {Reason(seal.Error)}.", threshold: threshold);
        }

        if (status.Threshold is not > 0 || status.Shares is not > 0)
        {
            return Check(primaryName, "DrOperationToken", ReadinessResult.Fail, $"{primaryName} reports no key threshold in sys/seal-status, so nobody knows how many key holders a ceremony needs: check that it is initialised (Get-VaultDrSealStatus).", threshold: threshold);
        }

        var kind = status.RecoverySeal ? "recovery" : "unseal";
        var count = string.Create(CultureInfo.InvariantCulture, $"{status.Threshold} of {status.Shares}");
        return Check(
            primaryName,
            "DrOperationToken",
            ReadinessResult.Warn,
            $"Without a prepared token the ceremony needs {count} {kind} key holders of the primary cluster: make sure they can be reached on the worst day, or prepare a batch DR operation token (New-VaultDrBatchOperationToken) and pass it as -DrOperationToken.",
            $"{count} {kind} keys",
            threshold);
    }

    /// <summary>The DR secondary's autopilot state read with the token; null when no token was given (a DR secondary answers only with one).</summary>
    internal static ReadinessCheck RaftQuorum(string secondaryName, Reading<AutopilotState>? state)
    {
        const string threshold = "healthy";
        if (state is null)
        {
            return Check(secondaryName, "RaftQuorum", ReadinessResult.Skipped, "A DR secondary answers Raft reads only with a DR operation token: pass -DrOperationToken.", threshold: threshold);
        }

        if (state.Value is not { } autopilot)
        {
            var advice = state.Error is VaultApiException { StatusCode: 400 or 403 }
                ? $": {secondaryName} did not take the DR operation token (a batch token made on the primary works there only once it has replicated, and needs its policy's update on {DrEndpoints.AutopilotStatePath})"
                : string.Empty;
            return Check(secondaryName, "RaftQuorum", ReadinessResult.Fail, $"The autopilot state of {secondaryName} could not be read ({Reason(state.Error)}){advice}.", threshold: threshold);
        }

        var voters = autopilot.Voters.Length > 0 ? autopilot.Voters.Length : autopilot.Servers.Count(s => s.NodeType == "voter" || s.Status is "voter" or "leader");
        var value = string.Create(CultureInfo.InvariantCulture, $"{voters} {(voters == 1 ? "voter" : "voters")}, failure tolerance {autopilot.FailureTolerance?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        if (autopilot.Healthy == true)
        {
            return Check(secondaryName, "RaftQuorum", ReadinessResult.Pass, $"Autopilot reports {secondaryName} healthy: {value}, leader {autopilot.Leader ?? "unknown"}.", value, threshold);
        }

        var unhealthy = autopilot.Servers.Where(s => s.Healthy != true || (s.NodeStatus is { } status && status != "alive"))
            .Select(s => $"{s.Name ?? s.Id} ({s.NodeStatus ?? "unhealthy"})")
            .ToArray();
        var which = unhealthy.Length > 0 ? $": {string.Join(", ", unhealthy)} {(unhealthy.Length == 1 ? "is" : "are")} not healthy" : string.Empty;
        return Check(
            secondaryName,
            "RaftQuorum",
            ReadinessResult.Fail,
            $"Autopilot reports {secondaryName} unhealthy{which}; remove dead peers with Remove-VaultDrRaftPeer -DrOperationToken, or let Invoke-VaultDrFailover -RemoveDeadPeers remove them before it promotes.",
            value,
            threshold);
    }

    /// <summary>On Vault 2.x the ceremony needs a Vault token: a given DR operation token, or one on the secondary's connection.</summary>
    internal static ReadinessCheck Vault2Ceremony(string secondaryName, VersionRead version, bool operationTokenGiven, bool connectionHasToken)
    {
        const string threshold = "a token on 2.x";
        if (Unknown(secondaryName, version) is { } reason)
        {
            return Check(secondaryName, "Vault2Ceremony", ReadinessResult.Skipped, $"{reason}, so it is unknown whether the ceremony needs a Vault token (it does from Vault 2.0).", threshold: threshold);
        }

        var value = $"Vault {version.Version}";
        if (!VaultVersions.Is2OrLater(version.Version))
        {
            return Check(secondaryName, "Vault2Ceremony", ReadinessResult.Pass, "1.x: the ceremony needs no Vault token.", value, threshold);
        }

        if (operationTokenGiven)
        {
            return Check(secondaryName, "Vault2Ceremony", ReadinessResult.Pass, $"{secondaryName} runs Vault 2.x, and the DR operation token given makes the ceremony unnecessary.", value, threshold);
        }

        return connectionHasToken
            ? Check(secondaryName, "Vault2Ceremony", ReadinessResult.Pass, $"{secondaryName} runs Vault 2.x, and its connection has a Vault token for the ceremony (from 2.0 the secondary takes the primary's root token).", value, threshold)
            : Check(
                secondaryName,
                "Vault2Ceremony",
                ReadinessResult.Fail,
                $"{secondaryName} runs Vault 2.x, where generate-operation-token needs a Vault token, and neither a DR operation token nor a Vault token on its connection is at hand: prepare a batch DR operation token (New-VaultDrBatchOperationToken), or add \"generate-operation-token\" to enable_unauthenticated_access in its server configuration for break-glass.",
                value,
                threshold);
    }
}
