using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Checks each DR secondary against Vault's documented criteria: stream-wals, connected, caught up
/// (last_remote_wal >= last_wal), same merkle root, same cluster id; and flags two primaries, and a secondary that runs
/// an older Vault version than its primary (sys/health).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VaultDrReplication")]
[OutputType(typeof(ReplicationHealth))]
[OutputType(typeof(bool))]
public sealed class TestVaultDrReplicationCommand : VaultDrReplicationCmdlet
{
    /// <summary>Return one bool: every secondary is healthy (for Should -BeTrue and if-statements).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void EndProcessing()
    {
        var results = Run(async (log, cancellationToken) =>
        {
            var checks = await Probe(log, TimeProvider.System, readVersions: true).CheckAsync(cancellationToken).ConfigureAwait(false);
            WarnAboutTwoPrimaries(checks, log);
            return checks;
        });
        if (Quiet)
        {
            WriteObject(results.All(r => r.Healthy));
            return;
        }

        WriteObject(results, enumerateCollection: true);
    }
}
