using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Checks a cluster's Merkle trees for corruption (sys/replication/merkle-check, or on a DR secondary
/// sys/replication/dr/secondary/merkle-check with the DR operation token) and returns a typed report with what to do
/// next. HashiCorp's advice is to run it before any reindex. It changes nothing, but walks the trees, so -WhatIf
/// describes it without sending (ConfirmImpact Low: it never prompts by default).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VaultDrMerkleCheck", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(MerkleCorruptionReport))]
public sealed class InvokeVaultDrMerkleCheckCommand : VaultDrMaintenanceReadCmdlet
{
    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var token = CheckedOperationToken();
        if (!Confirmations.ShouldChange(connection.ToString(), "Check the replication Merkle trees for corruption"))
        {
            return;
        }

        var report = Call(connection, (cluster, cancellationToken) =>
            token is null ? cluster.MerkleCheckAsync(cancellationToken) : cluster.MerkleCheckDrSecondaryAsync(token, cancellationToken));
        if (!report.Healthy)
        {
            Streams.Warning($"Merkle tree corruption on {connection}. {report.Recommendation}");
        }

        WriteObject(report);
    }
}
