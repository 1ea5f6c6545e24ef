using System.Globalization;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// sys/health, sys/seal-status, sys/unseal, sys/init, sys/leader, sys/seal and sys/config/state/sanitized. Handlers run
/// under the lock.
/// </summary>
internal sealed class SysEndpoints(ClusterState state)
{
    // The build date Vault 1.15.0 reports; the lab reports it for every version.
    private const string BuildDate = "2023-09-22T21:37:25Z";

    public LabResponse Health(ApiCall call)
    {
        int Code(string name, int fallback) =>
            call.Request.Query.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : fallback;

        // No standbys or performance standbys in the lab: standbyok / perfstandbyok change nothing here,
        // and standbycode / performancestandbycode / uninitcode never apply (always initialised, always active).
        var status = state.Sealed ? Code("sealedcode", 503)
            : state.Mode == DrModes.Secondary ? Code("drsecondarycode", 472)
            : Code("activecode", 200);

        var body = new OrderedDictionary<string, object?>
        {
            ["initialized"] = true,
            ["sealed"] = state.Sealed,
            ["standby"] = false,
            ["performance_standby"] = false,
            ["replication_performance_mode"] = "disabled",
            ["replication_dr_mode"] = state.Mode,
            ["server_time_utc"] = state.Clock.ToUnixTimeSeconds(),
            ["version"] = state.Version.Text,
            ["enterprise"] = true,
        };
        if (!state.Sealed)
        {
            body["cluster_name"] = state.Name;
            body["cluster_id"] = state.HealthClusterId;
        }

        return new LabResponse(status, call.Method == ApiMethods.Head ? null : Serialize(body));
    }

    public LabResponse SealStatus(ApiCall call) => Ok(SealStatusBody());

    public LabResponse Unseal(ApiCall call)
    {
        if (LabCrypto.ReadBool(call.Body, "reset"))
        {
            state.UnsealProgress.Clear();
            return Ok(SealStatusBody());
        }

        var key = LabCrypto.ReadString(call.Body, "key");
        if (string.IsNullOrEmpty(key))
        {
            return Error(400, VaultMessages.UnsealKeyOrReset);
        }

        if (!LabCrypto.TryDecodeKey(key, out var bytes))
        {
            return Error(400, VaultMessages.KeyNotHexOrBase64);
        }

        if (!state.Sealed)
        {
            return Ok(SealStatusBody());
        }

        // Vault ignores a share it already has (progress unchanged).
        if (!state.UnsealProgress.Any(k => k.AsSpan().SequenceEqual(bytes)))
        {
            state.UnsealProgress.Add(bytes);
        }

        if (state.UnsealProgress.Count >= state.Options.KeyThreshold)
        {
            var valid = state.UnsealProgress.All(state.IsCurrentKey);
            state.UnsealProgress.Clear();
            if (!valid)
            {
                // An auto-unseal cluster's sys/unseal takes recovery keys (it unseals through its KMS once they check).
                return Error(400, state.RecoverySeal ? VaultMessages.RecoveryUnsealFailed : VaultMessages.UnsealFailed);
            }

            state.Sealed = false;
        }

        return Ok(SealStatusBody());
    }

    public static LabResponse InitStatus(ApiCall call) => Ok(new OrderedDictionary<string, object?> { ["initialized"] = true });

    /// <summary>A lab cluster is born initialised.</summary>
    public static LabResponse Init(ApiCall call) => Error(400, VaultMessages.AlreadyInitialized);

    public LabResponse Leader(ApiCall call) => Ok(new OrderedDictionary<string, object?>
    {
        ["ha_enabled"] = true,
        ["is_self"] = true,
        ["active_time"] = state.Rfc3339(state.StartedAt),
        ["leader_address"] = ClusterState.AddressText(state.ApiAddress),
        ["leader_cluster_address"] = ClusterState.AddressText(state.ClusterAddress),
        ["performance_standby"] = false,
        ["performance_standby_last_remote_wal"] = 0,
    });

    public LabResponse Seal(ApiCall call)
    {
        state.SealNow();
        return NoContent();
    }

    /// <summary>
    /// The server's configuration without secrets, as Vault answers a root token (on a DR secondary the path is
    /// disabled, like any other). enable_unauthenticated_access is a Vault 2.x setting, so only 2.x shows it.
    /// </summary>
    public LabResponse SanitizedConfig(ApiCall call)
    {
        var api = ClusterState.AddressText(state.ApiAddress);
        var config = new OrderedDictionary<string, object?>
        {
            ["api_addr"] = api,
            ["cluster_addr"] = ClusterState.AddressText(state.ClusterAddress),
            ["cluster_name"] = state.Name,
            ["disable_mlock"] = true,
            ["listeners"] = new[]
            {
                new OrderedDictionary<string, object?>
                {
                    ["type"] = "tcp",
                    ["config"] = new OrderedDictionary<string, object?>
                    {
                        ["address"] = state.ApiAddress.Authority,
                        ["tls_disable"] = state.ApiAddress.Scheme == Uri.UriSchemeHttp,
                        ["disable_replication_status_endpoints"] = state.StatusEndpointsDisabled,
                    },
                },
            },
            ["seals"] = new[] { new OrderedDictionary<string, object?> { ["type"] = state.SealType, ["disabled"] = false } },
            ["storage"] = new OrderedDictionary<string, object?> { ["type"] = "raft", ["cluster_addr"] = ClusterState.AddressText(state.ClusterAddress), ["redirect_addr"] = api },
        };
        if (state.Version.IsVault2OrLater)
        {
            config["enable_unauthenticated_access"] = state.UnauthenticatedAccess.ToArray();
        }

        return Envelope(config);
    }

    /// <summary>
    /// An auto-unseal cluster reports its KMS seal's type, with t and n of its recovery keys and recovery_seal true
    /// (Vault's handler reads the recovery configuration when the seal supports recovery keys).
    /// </summary>
    private OrderedDictionary<string, object?> SealStatusBody()
    {
        var body = new OrderedDictionary<string, object?>
        {
            ["type"] = state.SealType,
            ["initialized"] = true,
            ["sealed"] = state.Sealed,
            ["t"] = state.Options.KeyThreshold,
            ["n"] = state.SealKeys.Count,
            ["progress"] = state.UnsealProgress.Count,
            ["nonce"] = "",
            ["version"] = state.Version.Text,
            ["build_date"] = BuildDate,
            ["migration"] = false,
        };
        if (!state.Sealed)
        {
            body["cluster_name"] = state.Name;
            body["cluster_id"] = state.HealthClusterId;
        }

        body["recovery_seal"] = state.RecoverySeal;
        if (state.RecoverySeal)
        {
            // omitempty in Vault's api.SealStatusResponse: a Shamir seal has no recovery seal type.
            body["recovery_seal_type"] = "shamir";
        }

        body["storage_type"] = "raft";
        return body;
    }
}
