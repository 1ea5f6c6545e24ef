using System.Management.Automation;
using System.Text.Json;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Reads sys/health, where Vault reports a node's role through the status code (472 = DR secondary).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrHealth", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(VaultHealth))]
public sealed class GetVaultDrHealthCommand : VaultDrConnectedCmdlet
{
    private static readonly int[] RoleStatuses = { 429, 472, 473, 474, 501, 503, 530 };

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var response = Send(connection, new VaultRequest(HttpMethod.Get, "sys/health").Accepting(RoleStatuses));
        var body = response.Root is { ValueKind: JsonValueKind.Object } root ? root : default;
        var hasBody = body.ValueKind == JsonValueKind.Object;
        WriteObject(new VaultHealth
        {
            Address = connection.Address,
            StatusCode = response.StatusCode,
            Role = RoleOf(response.StatusCode),
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
        });
    }

    internal static string RoleOf(int status) => status switch
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
}
