using System.Management.Automation;
using System.Security;
using System.Text.RegularExpressions;
using VaultDr.Client;
using VaultDr.Orchestration;
using VaultDr.Pipeline;

namespace VaultDr.Commands;

/// <summary>
/// Vault's documented DR failover, done the same way every time (see <see cref="FailoverRunner"/>): preflight, get a
/// DR operation token on the secondary and check its Raft peers, demote the old primary (planned), promote, verify,
/// re-attach the old primary as a secondary of the new one, wait for it to catch up, delete the operation tokens it
/// generated. Each step is a ShouldProcess step, so -WhatIf prints the whole plan and sends nothing. Failback is the
/// same command the other way round: -Primary is always the cluster that is primary now. The preflight reads both
/// clusters' versions: it refuses a Vault 2.x ceremony without a Vault token, and a re-attach of an older cluster to a
/// newer primary unless -Force.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VaultDrFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PlannedKeyShareSet)]
[OutputType(typeof(FailoverReport))]
public sealed partial class InvokeVaultDrFailoverCommand : VaultDrCmdlet
{
    // Planned or unplanned, times key shares or a prepared token: four sets, so the syntax shows -Planned and
    // -Unplanned apart. Planned is the default, so -Planned itself is optional.
    private const string PlannedKeyShareSet = "PlannedKeyShare";
    private const string PlannedTokenSet = "PlannedDrOperationToken";
    private const string UnplannedKeyShareSet = "UnplannedKeyShare";
    private const string UnplannedTokenSet = "UnplannedDrOperationToken";

    /// <summary>The cluster that is DR primary now (or was, in a disaster).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [VaultDrConnectionTransformation]
    [ValidateNotNull]
    public VaultDrConnection Primary { get; set; } = null!;

    /// <summary>The DR secondary to promote.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [VaultDrConnectionTransformation]
    [ValidateNotNull]
    public VaultDrConnection Secondary { get; set; } = null!;

    /// <summary>Unseal (or recovery) key shares for the DR operation token ceremonies.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PlannedKeyShareSet)]
    [Parameter(Mandatory = true, ParameterSetName = UnplannedKeyShareSet)]
    [SecretTransformation]
    [ValidateNotNullOrEmpty]
    public SecureString[] KeyShare { get; set; } = Array.Empty<SecureString>();

    /// <summary>A DR operation token made in advance, typically a batch token from New-VaultDrBatchOperationToken.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PlannedTokenSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = UnplannedTokenSet, ValueFromPipelineByPropertyName = true)]
    [OperationTokenTransformation]
    public SecureString DrOperationToken { get; set; } = new();

    /// <summary>Both clusters are up: demote the primary first (the default).</summary>
    [Parameter(ParameterSetName = PlannedKeyShareSet)]
    [Parameter(ParameterSetName = PlannedTokenSet)]
    public SwitchParameter Planned { get; set; }

    /// <summary>The primary is down: promote without demoting it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UnplannedKeyShareSet)]
    [Parameter(Mandatory = true, ParameterSetName = UnplannedTokenSet)]
    public SwitchParameter Unplanned { get; set; }

    /// <summary>
    /// Fail over although the preflight would refuse: the secondary has not caught up (sends force=true with the promote;
    /// writes not yet replicated are lost), a DR operation token attempt is in progress (it is cancelled), or the old
    /// primary runs an older Vault version than the secondary (it is re-attached anyway, replicating from a newer Vault).
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Remove the secondary's dead Raft voters (autopilot: unhealthy, or not alive) before promoting it, never the leader.
    /// Without it, dead voters stop the failover before anything changes: the promoted cluster could lose its quorum.
    /// </summary>
    [Parameter]
    public SwitchParameter RemoveDeadPeers { get; set; }

    /// <summary>The id the old primary gets as a secondary of the new one; by default its name and a timestamp.</summary>
    [Parameter]
    public string? SecondaryId { get; set; }

    /// <summary>Also write the report as markdown here (steps, timings, topology before and after).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SummaryPath { get; set; }

    /// <summary>How long to wait for the new primary to run and the old one to catch up.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void BeginProcessing()
    {
        if (Primary.Address == Secondary.Address)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrSameCluster", $"-Primary and -Secondary are the same cluster ({Primary})."), Primary.Address);
        }

        foreach (var share in KeyShare)
        {
            Checked(() => ArgumentChecks.KeyShare(share));
        }

        SecondaryId = Checked(() => SecondaryId is null ? DefaultSecondaryId(Primary, DateTimeOffset.UtcNow) : ArgumentChecks.Text(SecondaryId, nameof(SecondaryId)));
        SummaryPath = SummaryPath is null ? null : FileSystemPath(SummaryPath);
    }

    protected override void ProcessRecord()
    {
        // -DrOperationToken may come from the pipeline, so it is only bound by now.
        var usesToken = ParameterSetName is PlannedTokenSet or UnplannedTokenSet;
        if (usesToken)
        {
            Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        }

        var plan = new FailoverPlan
        {
            Planned = !Unplanned,
            KeyShares = KeyShare,
            DrOperationToken = usesToken ? DrOperationToken : null,
            Force = Force,
            RemoveDeadPeers = RemoveDeadPeers,
            SecondaryId = SecondaryId!,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            DryRun = Confirmations.IsDryRun,
        };
        var outcome = RunWorkflow((host, cancellationToken) =>
            new FailoverRunner(new DrEndpoints(Primary, host.Log), new DrEndpoints(Secondary, host.Log), plan, host).RunAsync(cancellationToken));
        WriteSummary(outcome.Report);
        WriteObject(outcome.Report);
        if (outcome.Failure is { } failure)
        {
            WriteFailure(failure, Secondary.Address);
        }
    }

    /// <summary>The report as markdown: to -SummaryPath, and on an Azure Pipelines agent to the run's summary tab.</summary>
    private void WriteSummary(FailoverReport report)
    {
        var markdown = FailoverSummary.Markdown(report, Primary.Name, Secondary.Name);
        try
        {
            if (SummaryPath is not null)
            {
                File.WriteAllText(SummaryPath, markdown);
            }

            Agent.UploadSummary("vaultdr-failover", markdown);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The failover is done either way; losing its summary must not hide the report.
            Streams.Warning($"The failover summary could not be written: {e.Message}");
        }
    }

    private string FileSystemPath(string path)
    {
        try
        {
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception e) when (e is SessionStateException or PSArgumentException or NotSupportedException or ArgumentException)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrInvalidSummaryPath", $"-SummaryPath '{path}' is not a usable file system path: {e.Message}", e), path);
            return path;
        }
    }

    internal static string DefaultSecondaryId(VaultDrConnection oldPrimary, DateTimeOffset now) =>
        $"{UnsafeIdCharacters().Replace(oldPrimary.Name, "-").Trim('-')}-{now:yyyyMMddHHmmss}";

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeIdCharacters();
}
