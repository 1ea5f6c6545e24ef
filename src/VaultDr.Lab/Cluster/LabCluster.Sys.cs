using System.Globalization;
using System.Text.Json;

namespace VaultDr.Lab;

// sys/health, sys/seal-status, sys/unseal, sys/leader, and the minimal KV / policy / token backends.
public sealed partial class LabCluster
{
    private const long KvLeaseSeconds = 2_764_800; // KV v1's default lease (32 days), as Vault reports it.
    private static readonly TimeSpan DefaultTokenTtl = TimeSpan.FromHours(768);

    private LabResponse Health(LabRequest request, bool head)
    {
        int Code(string name, int fallback) =>
            request.Query.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : fallback;

        // No standbys or performance standbys in the lab: standbyok / perfstandbyok change nothing here,
        // and standbycode / performancestandbycode / uninitcode never apply (always initialised, always active).
        var status = _sealed ? Code("sealedcode", 503)
            : _mode == ModeSecondary ? Code("drsecondarycode", 472)
            : Code("activecode", 200);

        var body = new OrderedDictionary<string, object?>
        {
            ["initialized"] = true,
            ["sealed"] = _sealed,
            ["standby"] = false,
            ["performance_standby"] = false,
            ["replication_performance_mode"] = "disabled",
            ["replication_dr_mode"] = _mode,
            ["server_time_utc"] = Now.ToUnixTimeSeconds(),
            ["version"] = VersionText(),
            ["enterprise"] = true,
        };
        if (!_sealed)
        {
            body["cluster_name"] = Name;
            body["cluster_id"] = HealthClusterId();
        }

        return new LabResponse(status, head ? null : Serialize(body));
    }

    private string HealthClusterId() => _clusterId ?? _localClusterId;

    private OrderedDictionary<string, object?> SealStatus()
    {
        var body = new OrderedDictionary<string, object?>
        {
            ["type"] = "shamir",
            ["initialized"] = true,
            ["sealed"] = _sealed,
            ["t"] = _options.KeyThreshold,
            ["n"] = _unsealKeys.Count,
            ["progress"] = _unsealProgress.Count,
            ["nonce"] = "",
            ["version"] = VersionText(),
            ["build_date"] = "2023-09-22T21:37:25Z",
            ["migration"] = false,
        };
        if (!_sealed)
        {
            body["cluster_name"] = Name;
            body["cluster_id"] = HealthClusterId();
        }

        body["recovery_seal"] = false;
        body["storage_type"] = "raft";
        return body;
    }

    private LabResponse UnsealRequest(LabRequest request)
    {
        var body = request.Json;
        if (LabCrypto.ReadBool(body, "reset"))
        {
            _unsealProgress.Clear();
            return new LabResponse(200, Serialize(SealStatus()));
        }

        var key = LabCrypto.ReadString(body, "key");
        if (string.IsNullOrEmpty(key))
        {
            return Error(400, VaultMessages.UnsealKeyOrReset);
        }

        if (!LabCrypto.TryDecodeKey(key, out var bytes))
        {
            return Error(400, VaultMessages.KeyNotHexOrBase64);
        }

        if (!_sealed)
        {
            return new LabResponse(200, Serialize(SealStatus()));
        }

        // Vault ignores a share it already has (progress unchanged).
        if (!_unsealProgress.Any(k => k.AsSpan().SequenceEqual(bytes)))
        {
            _unsealProgress.Add(bytes);
        }

        if (_unsealProgress.Count >= _options.KeyThreshold)
        {
            var valid = _unsealProgress.All(IsCurrentKey);
            _unsealProgress.Clear();
            if (!valid)
            {
                return Error(400, VaultMessages.UnsealFailed);
            }

            _sealed = false;
        }

        return new LabResponse(200, Serialize(SealStatus()));
    }

    private bool IsCurrentKey(byte[] key) => _unsealKeys.Any(k => k.AsSpan().SequenceEqual(key));

    private LabResponse Leader() => new(200, Serialize(new OrderedDictionary<string, object?>
    {
        ["ha_enabled"] = true,
        ["is_self"] = true,
        ["active_time"] = Rfc3339(_startedAt),
        ["leader_address"] = Addr(ApiAddress),
        ["leader_cluster_address"] = Addr(ClusterAddress),
        ["performance_standby"] = false,
        ["performance_standby_last_remote_wal"] = 0,
    }));

    private LabResponse Kv(string method, string key, LabRequest request)
    {
        switch (method)
        {
            case "GET":
                if (!_store.Kv.TryGetValue(key, out var json))
                {
                    return NotFound();
                }

                using (var document = JsonDocument.Parse(json))
                {
                    var body = EnvelopeBody(document.RootElement.Clone());
                    body["lease_duration"] = KvLeaseSeconds;
                    return new LabResponse(200, Serialize(body));
                }

            case "PUT":
            case "POST":
                if (request.Json is not { } data)
                {
                    return Error(400, VaultMessages.KvBodyNotObject);
                }

                _store.Kv[key] = data.GetRawText();
                Wrote();
                return NoContent();
            case "DELETE":
                if (_store.Kv.Remove(key))
                {
                    Wrote();
                }

                return NoContent();
            default:
                return Unsupported();
        }
    }

