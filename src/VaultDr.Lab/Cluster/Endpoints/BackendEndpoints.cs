using System.Text.Json;
using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// The minimal backends a DR runbook touches: KV v1 at secret/, ACL policies, token roles, token create and
/// lookup-self. Their data is the <see cref="ReplicatedStore"/>; every write is a WAL entry. Handlers run under the lock.
/// </summary>
internal sealed class BackendEndpoints(ClusterState state)
{
    private const long KvLeaseSeconds = 2_764_800; // KV v1's default lease (32 days), as Vault reports it.
    private static readonly TimeSpan DefaultTokenTtl = TimeSpan.FromHours(768);

    public LabResponse ReadSecret(ApiCall call)
    {
        if (!state.Store.Kv.TryGetValue(call.Remainder, out var json))
        {
            return NotFound();
        }

        using var document = JsonDocument.Parse(json);
        var body = EnvelopeBody(document.RootElement.Clone());
        body["lease_duration"] = KvLeaseSeconds;
        return Ok(body);
    }

    public LabResponse WriteSecret(ApiCall call)
    {
        if (call.Body is not { } data)
        {
            return Error(400, VaultMessages.KvBodyNotObject);
        }

        state.Store.Kv[call.Remainder] = data.GetRawText();
        state.Wrote();
        return NoContent();
    }

    public LabResponse DeleteSecret(ApiCall call) => Delete(state.Store.Kv, call.Remainder);

    public LabResponse ReadPolicy(ApiCall call)
    {
        var name = PolicyName(call);
        return state.Store.Policies.TryGetValue(name, out var text)
            ? Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["name"] = name, ["policy"] = text, ["rules"] = text })
            : NotFound();
    }

    public LabResponse WritePolicy(ApiCall call)
    {
        var policy = LabCrypto.ReadString(call.Body, "policy") ?? LabCrypto.ReadString(call.Body, "rules");
        if (string.IsNullOrEmpty(policy))
        {
            return Error(400, VaultMessages.MissingPolicy);
        }

        if (!AclPolicyParser.TryParse(policy, out _, out var parseError))
        {
            return Error(400, VaultMessages.PolicyParseFailed(parseError!));
        }

        state.Store.Policies[PolicyName(call)] = policy;
        state.Wrote();
        return NoContent();
    }

    public LabResponse DeletePolicy(ApiCall call) => Delete(state.Store.Policies, PolicyName(call));

    public LabResponse ReadTokenRole(ApiCall call) =>
        state.Store.Roles.TryGetValue(call.Remainder, out var entry)
            ? Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = call.Remainder,
                ["allowed_policies"] = entry.AllowedPolicies,
                ["orphan"] = entry.Orphan,
                ["renewable"] = entry.Renewable,
                ["token_type"] = entry.TokenType,
            })
            : NotFound();

    public LabResponse WriteTokenRole(ApiCall call)
    {
        var body = call.Body;
        var renewable = body is not { } b || !b.TryGetProperty("renewable", out _) || LabCrypto.ReadBool(body, "renewable");
        var tokenType = LabCrypto.ReadString(body, "token_type") is { Length: > 0 } t ? t : "default-service";
        state.Store.Roles[call.Remainder] = new LabTokenRole(LabCrypto.ReadStringList(body, "allowed_policies"), LabCrypto.ReadBool(body, "orphan"), renewable, tokenType);
        state.Wrote();
        return NoContent();
    }

    /// <summary>auth/token/create, or auth/token/create/&lt;role&gt; (the role is the remainder of the path).</summary>
    public LabResponse CreateToken(ApiCall call)
    {
        var body = call.Body;
        var roleName = call.Remainder.Length > 0 ? call.Remainder : null;
        var requested = LabCrypto.ReadStringList(body, "policies");
        List<string> policies;
        string type;
        bool orphan;
        var renewable = true;
        if (roleName is not null)
        {
            if (!state.Store.Roles.TryGetValue(roleName, out var role))
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
            policies = requested.Count == 0 ? [.. call.Caller!.Policies] : requested;
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
        // The expiry is stamped by this cluster's clock and travels with the token: a DR secondary whose clock differs
        // sees it live longer or shorter, as in Vault.
        long? expires = ttl > TimeSpan.Zero ? (state.Clock + ttl).ToUnixTimeSeconds() : null;
        var seconds = (long)ttl.TotalSeconds;
        state.Store.Tokens[id] = new LabToken(id, accessor, type, policies, expires, seconds, roleName, orphan);
        state.Wrote();

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
        return Ok(EnvelopeBody(null, auth: auth));
    }

    public LabResponse LookupSelf(ApiCall call)
    {
        var caller = call.Caller!;
        var ttl = caller.ExpiresUnix is { } expires ? Math.Max(0, expires - state.Clock.ToUnixTimeSeconds()) : 0;
        return Envelope(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["accessor"] = caller.Accessor,
            ["expire_time"] = caller.ExpiresUnix is { } e ? LabCrypto.Rfc3339(DateTimeOffset.FromUnixTimeSeconds(e), state.Time.LocalTimeZone) : null,
            ["id"] = caller.Id,
            ["orphan"] = caller.Orphan,
            ["policies"] = caller.Policies,
            ["ttl"] = ttl,
            ["type"] = caller.Type,
        });
    }

    /// <summary>sys/policies/acl/&lt;name&gt; and sys/policy/&lt;name&gt;: the last path segment.</summary>
    private static string PolicyName(ApiCall call) => call.Path[(call.Path.LastIndexOf('/') + 1)..];

    /// <summary>A delete is 204 whether or not the entry existed; only a real removal is a write.</summary>
    private LabResponse Delete(SortedDictionary<string, string> entries, string key)
    {
        if (entries.Remove(key))
        {
            state.Wrote();
        }

        return NoContent();
    }
}
