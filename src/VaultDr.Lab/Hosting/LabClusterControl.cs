using static VaultDr.Lab.ControlRequests;

namespace VaultDr.Lab;

/// <summary>
/// The control API's cluster endpoints (JSON, camelCase). Each answers 200 with the cluster's description (as in
/// GET /lab) unless said otherwise:
/// POST /lab/clusters/{name}/stop|start|seal|unseal;
/// POST .../latency {"ms"};
/// POST .../standby: a new standby node, a voter of the cluster's raft configuration: {"address","nodeId"};
/// DELETE .../standby: every standby closes and leaves the configuration;
/// POST /lab/clusters/{name}/standbys/{nodeId}/stop|start: {"nodeId","address","running"} (stopped, a dead peer);
/// POST .../merkle-corruption {"tree":"replicated"|"local"|"root"}; DELETE .../merkle-corruption repairs them all;
/// POST .../status-endpoints {"disabled":true|false} (disable_replication_status_endpoints);
/// POST .../break-replication: replication stops syncing until sys/replication/recover (400 with replication disabled);
/// POST .../version {"version":"2.0"}: the cluster runs that Vault version from now on;
/// POST .../unauthenticated-access {"families":["generate-operation-token"]}: Vault 2.x's enable_unauthenticated_access, reloaded;
/// GET .../log: {"log":[{"time","level","message"}]}, the cluster's server log, oldest first;
/// POST .../certificate {"validDays":N}: a new API listener certificate expiring N days from now (400 without TLS);
/// POST .../clock-skew {"ms":N}: the cluster's clock runs N ms ahead of the machine's (negative: behind; 0 resets).
/// </summary>
internal sealed class LabClusterControl(LabHost lab)
{
    /// <summary>The furthest a cluster's clock may be set from the machine's: a year either way.</summary>
    public const long MaxClockSkewMs = 365L * 24 * 60 * 60 * 1000;

    public async Task ActionAsync(HttpContext context, string name, string action)
    {
        var response = context.Response;
        if (!lab.HasCluster(name))
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster named '{name}' in this lab.").ConfigureAwait(false);
            return;
        }

