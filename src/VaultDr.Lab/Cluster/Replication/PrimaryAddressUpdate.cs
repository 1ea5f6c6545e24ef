using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// update-primary with <c>update_primary_addrs</c>: the lighter way to re-point a secondary at its own primary's
/// cluster addresses, without an activation token. The addresses are pinged in order (a peer call to the cluster
/// listener, made without the lock); the first that answers as a primary of this secondary's replication set makes
/// them all the known primary addresses, and the secondary reconnects there with the identity it already has.
/// Not allowed together with a token, nor on a newly demoted secondary (that needs a token from its new primary).
/// </summary>
internal sealed class PrimaryAddressUpdate(ClusterState state)
{
    /// <summary>Why the addresses cannot be used now, or null. Call under the lock.</summary>
    public static LabResponse? Refusal(ClusterState state, string token)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!string.IsNullOrEmpty(token))
        {
            return Error(400, VaultMessages.TokenAndPrimaryAddrsExclusive);
        }

        if (state.DemotedAwaitingToken)
        {
            return Error(400, VaultMessages.PrimaryAddrsAfterFailover);
        }

        return state.Identity is null ? Error(400, VaultMessages.PrimaryAddrsWithoutActivation) : null;
    }

    /// <summary>Pings the addresses (without the lock), then re-points the secondary at the first that answers.</summary>
    public async Task<LabResponse> ApplyAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        string? clusterId;
        string scheme;
        lock (state.Gate)
        {
            clusterId = state.ClusterId;
            scheme = state.ClusterAddress.Scheme;
        }

        // Vault's example gives host:port; the status shows them as URLs, so a bare address gets the lab's scheme.
        var normalized = addresses.Select(a => a.Contains("://", StringComparison.Ordinal) ? a.TrimEnd('/') : $"{scheme}://{a.TrimEnd('/')}").ToList();
        var failures = new List<string>();
        foreach (var address in normalized)
        {
            var (apiAddress, failure) = await PingAsync(address, clusterId, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                failures.Add($"{address}: {failure}");
                continue;
            }

            lock (state.Gate)
            {
                if (state.Mode != DrModes.Secondary)
                {
                    return Error(400, VaultMessages.NotADrSecondary);
                }

                if (Refusal(state, "") is { } refused)
                {
                    return refused;
                }

                var identity = state.Identity!;
                state.Follow(new PrimaryLink(apiAddress!, address, identity.SecondaryId, identity.Credential), normalized);
                state.Log.Info(state.Now, $"replication: updated primary cluster addresses: addrs=[{string.Join(" ", normalized)}] primary={address}");
                return NoContent(); // UNCONFIRMED: the lighter-weight update answers without a body.
            }
        }

        return Error(400, VaultMessages.PrimaryAddrsUnreachable(string.Join("; ", failures)));
    }

    /// <summary>The primary's API address if <paramref name="address"/> answers as a primary of <paramref name="clusterId"/>; else why not.</summary>
    private async Task<(string? ApiAddress, string? Failure)> PingAsync(string address, string? clusterId, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var target))
        {
            return (null, "not a valid address");
        }

        LabResponse response;
        try
        {
            var request = LabRequest.Create("POST", ReplicationStream.PingPath, Serialize(new OrderedDictionary<string, object?> { ["cluster_id"] = clusterId }));
            response = await state.Transport.SendAsync(state.Name, target, request, cancellationToken).ConfigureAwait(false);
        }
        catch (LabPeerUnreachableException e)
        {
            return (null, e.Message);
        }

        try
        {
            using var document = JsonDocument.Parse(response.Json ?? "{}");
            var root = document.RootElement;
            if (response.Status != 200)
            {
                return (null, root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                    ? string.Join(", ", errors.EnumerateArray().Select(e => e.GetString()))
                    : $"status {response.Status}");
            }

            return root.GetProperty("cluster_id").GetString() == clusterId
                ? (root.GetProperty("api_address").GetString(), null)
                : (null, InternalMessages.ClusterIdMismatch);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, $"not a replication primary (status {response.Status})");
        }
    }
}
