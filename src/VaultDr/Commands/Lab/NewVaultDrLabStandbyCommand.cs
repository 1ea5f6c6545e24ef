using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// Adds a standby node to a lab cluster: it answers every request with 307 to the active node, and joins the
/// cluster's raft configuration as a voter. Its connection is named after its raft node id.
/// </summary>
[Cmdlet(VerbsCommon.New, "VaultDrLabStandby", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VaultDrConnection))]
public sealed class NewVaultDrLabStandbyCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster Cluster { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (!Confirmations.ShouldChange(Cluster.ToString(), "Add a standby node (a raft voter) that redirects to the active node"))
        {
            return;
        }

        var (address, nodeId) = Control(Cluster.Lab, (control, cancellationToken) => control.OpenStandbyAsync(Cluster, cancellationToken));
        WriteObject(ConnectionFactory.Create(
            new ConnectionRequest { Name = nodeId, Address = address, Token = Cluster.RootToken, TokenOrigin = $"the lab's root token of {Cluster.Name}", CACertificateFile = Cluster.CACertificateFile },
            _ => null,
            null));
    }
}
