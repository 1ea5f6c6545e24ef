using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Seals or unseals a lab cluster, or adds latency to every request it answers.</summary>
[Cmdlet(VerbsCommon.Set, "VaultDrLabCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class SetVaultDrLabClusterCommand : VaultDrLabCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster[] Cluster { get; set; } = Array.Empty<LabCluster>();

    /// <summary>$true seals the cluster (503 "Vault is sealed"); $false unseals it with its own keys.</summary>
    [Parameter]
    public bool Sealed { get; set; }

    [Parameter]
    [ValidateRange(0, 600000)]
    public int LatencyMs { get; set; }

    protected override void ProcessRecord()
    {
        var seal = MyInvocation.BoundParameters.ContainsKey(nameof(Sealed));
        var latency = MyInvocation.BoundParameters.ContainsKey(nameof(LatencyMs));
        if (!seal && !latency)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrNothingToSet", "Give -Sealed and/or -LatencyMs."), null);
        }

        foreach (var cluster in Cluster)
        {
            if (seal && Confirmations.ShouldChange(cluster.ToString(), Sealed ? "Seal the lab cluster" : "Unseal the lab cluster"))
            {
                Control(cluster.Lab, (control, cancellationToken) => Sealed ? control.SealAsync(cluster, cancellationToken) : control.UnsealAsync(cluster, cancellationToken));
            }

            if (latency && Confirmations.ShouldChange(cluster.ToString(), $"Add {LatencyMs} ms of latency to every request"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.SetLatencyAsync(cluster, LatencyMs, cancellationToken));
            }
        }
    }
}