    private LabResponse Policy(string method, string name, LabRequest request)
    {
        switch (method)
        {
            case "GET":
                return _store.Policies.TryGetValue(name, out var text)
                    ? Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["name"] = name, ["policy"] = text, ["rules"] = text })
                    : NotFound();
            case "PUT":
            case "POST":
                var policy = LabCrypto.ReadString(request.Json, "policy") ?? LabCrypto.ReadString(request.Json, "rules");
                if (string.IsNullOrEmpty(policy))
                {
                    return Error(400, VaultMessages.MissingPolicy);
                }

                _store.Policies[name] = policy;
                Wrote();
                return NoContent();
            case "DELETE":
                if (_store.Policies.Remove(name))
                {
                    Wrote();
                }

                return NoContent();
            default:
                return Unsupported();
        }
    }

    private LabResponse TokenRole(string method, string role, LabRequest request)
    {
        switch (method)
        {
            case "GET":
                return _store.Roles.TryGetValue(role, out var entry)
                    ? Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["name"] = role,
                        ["allowed_policies"] = entry.AllowedPolicies,
                        ["orphan"] = entry.Orphan,
                        ["renewable"] = entry.Renewable,
                        ["token_type"] = entry.TokenType,
                    })
                    : NotFound();
            case "PUT":
            case "POST":
                var body = request.Json;
                var renewable = body is { } b && b.TryGetProperty("renewable", out _) ? LabCrypto.ReadBool(body, "renewable") : true;
                var tokenType = LabCrypto.ReadString(body, "token_type") is { Length: > 0 } t ? t : "default-service";
                _store.Roles[role] = new LabTokenRole(LabCrypto.ReadStringList(body, "allowed_policies"), LabCrypto.ReadBool(body, "orphan"), renewable, tokenType);
                Wrote();
                return NoContent();
            default:
                return Unsupported();
        }
    }

    private LabResponse CreateToken(LabToken caller, string? roleName, LabRequest request)
    {
        var body = request.Json;
        var requested = LabCrypto.ReadStringList(body, "policies");
        List<string> policies;
        string type;
        var orphan = false;
        var renewable = true;
        if (roleName is not null)
        {
            if (!_store.Roles.TryGetValue(roleName, out var role))
            {
                return Error(400, VaultMessages.UnknownRole(roleName));
            }

            policies = requested.Count == 0 ? [.. role.AllowedPolicies] : requested.Where(role.AllowedPolicies.Contains).ToList();
            type = role.TokenType == "batch" || (role.TokenType.StartsWith("default", StringComparison.Ordinal) && LabCrypto.ReadString(body, "type") == "batch") ? "batch" : "service";
            orphan = role.Orphan;
            renewable = role.Renewable;
        }
        else
        {
            policies = requested.Count == 0 ? [.. caller.Policies] : requested;
            type = LabCrypto.ReadString(body, "type") == "batch" ? "batch" : "service";
            orphan = LabCrypto.ReadBool(body, "no_parent");
        }

        if (!policies.Contains("root") && !policies.Contains("default"))
        {
            policies.Add("default");
        }

        policies.Sort(StringComparer.Ordinal);
        var fallback = policies.Contains("root") ? TimeSpan.Zero : DefaultTokenTtl;
        if (!LabCrypto.TryReadDuration(body, "ttl", fallback, out var ttl, out var raw))
        {
            return Error(400, VaultMessages.InvalidTtl(raw));
        }

        if (type == "batch" || ttl == TimeSpan.Zero)
        {
            renewable = false; // batch tokens and tokens without a TTL (root) are not renewable
        }

        var id = type == "batch" ? "hvb." + LabCrypto.Base62(88) : "hvs." + LabCrypto.Base62(24);
        var accessor = type == "batch" ? "" : LabCrypto.Base62(24);
        long? expires = ttl > TimeSpan.Zero ? (Now + ttl).ToUnixTimeSeconds() : null;
        var seconds = (long)ttl.TotalSeconds;
        _store.Tokens[id] = new LabToken(id, accessor, type, policies, expires, seconds, roleName, orphan);
        Wrote();

        var auth = new OrderedDictionary<string, object?>
        {
            ["client_token"] = id,
            ["accessor"] = accessor,
            ["policies"] = policies,
            ["token_policies"] = policies,
            ["metadata"] = null,
            ["lease_duration"] = seconds,
            ["renewable"] = renewable,
            ["entity_id"] = "",
            ["token_type"] = type,
            ["orphan"] = orphan,
            ["mfa_requirement"] = null,
            ["num_uses"] = 0,
        };
        return new LabResponse(200, Serialize(EnvelopeBody(null, auth: auth)));
    }

    private LabResponse LookupSelf(LabToken caller)
    {
        var ttl = caller.ExpiresUnix is { } expires ? Math.Max(0, expires - Now.ToUnixTimeSeconds()) : 0;
        return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["accessor"] = caller.Accessor,
            ["expire_time"] = caller.ExpiresUnix is { } e ? Rfc3339(DateTimeOffset.FromUnixTimeSeconds(e)) : null,
            ["id"] = caller.Id,
            ["orphan"] = caller.Orphan,
            ["policies"] = caller.Policies,
            ["ttl"] = ttl,
            ["type"] = caller.Type,
        });
    }
}
