using System.Text.Json;
using VaultDr.Client;

namespace VaultDr.LabControl;

/// <summary>
/// The lab's control API (see src/VaultDr.Lab/Hosting/LabControlApi.cs and LabClusterControl.cs), one method per
/// URL: faults, partitions, cluster stop/start/seal/latency, standbys, merkle corruption, the status endpoint switch,
/// a broken replication stream, the Vault version and enable_unauthenticated_access, the API certificate's dates, the
/// clock skew, the clusters' descriptions and logs, the request log and shutdown. Errors come in Vault's shape, so
/// they map to the same typed exceptions as Vault's.
/// </summary>
internal sealed class LabControlEndpoints
{
    private readonly VaultClient _client;
    private readonly IVaultCallLog _log;

    internal LabControlEndpoints(VaultDrLab lab, IVaultCallLog log)
    {
        _client = VaultClients.For(lab.Control);
        _log = log;
    }

    /// <summary>POST lab/clusters/:name/stop: its listeners close (connections are refused).</summary>
    internal Task StopClusterAsync(LabCluster cluster, CancellationToken cancellationToken) => ClusterAsync(cluster, "stop", null, cancellationToken);

    /// <summary>POST lab/clusters/:name/start.</summary>
    internal Task StartClusterAsync(LabCluster cluster, CancellationToken cancellationToken) => ClusterAsync(cluster, "start", null, cancellationToken);

    /// <summary>POST lab/clusters/:name/seal (503 "Vault is sealed" from then on).</summary>
    internal Task SealAsync(LabCluster cluster, CancellationToken cancellationToken) => ClusterAsync(cluster, "seal", null, cancellationToken);

    /// <summary>POST lab/clusters/:name/unseal (with its own keys).</summary>
    internal Task UnsealAsync(LabCluster cluster, CancellationToken cancellationToken) => ClusterAsync(cluster, "unseal", null, cancellationToken);

    /// <summary>POST lab/clusters/:name/latency: every request to the cluster waits this long first.</summary>
    internal Task SetLatencyAsync(LabCluster cluster, int milliseconds, CancellationToken cancellationToken) =>
        ClusterAsync(cluster, "latency", request => request.With("ms", milliseconds), cancellationToken);

