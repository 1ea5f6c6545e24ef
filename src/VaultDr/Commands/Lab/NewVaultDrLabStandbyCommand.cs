using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Puts a standby node in front of a lab cluster: it answers every request with 307 to the active node.</summary>
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
        if (!Confirmations.ShouldChange(Cluster.ToString(), "Open a standby listener that redirects to the active node"))
        {
            return;
        }

        var address = Control(Cluster.Lab, (control, cancellationToken) => control.OpenStandbyAsync(Cluster, cancellationToken));
        WriteObject(ConnectionFactory.Create(
            new ConnectionRequest { Name = Cluster.Name + "-standby", Address = address, Token = Cluster.RootToken, TokenOrigin = $"the lab's root token of {Cluster.Name}", CACertificateFile = Cluster.CACertificateFile },
            _ => null,
            null));
    }
}
