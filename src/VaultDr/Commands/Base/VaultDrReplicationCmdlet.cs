using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>Test-VaultDrReplication and Wait-VaultDrReplication: one primary, its secondaries, Vault's health criteria.</summary>
public abstract class VaultDrReplicationCmdlet : VaultDrCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public VaultDrConnection Primary { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public VaultDrConnection[] Secondary { get; set; } = Array.Empty<VaultDrConnection>();

    /// <summary>The probe of these clusters, reporting to <paramref name="log"/>.</summary>
    internal ReplicationProbe Probe(IVaultCallLog log, TimeProvider time) =>
        new(new DrEndpoints(Primary, log), Secondary.Select(connection => (IDrEndpoints)new DrEndpoints(connection, log)).ToArray(), time);

    /// <summary>Split brain is said loudly, every time it is seen.</summary>
    internal static void WarnAboutTwoPrimaries(IEnumerable<ReplicationHealth> results, IVaultCallLog log)
    {
        foreach (var result in results.Where(r => r.TwoPrimaries))
        {
            log.Warning(result.FailedChecks[0]);
        }
    }
}
