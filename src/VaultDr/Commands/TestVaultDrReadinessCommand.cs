using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.Orchestration;
using VaultDr.Pipeline;

namespace VaultDr.Commands;

/// <summary>
/// Checks, the night before, what would make a failover fail (see <see cref="ReadinessRun"/>): replication, versions,
/// heartbeat, clock skew, both API listeners' certificates, a way to get a DR operation token, the DR cluster's Raft
/// quorum, and the Vault 2.x ceremony. One ReadinessReport per secondary; read-only. On an Azure Pipelines agent it
/// also uploads a summary, annotates each warned or failed check, and marks a run that only warns SucceededWithIssues.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VaultDrReadiness")]
[OutputType(typeof(ReadinessReport))]
[OutputType(typeof(bool))]
public sealed class TestVaultDrReadinessCommand : VaultDrReplicationCmdlet
{
    /// <summary>
    /// A batch DR operation token to check (valid, batch, its policy, its TTL) and to read the secondaries' Raft state
    /// with. By property name, so the OperationToken of New-VaultDrBatchOperationToken pipes in; passed, it is taken too.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [OperationTokenTransformation]
    [ValidateNotNull]
    public SecureString? DrOperationToken { get; set; }

    /// <summary>Warn when a certificate or the token has this many days left, or fewer.</summary>
    [Parameter]
    [ValidateRange(1, 3650)]
    public int WarnDays { get; set; } = 14;

    /// <summary>Return one bool: no check of any secondary failed (for Should -BeTrue and if-statements).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void EndProcessing()
    {
        var token = Checked(() => DrSecondaryAccess.Checked(DrOperationToken));
        var reports = Run((log, cancellationToken) =>
            new ReadinessRun(
                new DrEndpoints(Primary, log),
                Secondaries.Select(connection => (IDrEndpoints)new DrEndpoints(connection, log)).ToArray(),
                token,
                WarnDays,
                TimeProvider.System).RunAsync(cancellationToken));
        ReportToAgent(reports);
        if (Quiet)
        {
            WriteObject(reports.All(r => r.Ready));
            return;
        }

        WriteObject(reports, enumerateCollection: true);
    }

    /// <summary>On an Azure Pipelines agent: the summary, one annotation per distinct warned or failed check, and the step's result.</summary>
    private void ReportToAgent(ReadinessReport[] reports)
    {
        if (!AzureDevOpsReporter.IsAgent)
        {
            return;
        }

        try
        {
            Agent.UploadSummary("vaultdr-readiness", ReadinessSummary.Markdown(reports));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Streams.Warning($"The readiness summary could not be written: {e.Message}");
        }

        // The primary's checks are in every report: one annotation each.
        var issues = reports.SelectMany(r => r.Checks)
            .Where(c => c.Result is ReadinessResult.Warn or ReadinessResult.Fail)
            .DistinctBy(c => (c.Cluster, c.Name, c.Result, c.Message));
        foreach (var check in issues)
        {
            Agent.Issue(check.Result == ReadinessResult.Fail ? "error" : "warning", $"{check.Name} ({check.Cluster}): {check.Message}");
        }

        if (ReadinessSummary.Overall(reports) == ReadinessResult.Warn)
        {
            Agent.Complete("SucceededWithIssues", "DR readiness: every check passed or only warned.");
        }
    }
}