    /// <summary>
    /// POST lab/clusters/:name/standby: a new standby node that redirects to the active node and joins the cluster's
    /// raft configuration as a voter. Returns its address and raft node id.
    /// </summary>
    internal async Task<(string Address, string NodeId)> OpenStandbyAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var response = await SendAsync(VaultRequest.LabControl(HttpMethod.Post, ClusterPath(cluster, "standby")), cancellationToken).ConfigureAwait(false);
        var address = response.Data.GetString("address") ?? throw new VaultResponseException("The lab did not return the standby's address.");
        var nodeId = response.Data.GetString("nodeId") ?? throw new VaultResponseException("The lab did not return the standby's node id.");
        return (address, nodeId);
    }

    /// <summary>POST lab/clusters/:name/standbys/:nodeId/stop: its listener closes; autopilot sees a dead peer.</summary>
    internal Task StopStandbyAsync(LabCluster cluster, string nodeId, CancellationToken cancellationToken) =>
        SendAsync(VaultRequest.LabControl(HttpMethod.Post, StandbyPath(cluster, nodeId, "stop")), cancellationToken);

    /// <summary>POST lab/clusters/:name/standbys/:nodeId/start: it listens on its port again.</summary>
    internal Task StartStandbyAsync(LabCluster cluster, string nodeId, CancellationToken cancellationToken) =>
        SendAsync(VaultRequest.LabControl(HttpMethod.Post, StandbyPath(cluster, nodeId, "start")), cancellationToken);

    /// <summary>GET lab: the raft node ids of <paramref name="cluster"/>'s standbys, oldest first.</summary>
    internal async Task<string[]> ReadStandbyIdsAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var response = await SendAsync(VaultRequest.LabControl(HttpMethod.Get, "lab"), cancellationToken).ConfigureAwait(false);
        var entry = response.Data.GetObjectArray("clusters").FirstOrDefault(c => c.GetString("name") == cluster.Name);
        return entry.ValueKind == JsonValueKind.Object
            ? entry.GetObjectArray("standbys").Select(s => s.GetString("nodeId")).OfType<string>().ToArray()
            : [];
    }

    /// <summary>POST lab/clusters/:name/merkle-corruption: one merkle tree (replicated, local or root) becomes corrupt.</summary>
    internal Task CorruptMerkleTreeAsync(LabCluster cluster, string tree, CancellationToken cancellationToken) =>
        ClusterAsync(cluster, "merkle-corruption", request => request.With("tree", tree), cancellationToken);

    /// <summary>DELETE lab/clusters/:name/merkle-corruption: every merkle tree is sound again.</summary>
    internal Task RepairMerkleTreesAsync(LabCluster cluster, CancellationToken cancellationToken) =>
        SendAsync(VaultRequest.LabControl(HttpMethod.Delete, ClusterPath(cluster, "merkle-corruption")), cancellationToken);

    /// <summary>POST lab/clusters/:name/status-endpoints: the listener's disable_replication_status_endpoints.</summary>
    internal Task SetStatusEndpointsDisabledAsync(LabCluster cluster, bool disabled, CancellationToken cancellationToken) =>
        ClusterAsync(cluster, "status-endpoints", request => request.With("disabled", disabled), cancellationToken);

    /// <summary>POST lab/clusters/:name/break-replication: replication stops syncing until Vault's recover.</summary>
    internal Task BreakReplicationAsync(LabCluster cluster, CancellationToken cancellationToken) => ClusterAsync(cluster, "break-replication", null, cancellationToken);

    /// <summary>POST lab/clusters/:name/version: the cluster runs this Vault version from now on (sys/health reports it).</summary>
    internal Task SetVaultVersionAsync(LabCluster cluster, string version, CancellationToken cancellationToken) =>
        ClusterAsync(cluster, "version", request => request.With("version", version), cancellationToken);

    /// <summary>POST lab/clusters/:name/unauthenticated-access: Vault 2.x's enable_unauthenticated_access, reloaded (empty clears it).</summary>
    internal Task SetUnauthenticatedAccessAsync(LabCluster cluster, IReadOnlyList<string> families, CancellationToken cancellationToken) =>
        ClusterAsync(cluster, "unauthenticated-access", request => request.With("families", families), cancellationToken);

    /// <summary>
    /// POST lab/clusters/:name/certificate: a new API listener certificate expiring <paramref name="validDays"/> days
    /// from now (zero or less: expired); new TLS connections get it. The cluster's CertificateNotAfter follows.
    /// </summary>
    internal async Task ReissueCertificateAsync(LabCluster cluster, int validDays, CancellationToken cancellationToken) =>
        LabClusterRefresh.Apply(cluster, (await ClusterAsync(cluster, "certificate", request => request.With("validDays", validDays), cancellationToken).ConfigureAwait(false)).Data);

    /// <summary>POST lab/clusters/:name/clock-skew: the cluster's clock runs this far ahead (negative: behind). Its ClockSkew follows.</summary>
    internal async Task SetClockSkewAsync(LabCluster cluster, TimeSpan skew, CancellationToken cancellationToken) =>
        LabClusterRefresh.Apply(cluster, (await ClusterAsync(cluster, "clock-skew", request => request.With("ms", (long)skew.TotalMilliseconds), cancellationToken).ConfigureAwait(false)).Data);

    /// <summary>GET lab: each of the lab's clusters takes what the lab reports now (certificate dates, clock skew).</summary>
    internal async Task RefreshClustersAsync(VaultDrLab lab, CancellationToken cancellationToken)
    {
        var response = await SendAsync(VaultRequest.LabControl(HttpMethod.Get, "lab"), cancellationToken).ConfigureAwait(false);
        foreach (var entry in response.Data.GetObjectArray("clusters"))
        {
            if (lab.Clusters.FirstOrDefault(c => c.Name == entry.GetString("name")) is { } cluster)
            {
                LabClusterRefresh.Apply(cluster, entry);
            }
        }
    }

    /// <summary>GET lab/clusters/:name/log: the cluster's server log, oldest first (no secrets are ever logged).</summary>
    internal async Task<LabLogRecord[]> ReadLogAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var response = await SendAsync(VaultRequest.LabControl(HttpMethod.Get, ClusterPath(cluster, "log")), cancellationToken).ConfigureAwait(false);
        var entries = response.Root is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("log", out var list) ? list : default;
        if (entries.ValueKind != JsonValueKind.Array)
        {
            throw new VaultResponseException("The lab's cluster log is not a list.");
        }

        return entries.EnumerateArray().Select(entry => new LabLogRecord
        {
            Cluster = cluster.Name,
            Time = entry.GetTime("time") ?? default,
            Level = entry.GetString("level") ?? string.Empty,
            Message = entry.GetString("message") ?? string.Empty,
        }).ToArray();
    }

    /// <summary>GET lab: the root token that works on <paramref name="cluster"/> now (a DR secondary's is its primary's).</summary>
    internal async Task<System.Security.SecureString> ReadRootTokenAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var response = await SendAsync(VaultRequest.LabControl(HttpMethod.Get, "lab"), cancellationToken).ConfigureAwait(false);
        var entry = response.Data.GetObjectArray("clusters").FirstOrDefault(c => c.GetString("name") == cluster.Name);
        var token = entry.ValueKind == JsonValueKind.Object ? entry.GetString("rootToken") : null;
        return token is { Length: > 0 } ? SecretText.Protect(token) : throw new VaultResponseException($"The lab did not report a root token for {cluster.Name}.");
    }

    /// <summary>POST lab/partitions: the two clusters can no longer reach each other.</summary>
    internal Task PartitionAsync(LabCluster a, LabCluster b, CancellationToken cancellationToken) =>
        SendAsync(VaultRequest.LabControl(HttpMethod.Post, "lab/partitions").With("a", a.Name).With("b", b.Name), cancellationToken);

    /// <summary>DELETE lab/partitions: every partition heals.</summary>
    internal Task HealPartitionsAsync(CancellationToken cancellationToken) => SendAsync(VaultRequest.LabControl(HttpMethod.Delete, "lab/partitions"), cancellationToken);

    /// <summary>POST lab/faults: the next matching requests fail as the rule says.</summary>
    internal Task AddFaultAsync(LabFault fault, CancellationToken cancellationToken) =>
        SendAsync(
            VaultRequest.LabControl(HttpMethod.Post, "lab/faults")
                .With("cluster", fault.Cluster)
                .With("method", fault.Method)
                .With("path", fault.Path)
                .With("kind", fault.Kind)
                .With("status", fault.Status)
                .With("retryAfterSec", fault.RetryAfterSec)
                .With("delayMs", fault.DelayMs)
                .With("location", fault.Location)
                .With("count", fault.Count),
            cancellationToken);

    /// <summary>DELETE lab/faults.</summary>
    internal Task ClearFaultsAsync(CancellationToken cancellationToken) => SendAsync(VaultRequest.LabControl(HttpMethod.Delete, "lab/faults"), cancellationToken);

    /// <summary>GET lab/requests[?cluster=]: what each cluster received, oldest first (no bodies, no tokens).</summary>
    internal async Task<LabRequestRecord[]> ReadRequestsAsync(LabCluster? cluster, CancellationToken cancellationToken)
    {
        var path = cluster is null ? "lab/requests" : $"lab/requests?cluster={Uri.EscapeDataString(cluster.Name)}";
        var response = await SendAsync(VaultRequest.LabControl(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        var entries = response.Root is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("requests", out var list) ? list : default;
        if (entries.ValueKind != JsonValueKind.Array)
        {
            throw new VaultResponseException("The lab's request log is not a list.");
        }

        return entries.EnumerateArray().Select(entry => new LabRequestRecord
        {
            Cluster = entry.GetString("cluster") ?? string.Empty,
            Method = entry.GetString("method") ?? string.Empty,
            Path = entry.GetString("path") ?? string.Empty,
            Query = entry.GetString("query"),
            Status = (int)(entry.GetInt64("status") ?? 0),
            Time = entry.GetTime("time") ?? default,
            Faulted = entry.GetBoolean("faulted") ?? false,
            BodyDigest = entry.GetString("bodyDigest"),
        }).ToArray();
    }

    /// <summary>DELETE lab/requests.</summary>
    internal Task ClearRequestsAsync(CancellationToken cancellationToken) => SendAsync(VaultRequest.LabControl(HttpMethod.Delete, "lab/requests"), cancellationToken);

    /// <summary>POST lab/shutdown: the lab process stops every cluster and exits.</summary>
    internal Task ShutdownAsync(CancellationToken cancellationToken) => SendAsync(VaultRequest.LabControl(HttpMethod.Post, "lab/shutdown"), cancellationToken);

    private static string ClusterPath(LabCluster cluster, string action) => $"lab/clusters/{Uri.EscapeDataString(cluster.Name)}/{action}";

    private static string StandbyPath(LabCluster cluster, string nodeId, string action) =>
        $"lab/clusters/{Uri.EscapeDataString(cluster.Name)}/standbys/{Uri.EscapeDataString(nodeId)}/{action}";

    private Task<VaultResponse> ClusterAsync(LabCluster cluster, string action, Func<VaultRequest, VaultRequest>? body, CancellationToken cancellationToken)
    {
        var request = VaultRequest.LabControl(HttpMethod.Post, ClusterPath(cluster, action));
        return SendAsync(body is null ? request : body(request), cancellationToken);
    }

    private Task<VaultResponse> SendAsync(VaultRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, _log, cancellationToken, ReadMode.OnCallingThread);
}

/// <summary>One fault rule for <see cref="LabControlEndpoints.AddFaultAsync"/> (see Set-VaultDrLabFault).</summary>
internal sealed record LabFault(string Cluster, string Method, string Path, string Kind, int Count)
{
    internal int? Status { get; init; }

    internal int? RetryAfterSec { get; init; }

    internal int? DelayMs { get; init; }

    internal string? Location { get; init; }
}
