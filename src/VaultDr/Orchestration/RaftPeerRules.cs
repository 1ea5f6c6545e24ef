using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// Which Raft peers are dead, and which may be removed: pure functions of the Raft configuration and autopilot's state,
/// shared by Remove-VaultDrRaftPeer and the failover's peer check.
/// </summary>
internal static class RaftPeerRules
{
    /// <summary>The Raft configuration, read with the Vault token (GET) or, on a DR secondary, with the DR operation token (PUT).</summary>
    internal static Task<RaftPeer[]> ReadRaftPeersAsync(this IDrEndpoints cluster, SecureString? drOperationToken, CancellationToken cancellationToken) =>
        drOperationToken is null ? cluster.ReadRaftConfigurationAsync(cancellationToken) : cluster.ReadRaftConfigurationDrSecondaryAsync(drOperationToken, cancellationToken);

    /// <summary>Why <paramref name="serverId"/> must not be removed, or null when it may: an unknown id, the leader, the last voter.</summary>
    internal static VaultDrException? RefuseRemoval(string serverId, IReadOnlyList<RaftPeer> peers, VaultDrConnection cluster)
    {
        var peer = peers.FirstOrDefault(p => string.Equals(p.NodeId, serverId, StringComparison.Ordinal));
        if (peer is null)
        {
            var known = peers.Count > 0 ? string.Join(", ", peers.Select(p => $"'{p.NodeId}'")) : "none";
            return new VaultDrOperationException(
                "VaultDrUnknownRaftPeer",
                $"{cluster} lists no Raft peer '{serverId}' (peers: {known}). Nothing was removed. Check the id: Get-VaultDrRaftPeer lists them, and Tab completes -ServerId.",
                ErrorCategory.ObjectNotFound);
        }

        if (peer.Leader)
        {
            return new VaultDrOperationException(
                "VaultDrRaftPeerIsLeader",
                $"'{serverId}' is the Raft leader of {cluster}: VaultDr does not remove the leader. Nothing was removed. " +
                "If that server must go, stop it first so another voter takes the lead, then remove it.");
        }

        if (peer.Voter && peers.Count(p => p.Voter) == 1)
        {
            return new VaultDrOperationException(
                "VaultDrLastRaftVoter",
                $"'{serverId}' is the last voter of {cluster}: without it the cluster has no quorum. Nothing was removed.");
        }

        return null;
    }

    /// <summary>
    /// The voters autopilot reports unhealthy or not alive: with them the cluster has less failure tolerance than it seems,
    /// and a promotion may leave it without quorum. Never the leader (it answers, so it is not dead).
    /// </summary>
    internal static AutopilotServer[] DeadVoters(AutopilotState state, IReadOnlyList<RaftPeer> peers) =>
        state.Servers
            .Where(server => IsVoter(server, state, peers) && IsDead(server))
            .Where(server => server.Id != state.Leader && !peers.Any(p => p.Leader && p.NodeId == server.Id))
            .ToArray();

    /// <summary>One dead server in words: "vault-3 (node_status left)".</summary>
    internal static string Describe(AutopilotServer server) =>
        $"{server.Id} ({(server.NodeStatus is { } status && status != "alive" ? $"node_status {status}" : "unhealthy")})";

    private static bool IsVoter(AutopilotServer server, AutopilotState state, IReadOnlyList<RaftPeer> peers) =>
        server.NodeType == "voter" || state.Voters.Contains(server.Id, StringComparer.Ordinal) || peers.Any(p => p.Voter && p.NodeId == server.Id);

    private static bool IsDead(AutopilotServer server) => server.Healthy == false || (server.NodeStatus is { } status && status != "alive");
}
