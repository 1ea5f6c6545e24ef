using System.Text.Json;
using VaultDr.Tokens;

namespace VaultDr.Client;

/// <summary>Turns Vault's JSON answers into the module's models. Secret fields become SecureString here.</summary>
internal static partial class ResponseParsers
{
    private static readonly string[] ProgressFields = ["started", "progress", "required", "complete"];

    internal static DrStatus Status(VaultResponse response) => StatusOf(response.RequireData(), response);

    /// <summary>One replication status object: the data of dr/status, or the dr or performance part of replication/status.</summary>
    private static DrStatus StatusOf(JsonElement data, VaultResponse response)
    {
        var building = data.GetInt64("reindex_building_progress");
        var total = data.GetInt64("reindex_building_total");
        return new DrStatus
        {
            Cluster = response.ClusterName,
            Address = response.ClusterAddress,
            ClusterId = data.GetString("cluster_id"),
            Mode = ModeOf(data.GetString("mode")),
            State = data.GetString("state"),
            MerkleRoot = data.GetString("merkle_root"),
            LastWal = data.GetInt64("last_wal"),
            LastDrWal = data.GetInt64("last_dr_wal"),
            LastPerformanceWal = data.GetInt64("last_performance_wal"),
            LastRemoteWal = data.GetInt64("last_remote_wal"),
            LastReindexEpoch = data.GetString("last_reindex_epoch"),
            LastReindex = data.GetEpoch("last_reindex_epoch"),
            ReindexInProgress = data.GetBoolean("reindex_in_progress"),
            ReindexStage = data.GetString("reindex_stage"),
            ReindexProgress = building is not null || total is not null ? new ReindexProgress { Building = building ?? 0, Total = total ?? 0 } : null,
            PrimaryClusterAddr = data.GetString("primary_cluster_addr"),
            SecondaryId = data.GetString("secondary_id"),
            SsctGenerationCounter = data.GetInt64("ssct_generation_counter"),
            CorruptedMerkleTree = data.GetBoolean("corrupted_merkle_tree"),
            LastCorruptionCheckEpoch = data.GetString("last_corruption_check_epoch"),
            LastCorruptionCheck = data.GetEpoch("last_corruption_check_epoch"),
            KnownSecondaries = data.GetStringArray("known_secondaries"),
            KnownPrimaryClusterAddrs = data.GetStringArray("known_primary_cluster_addrs"),
            Secondaries = data.GetObjectArray("secondaries").Select(Peer).ToArray(),
            Primaries = data.GetObjectArray("primaries").Select(Peer).ToArray(),
            Raw = data.ToDictionary(),
        };
    }

    /// <summary>Vault's mode text as the enum of the same name; anything else (a newer mode) is unknown.</summary>
    internal static DrMode ModeOf(string? text) =>
        Enum.GetValues<DrMode>().FirstOrDefault(mode => string.Equals(mode.ToString(), text, StringComparison.OrdinalIgnoreCase));

    private static DrPeer Peer(JsonElement peer) => new()
    {
        NodeId = peer.GetString("node_id"),
        ApiAddress = peer.GetString("api_address"),
        ClusterAddress = peer.GetString("cluster_address"),
        ConnectionStatus = peer.GetString("connection_status"),
        ConnectionState = peer.GetString("connection_state"),
        LastHeartbeat = peer.GetTime("last_heartbeat"),
        LastStart = peer.GetTime("last_start"),
        ClockSkewMs = peer.GetInt64("clock_skew_ms"),
        LastHeartbeatDurationMs = peer.GetInt64("last_heartbeat_duration_ms"),
        ReplicationPrimaryCanaryAgeMs = peer.GetInt64("replication_primary_canary_age_ms"),
        Raw = peer.ToDictionary(),
    };

    /// <summary>sys/health: the body (absent for HEAD-like answers) and the role its status code stands for.</summary>
    internal static VaultHealth Health(VaultResponse response)
    {
        var body = response.Root is { ValueKind: JsonValueKind.Object } root ? root : default;
        var hasBody = body.ValueKind == JsonValueKind.Object;
        return new VaultHealth
        {
            Address = response.ClusterAddress,
            StatusCode = response.StatusCode,
            Role = HealthRole(response.StatusCode),
            Initialized = hasBody ? body.GetBoolean("initialized") : null,
            Sealed = hasBody ? body.GetBoolean("sealed") : null,
            Standby = hasBody ? body.GetBoolean("standby") : null,
            PerformanceStandby = hasBody ? body.GetBoolean("performance_standby") : null,
            ReplicationDrMode = hasBody ? body.GetString("replication_dr_mode") : null,
            ReplicationPerformanceMode = hasBody ? body.GetString("replication_performance_mode") : null,
            Version = hasBody ? body.GetString("version") : null,
            ClusterName = hasBody ? body.GetString("cluster_name") : null,
            ClusterId = hasBody ? body.GetString("cluster_id") : null,
            ServerTime = hasBody && body.GetInt64("server_time_utc") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            Raw = hasBody ? body.ToDictionary() : new Dictionary<string, object?>(),
        };
    }

