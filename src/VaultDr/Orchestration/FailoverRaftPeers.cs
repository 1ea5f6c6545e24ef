using System.Security;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// The failover's Raft steps on the secondary, run with the DR operation token before the old primary is demoted: read
/// the peers and autopilot's state, refuse when voters are dead (a promoted cluster could lose its quorum) unless
/// -RemoveDeadPeers, and then remove them, never the leader.
/// </summary>
internal sealed class FailoverRaftPeers
{
    private readonly IDrEndpoints _secondary;
    private readonly FailoverPlan _plan;
    private readonly WorkflowHost _host;

    internal FailoverRaftPeers(IDrEndpoints secondary, FailoverPlan plan, WorkflowHost host)
    {
        _secondary = secondary;
        _plan = plan;
        _host = host;
    }

    /// <summary>The peers as the check read them; null when they could not be read.</summary>
    internal RaftPeer[]? Before { get; private set; }

    /// <summary>The peers after the removal (the same as <see cref="Before"/> when nothing was removed).</summary>
    internal RaftPeer[]? After { get; private set; }

    /// <summary>The dead voters the check found.</summary>
    internal IReadOnlyList<AutopilotServer> Dead { get; private set; } = [];

    /// <summary>
    /// Reads the peers and autopilot's state. A cluster that cannot list them (not Raft storage, a Vault too old to
    /// list a DR secondary's peers, a token whose policy does not allow it) is warned about, not refused: the check
    /// is a safety net. A secondary that does not answer at all, or refuses the DR operation token (a batch token that has
    /// not replicated yet), is refused, before anything changes.
    /// </summary>
    internal async Task<string> CheckAsync(SecureString drOperationToken, CancellationToken cancellationToken)
    {
        RaftPeer[] peers;
        AutopilotState state;
        try
        {
            peers = await _secondary.ReadRaftConfigurationDrSecondaryAsync(drOperationToken, cancellationToken).ConfigureAwait(false);
            state = await _secondary.ReadAutopilotStateAsync(drOperationToken, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultApiException e) when (e.StatusCode == 400 && e.Errors.Any(text => text.Contains("operation token", StringComparison.OrdinalIgnoreCase)))
        {
            // The promote would be refused the same way, after the demote: stop while the old primary still serves.
            throw new VaultDrOperationException(
                "VaultDrOperationTokenRefused",
                $"{_secondary.Connection} refused the DR operation token ({string.Join("; ", e.Errors)}), so it would refuse the promote too. Nothing was demoted or " +
                "promoted. A batch token made on the primary reaches the secondary by replication: wait until it has caught up, then run the failover again.",
                e);
        }
        catch (Exception e) when (e is VaultApiException or VaultResponseException)
        {
            _host.Log.Warning($"The Raft peers of {_secondary.Connection} could not be read, so VaultDr cannot tell whether the promoted cluster keeps its quorum: {e.Message}");
            return "not checked: the peers could not be read (see the warning)";
        }

        Before = After = peers;
        Dead = RaftPeerRules.DeadVoters(state, peers);
        var voters = peers.Count(p => p.Voter);
        if (Dead.Count == 0)
        {
            return $"{peers.Length} peer(s), {voters} voter(s), none dead; failure tolerance {state.FailureTolerance?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}";
        }

        var dead = string.Join(", ", Dead.Select(RaftPeerRules.Describe));
        if (!_plan.RemoveDeadPeers)
        {
            throw new VaultDrOperationException(
                "VaultDrDeadRaftPeers",
                $"{Dead.Count} of the {voters} voter(s) of {_secondary.Connection} are dead ({dead}); autopilot's failure tolerance is " +
                $"{state.FailureTolerance?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}. Once promoted, the cluster could lose its quorum. " +
                "Nothing was demoted or promoted.");
        }

        _host.Log.Warning($"{_secondary.Connection} has dead Raft voter(s): {dead}. -RemoveDeadPeers: they are removed before the promotion.");
        return $"dead voter(s): {dead}; removed in the next step (-RemoveDeadPeers)";
    }

    /// <summary>The dead voters the check found, removed one by one (never the leader, never the last voter), then the peers read again.</summary>
    internal async Task<string> RemoveAsync(SecureString drOperationToken, CancellationToken cancellationToken)
    {
        if (Before is null)
        {
            return "nothing removed: the peers could not be read";
        }

        if (Dead.Count == 0)
        {
            return "nothing to remove: no dead voters";
        }

        var removed = new List<string>();
        var peers = Before;
        foreach (var server in Dead)
        {
            if (!peers.Any(p => p.NodeId == server.Id))
            {
                // Autopilot still lists a server the configuration no longer has: there is nothing to remove.
                continue;
            }

            if (RaftPeerRules.RefuseRemoval(server.Id, peers, _secondary.Connection) is { } refusal)
            {
                throw refusal;
            }

            await _secondary.RemoveRaftPeerAsync(server.Id, drOperationToken, cancellationToken).ConfigureAwait(false);
            removed.Add(server.Id);
            peers = peers.Where(p => p.NodeId != server.Id).ToArray();
        }

        After = await _secondary.ReadRaftConfigurationDrSecondaryAsync(drOperationToken, cancellationToken).ConfigureAwait(false);
        return $"removed {(removed.Count > 0 ? string.Join(", ", removed) : "none (no longer in the configuration)")}; {After.Length} peer(s) left, {After.Count(p => p.Voter)} voter(s)";
    }
}