        string[]? methods = action switch
        {
            "stop" or "start" or "seal" or "unseal" or "latency" or "status-endpoints" or "break-replication" or "version" or "unauthenticated-access"
                or "certificate" or "clock-skew" => ["POST"],
            "standby" or "merkle-corruption" => ["POST", "DELETE"],
            "log" => ["GET"],
            _ => null,
        };
        if (methods is null)
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster action '{action}'.").ConfigureAwait(false);
            return;
        }

        if (!await AllowAsync(context, methods).ConfigureAwait(false))
        {
            return;
        }

        var node = lab.GetCluster(name);
        var delete = context.Request.Method == "DELETE";
        switch (action)
        {
            case "stop":
                await lab.StopClusterAsync(name).ConfigureAwait(false);
                break;
            case "start":
                await lab.StartClusterAsync(name, context.RequestAborted).ConfigureAwait(false);
                break;
            case "seal":
                node.Seal();
                break;
            case "unseal":
                node.Unseal();
                break;
            case "latency":
                var body = await ReadObjectAsync(context, required: true).ConfigureAwait(false);
                lab.SetLatency(name, Int(body, "ms", 0, LabControlApi.MaxDelayMs) ?? throw new ControlBadRequestException("'ms' is required."));
                break;
            case "standby" when delete:
                await lab.CloseStandbysAsync(name).ConfigureAwait(false);
                break;
            case "standby":
                var standby = await lab.OpenStandbyAsync(name, context.RequestAborted).ConfigureAwait(false);
                await LabHttp.WriteJsonAsync(response, 200, new { address = standby.Address.ToString(), nodeId = standby.NodeId }).ConfigureAwait(false);
                return;
            case "merkle-corruption" when delete:
                node.RepairMerkleTrees();
                break;
            case "merkle-corruption":
                var tree = String(await ReadObjectAsync(context, required: true).ConfigureAwait(false), "tree")
                    ?? throw new ControlBadRequestException($"'tree' is required: {string.Join(", ", MerkleTrees.Names)}.");
                if (!MerkleTrees.Names.Contains(tree))
                {
                    throw new ControlBadRequestException($"Unknown tree '{tree}': use {string.Join(", ", MerkleTrees.Names)}.");
                }

                node.CorruptMerkleTree(tree);
                break;
            case "status-endpoints":
                var disabled = Bool(await ReadObjectAsync(context, required: true).ConfigureAwait(false), "disabled")
                    ?? throw new ControlBadRequestException("'disabled' (true or false) is required.");
                node.SetStatusEndpointsDisabled(disabled);
                break;
            case "break-replication":
                try
                {
                    node.BreakReplication();
                }
                catch (InvalidOperationException e)
                {
                    throw new ControlBadRequestException(e.Message);
                }

                break;
            case "version":
                var version = String(await ReadObjectAsync(context, required: true).ConfigureAwait(false), "version")
                    ?? throw new ControlBadRequestException("'version' is required, e.g. \"2.0\" or \"1.17.3\".");
                try
                {
                    node.SetVaultVersion(LabArguments.CheckVersion(version, "'version'"));
                }
                catch (FormatException e)
                {
                    throw new ControlBadRequestException(e.Message);
                }

                break;
            case "unauthenticated-access":
                var families = Strings(await ReadObjectAsync(context, required: true).ConfigureAwait(false), "families")
                    ?? throw new ControlBadRequestException($"'families' is required: a list of {string.Join(", ", UnauthenticatedFamilies.All)} (empty to clear it).");
                try
                {
                    node.SetUnauthenticatedAccess(families);
                }
                catch (ArgumentException e)
                {
                    throw new ControlBadRequestException(e.Message);
                }

                break;
            case "certificate":
                var days = Int(await ReadObjectAsync(context, required: true).ConfigureAwait(false), "validDays", -LabCertificates.MaxValidDays, LabCertificates.MaxValidDays)
                    ?? throw new ControlBadRequestException($"'validDays' is required: an integer from {-LabCertificates.MaxValidDays} to {LabCertificates.MaxValidDays}.");
                try
                {
                    lab.ReissueCertificate(name, days);
                }
                catch (InvalidOperationException e)
                {
                    throw new ControlBadRequestException(e.Message);
                }

                break;
            case "clock-skew":
                var skew = Long(await ReadObjectAsync(context, required: true).ConfigureAwait(false), "ms", -MaxClockSkewMs, MaxClockSkewMs)
                    ?? throw new ControlBadRequestException("'ms' is required: how far the cluster's clock runs ahead of the machine's (negative: behind; 0 resets).");
                node.SetClockSkew(TimeSpan.FromMilliseconds(skew));
                break;
            case "log":
                var log = node.ReadLog().Select(e => new { time = e.Time, level = e.Level, message = e.Message }).ToArray();
                await LabHttp.WriteJsonAsync(response, 200, new { log }).ConfigureAwait(false);
                return;
        }

        await LabHttp.WriteJsonAsync(response, 200, lab.DescribeCluster(name)).ConfigureAwait(false);
    }

    public async Task StandbyActionAsync(HttpContext context, string name, string nodeId, string action)
    {
        var response = context.Response;
        if (!lab.HasCluster(name))
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No cluster named '{name}' in this lab.").ConfigureAwait(false);
            return;
        }

        if (action is not ("stop" or "start"))
        {
            await LabHttp.WriteErrorAsync(response, 404, $"No standby action '{action}': use stop or start.").ConfigureAwait(false);
            return;
        }

        if (!await AllowAsync(context, "POST").ConfigureAwait(false))
        {
            return;
        }

        var standby = await lab.SetStandbyRunningAsync(name, nodeId, action == "start", context.RequestAborted).ConfigureAwait(false);
        await (standby is null
            ? LabHttp.WriteErrorAsync(response, 404, $"{name} has no standby '{nodeId}'. Its standbys: {string.Join(", ", lab.GetStandbys(name).Select(s => s.NodeId).DefaultIfEmpty("none"))}.")
            : LabHttp.WriteJsonAsync(response, 200, new { nodeId = standby.NodeId, address = standby.Address.ToString(), running = standby.Running })).ConfigureAwait(false);
    }
}
