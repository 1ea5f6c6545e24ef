using System.Globalization;
using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// Changes a cluster's autopilot settings (PUT sys/storage/raft/autopilot/configuration): only the settings given are
/// sent, the others stay as they are; on a DR secondary the DR operation token goes in the body.
/// </summary>
[Cmdlet(VerbsCommon.Set, "VaultDrAutopilotConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(AutopilotConfiguration))]
public sealed class SetVaultDrAutopilotConfigurationCommand : VaultDrMaintenanceChangeCmdlet
{
    private AutopilotSettings _settings = new();

    /// <summary>cleanup_dead_servers: let autopilot remove dead servers (never below -MinQuorum).</summary>
    [Parameter]
    public bool CleanupDeadServers { get; set; }

    /// <summary>dead_server_last_contact_threshold: how long without contact before a server counts as dead.</summary>
    [Parameter]
    [VaultDurationTransformation]
    [ArgumentCompleter(typeof(AutopilotDurationCompleter))]
    public VaultDuration? DeadServerLastContactThreshold { get; set; }

    /// <summary>last_contact_threshold: how long without contact before a server counts as unhealthy.</summary>
    [Parameter]
    [VaultDurationTransformation]
    [ArgumentCompleter(typeof(AutopilotDurationCompleter))]
    public VaultDuration? LastContactThreshold { get; set; }

    /// <summary>server_stabilization_time: how long a new server must be healthy before it may vote.</summary>
    [Parameter]
    [VaultDurationTransformation]
    [ArgumentCompleter(typeof(AutopilotDurationCompleter))]
    public VaultDuration? ServerStabilizationTime { get; set; }

    /// <summary>max_trailing_logs: how many log entries a server may lag and still count as healthy.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxTrailingLogs { get; set; }

    /// <summary>min_quorum: autopilot never prunes dead servers below this many.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinQuorum { get; set; }

    /// <summary>disable_upgrade_migration (Enterprise): turn off automated upgrades.</summary>
    [Parameter]
    public bool DisableUpgradeMigration { get; set; }

    protected override void BeginProcessing()
    {
        var given = MyInvocation.BoundParameters;
        _settings = new AutopilotSettings
        {
            CleanupDeadServers = given.ContainsKey(nameof(CleanupDeadServers)) ? CleanupDeadServers : null,
            DeadServerLastContactThreshold = DeadServerLastContactThreshold,
            LastContactThreshold = LastContactThreshold,
            ServerStabilizationTime = ServerStabilizationTime,
            MaxTrailingLogs = given.ContainsKey(nameof(MaxTrailingLogs)) ? MaxTrailingLogs : null,
            MinQuorum = given.ContainsKey(nameof(MinQuorum)) ? MinQuorum : null,
            DisableUpgradeMigration = given.ContainsKey(nameof(DisableUpgradeMigration)) ? DisableUpgradeMigration : null,
        };
        if (Describe(_settings).Length == 0)
        {
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrNoAutopilotSetting",
                    "Give at least one setting to change: -CleanupDeadServers, -DeadServerLastContactThreshold, -LastContactThreshold, " +
                    "-ServerStabilizationTime, -MaxTrailingLogs, -MinQuorum or -DisableUpgradeMigration. Get-VaultDrAutopilotConfiguration shows the current ones."),
                null);
        }
    }

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        Change(
            connection,
            $"Set autopilot configuration: {Describe(_settings)}",
            (cluster, cancellationToken) => cluster.WriteAutopilotConfigurationAsync(_settings, token, cancellationToken));
    }

    /// <summary>-PassThru: the autopilot configuration as the cluster reads it after the change.</summary>
    internal override void WritePassThru(VaultDrConnection connection)
    {
        var token = DrOperationToken;
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.ReadAutopilotConfigurationAsync(token, cancellationToken)));
    }

    /// <summary>The settings to send, as Vault names them: "cleanup_dead_servers=true, last_contact_threshold=10s".</summary>
    internal static string Describe(AutopilotSettings settings) => string.Join(", ", new (string Name, object? Value)[]
    {
        ("cleanup_dead_servers", settings.CleanupDeadServers),
        ("dead_server_last_contact_threshold", settings.DeadServerLastContactThreshold?.ToVaultString()),
        ("last_contact_threshold", settings.LastContactThreshold?.ToVaultString()),
        ("max_trailing_logs", settings.MaxTrailingLogs),
        ("min_quorum", settings.MinQuorum),
        ("server_stabilization_time", settings.ServerStabilizationTime?.ToVaultString()),
        ("disable_upgrade_migration", settings.DisableUpgradeMigration),
    }.Where(setting => setting.Value is not null).Select(setting =>
        $"{setting.Name}={(setting.Value is bool flag ? (flag ? "true" : "false") : Convert.ToString(setting.Value, CultureInfo.InvariantCulture))}"));
}