    /// <summary>sys/seal-status: a bare object (no envelope), as sys/health.</summary>
    internal static VaultSealStatus SealStatus(VaultResponse response)
    {
        if (response.Root is not { ValueKind: JsonValueKind.Object } body)
        {
            throw new VaultResponseException("Vault answered sys/seal-status without a JSON object.");
        }

        return new VaultSealStatus
        {
            Address = response.ClusterAddress,
            Type = body.GetString("type"),
            Initialized = body.GetBoolean("initialized"),
            Sealed = body.GetBoolean("sealed"),
            Threshold = (int?)body.GetInt64("t"),
            Shares = (int?)body.GetInt64("n"),
            Progress = (int?)body.GetInt64("progress"),
            RecoverySeal = body.GetBoolean("recovery_seal") ?? false,
            RecoverySealType = body.GetString("recovery_seal_type"),
            Version = body.GetString("version"),
            ClusterName = body.GetString("cluster_name"),
            ClusterId = body.GetString("cluster_id"),
            StorageType = body.GetString("storage_type"),
            Raw = body.ToDictionary(),
        };
    }

    /// <summary>The node role a sys/health status code stands for.</summary>
    internal static string HealthRole(int status) => status switch
    {
        200 => "active",
        429 => "standby",
        472 => "dr-secondary",
        473 => "performance-standby",
        474 => "unhealthy",
        501 => "uninitialized",
        503 => "sealed",
        530 => "removed",
        _ => "unknown",
    };

    /// <summary>
    /// primary/secondary-token: the token is response-wrapped in wrap_info, or (with a secondary public
    /// key) returned encrypted in data.token.
    /// </summary>
    internal static SecondaryActivationToken ActivationToken(VaultResponse response, string id)
    {
        if (response.Root is not { ValueKind: JsonValueKind.Object } root)
        {
            throw new VaultResponseException("Vault answered secondary-token with an empty body.");
        }

        if (root.TryGetProperty("wrap_info", out var wrap) && wrap.ValueKind == JsonValueKind.Object && wrap.GetString("token") is { Length: > 0 } wrapped)
        {
            var ttl = TimeSpan.FromSeconds(wrap.GetInt64("ttl") ?? 0);
            var created = wrap.GetTime("creation_time");
            ActivationTokenReader.TryRead(wrapped, out var claims);
            return new SecondaryActivationToken
            {
                Id = id,
                ActivationToken = SecretText.Protect(wrapped),
                Ttl = ttl,
                CreationTime = created,
                ExpiresAt = claims?.ExpiresAt ?? created?.Add(ttl),
                PrimaryApiAddress = claims?.Address,
                WrappedAccessor = wrap.GetString("wrapped_accessor"),
                Address = response.ClusterAddress,
            };
        }

        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.GetString("token") is { Length: > 0 } encrypted)
        {
            return new SecondaryActivationToken
            {
                Id = id,
                ActivationToken = SecretText.Protect(encrypted),
                IsEncrypted = true,
                Address = response.ClusterAddress,
            };
        }

        throw new VaultResponseException("Vault's secondary-token answer has neither wrap_info.token nor data.token.");
    }

    internal static SecondaryPublicKey PublicKey(VaultResponse response)
    {
        var key = response.RequireData().GetString("secondary_public_key");
        if (string.IsNullOrEmpty(key))
        {
            throw new VaultResponseException("Vault's generate-public-key answer has no secondary_public_key.");
        }

        return new SecondaryPublicKey { PublicKey = key, Address = response.ClusterAddress };
    }

    /// <summary>auth/token/create answers: the token is auth.client_token, its TTL auth.lease_duration.</summary>
    internal static OperationToken BatchToken(VaultResponse response)
    {
        if (response.Root is not { ValueKind: JsonValueKind.Object } root ||
            !root.TryGetProperty("auth", out var auth) || auth.ValueKind != JsonValueKind.Object ||
            auth.GetString("client_token") is not { Length: > 0 } token)
        {
            throw new VaultResponseException("Vault's token-create answer has no auth.client_token.");
        }

        var now = DateTimeOffset.UtcNow;
        return new OperationToken
        {
            DrOperationToken = SecretText.Protect(token),
            Address = response.ClusterAddress,
            CreatedAt = now,
            IsBatch = true,
            ExpiresAt = auth.GetInt64("lease_duration") is { } seconds and > 0 ? now.AddSeconds(seconds) : null,
        };
    }

    /// <summary>generate-operation-token attempt/update answers (fields at the top level or under data).</summary>
    internal static OperationTokenProgress Progress(VaultResponse response)
    {
        var data = response.Data;
        if (!ProgressFields.Any(name => data.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null))
        {
            // Otherwise an answer with none of the fields would read as "not started, 0 of 0".
            throw new VaultResponseException($"Vault answered {response.StatusCode} to generate-operation-token without any of its fields ({string.Join(", ", ProgressFields)}).");
        }

        var encoded = data.GetString("encoded_token");
        if (string.IsNullOrEmpty(encoded))
        {
            encoded = data.GetString("encoded_root_token");
        }

        var otp = data.GetString("otp");
        return new OperationTokenProgress
        {
            Started = data.GetBoolean("started") ?? false,
            Nonce = data.GetString("nonce") is { Length: > 0 } nonce ? nonce : null,
            Progress = (int)(data.GetInt64("progress") ?? 0),
            Required = (int)(data.GetInt64("required") ?? 0),
            Complete = data.GetBoolean("complete") ?? false,
            EncodedToken = string.IsNullOrEmpty(encoded) ? null : SecretText.Protect(encoded),
            PgpFingerprint = data.GetString("pgp_fingerprint") is { Length: > 0 } fingerprint ? fingerprint : null,
            Otp = string.IsNullOrEmpty(otp) ? null : SecretText.Protect(otp),
            OtpLength = data.GetInt64("otp_length") is { } length ? (int)length : null,
            Address = response.ClusterAddress,
        };
    }
}
