using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security;
using VaultDr.Client;
using VaultDr.LabControl;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// -Id of Revoke-VaultDrSecondary: the ids the primary lists among its known secondaries. The primary's status is read
/// when Tab is pressed (2 s at most, no retries); a cluster that does not answer completes nothing.
/// </summary>
public sealed class SecondaryIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = Completions.ConnectionFrom(fakeBoundParameters, "Connection", "Primary", "Address");
        if (connection is null)
        {
            return [];
        }

        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var status = new DrEndpoints(connection, NullCallLog.Instance).ReadStatusAsync(limit.Token).GetAwaiter().GetResult();
            return Completions.Matching(wordToComplete, status.KnownSecondaries.Select(id => (id, $"DR secondary '{id}' of {connection.Name}")));
        }
        catch (Exception e) when (e is VaultDrException or OperationCanceledException)
        {
            return [];
        }
    }
}

/// <summary>
/// -ServerId of Remove-VaultDrRaftPeer: the servers of the cluster's Raft configuration, but the leader (which is never
/// removed). Read when Tab is pressed (2 s at most, no retries), with -DrOperationToken when it is already given.
/// </summary>
public sealed class RaftServerIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = Completions.ConnectionFrom(fakeBoundParameters, "Connection", "Address");
        if (connection is null)
        {
            return [];
        }

        var token = fakeBoundParameters.Contains("DrOperationToken") && fakeBoundParameters["DrOperationToken"] is var value
            ? (value is PSObject wrapped ? wrapped.BaseObject : value) as SecureString
            : null;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var peers = new DrEndpoints(connection, NullCallLog.Instance).ReadRaftPeersAsync(token, limit.Token).GetAwaiter().GetResult();
            return Completions.Matching(
                wordToComplete,
                peers.Where(peer => !peer.Leader).Select(peer => (peer.NodeId, $"{peer.NodeId}: {peer.Address}, {(peer.Voter ? "voter" : "non-voter")} of {connection.Name}")));
        }
        catch (Exception e) when (e is VaultDrException or OperationCanceledException)
        {
            return [];
        }
    }
}

/// <summary>The autopilot thresholds of Set-VaultDrAutopilotConfiguration: Vault's defaults and common values.</summary>
public sealed class AutopilotDurationCompleter : IArgumentCompleter
{
    private static readonly (string, string)[] Durations =
    [
        ("10s", "10 seconds (Vault's default last_contact_threshold and server_stabilization_time)"), ("30s", "30 seconds"), ("1m", "1 minute"),
        ("5m", "5 minutes"), ("1h", "1 hour"), ("24h", "1 day (Vault's default dead_server_last_contact_threshold)"), ("72h", "3 days"),
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(wordToComplete, Durations);
}

/// <summary>-Ttl: durations people use for activation and batch tokens.</summary>
public sealed class DurationCompleter : IArgumentCompleter
{
    private static readonly (string, string)[] Durations =
    [
        ("5m", "5 minutes"), ("15m", "15 minutes"), ("30m", "30 minutes (Vault's default for an activation token)"), ("1h", "1 hour"),
        ("4h", "4 hours"), ("8h", "8 hours"), ("24h", "1 day"), ("72h", "3 days"), ("7d", "7 days"), ("30d", "30 days"),
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(wordToComplete, Durations);
}

/// <summary>-VaultVersion of the lab: the versions whose behaviour it emulates.</summary>
public sealed class LabVaultVersionCompleter : IArgumentCompleter
{
    private static readonly (string, string)[] Versions =
    [
        ("1.15", "Vault 1.15 (the default): 28-character OTP, unauthenticated operation-token calls"),
        ("1.19", "Vault 1.19"),
        ("2.0", "Vault 2.x: generate-operation-token needs a Vault token, unless enable_unauthenticated_access names it"),
        ("1.9", "Vault 1.9: 26-character OTP"),
        ("0.11", "Vault before 1.0: the caller makes the OTP (legacy encoding)"),
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(wordToComplete, Versions);
}

/// <summary>-Cluster (and -Peer) of the lab cmdlets: the names of this session's lab clusters.</summary>
public sealed class LabClusterCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(wordToComplete, LabRegistry.Mine().SelectMany(lab => lab.Clusters).Select(cluster => (cluster.Name, cluster.ToString())));
}

/// <summary>-Lab of the lab cmdlets: the process ids of this session's labs.</summary>
public sealed class LabCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(
            wordToComplete,
            LabRegistry.Mine().Where(lab => !lab.HasExited).Select(lab => (lab.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"lab process {lab.ProcessId}: {string.Join(", ", lab.Clusters.Select(c => c.Name))}")));
}

/// <summary>-Path of Set-VaultDrLabFault: the paths VaultDr calls, a prefix for all DR paths, and every path.</summary>
public sealed class LabFaultPathCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(
            wordToComplete,
            new[] { ("*", "every request"), ("/v1/sys/replication/dr/*", "every DR replication path") }
                .Concat(DrEndpoints.Paths.Select(path => ("/v1/" + path, path))));
}
