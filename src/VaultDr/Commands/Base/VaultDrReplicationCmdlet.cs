using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>Test-VaultDrReplication and Wait-VaultDrReplication: one primary, its secondaries, Vault's health criteria.</summary>
public abstract class VaultDrReplicationCmdlet : VaultDrCmdlet
{
    private readonly List<VaultDrConnection> _secondaries = [];

    [Parameter(Mandatory = true, Position = 0)]
    [VaultDrConnectionTransformation]
    [ValidateNotNull]
    public VaultDrConnection Primary { get; set; } = null!;

    /// <summary>Also from the pipeline (connections, or LabClusters through their Connection property).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [VaultDrConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public VaultDrConnection[] Secondary { get; set; } = Array.Empty<VaultDrConnection>();

    /// <summary>Every secondary given, on the command line or through the pipeline, in order.</summary>
    internal IReadOnlyList<VaultDrConnection> Secondaries => _secondaries;

    /// <summary>Collects -Secondary; the work runs once, in EndProcessing, over all of them.</summary>
    protected override void ProcessRecord() => _secondaries.AddRange(Secondary.Where(s => !_secondaries.Contains(s)));

    /// <summary>The probe of these clusters, reporting to <paramref name="log"/>.</summary>
    /// <param name="readVersions">Also read the clusters' versions (sys/health) and flag a secondary older than its primary.</param>
    internal ReplicationProbe Probe(IVaultCallLog log, TimeProvider time, bool readVersions = false) =>
        new(new DrEndpoints(Primary, log), _secondaries.Select(connection => (IDrEndpoints)new DrEndpoints(connection, log)).ToArray(), time, readVersions);

    /// <summary>Split brain is said loudly, every time it is seen.</summary>
    internal static void WarnAboutTwoPrimaries(IEnumerable<ReplicationHealth> results, IVaultCallLog log)
    {
        foreach (var result in results.Where(r => r.TwoPrimaries))
        {
            log.Warning(result.FailedChecks[0]);
        }
    }
}
