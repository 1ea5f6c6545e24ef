using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>Stops a lab (by default every lab this session started) and its process.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VaultDrLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class StopVaultDrLabCommand : VaultDrLabCmdlet
{
    private readonly List<VaultDrLab> _labs = new();

    /// <summary>The lab to stop; a LabCluster piped in binds through its Lab property.</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [LabTransformation]
    [ArgumentCompleter(typeof(LabCompleter))]
    public VaultDrLab[]? Lab { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var lab in Lab ?? Array.Empty<VaultDrLab>())
        {
            if (!_labs.Contains(lab))
            {
                _labs.Add(lab);
            }
        }
    }

    protected override void EndProcessing()
    {
        var labs = MyInvocation.BoundParameters.ContainsKey(nameof(Lab)) ? _labs : LabRegistry.Mine().ToList();
        foreach (var lab in labs)
        {
            if (!Confirmations.ShouldChange($"lab process {lab.ProcessId}", "Stop the VaultDr lab and all its clusters"))
            {
                continue;
            }

            if (!LabProcesses.HasExited(lab))
            {
                try
                {
                    // Not Control(): a lab that closes the connection as it goes down must not end this cmdlet
                    // before it has made sure the process is gone.
                    Run(async (log, cancellationToken) =>
                    {
                        await new LabControlEndpoints(lab, log).ShutdownAsync(cancellationToken).ConfigureAwait(false);
                        return true;
                    });
                }
                catch (VaultDrException e)
                {
                    Streams.Verbose($"The lab did not answer the shutdown request ({e.Message}); making sure its process ends.");
                }

                if (!LabProcesses.WaitForExit(lab, TimeSpan.FromSeconds(5)))
                {
                    LabProcesses.Kill(lab);
                }
            }

            LabRegistry.Remove(lab);
            if (lab.CACertificateFile is { } caFile && File.Exists(caFile))
            {
                File.Delete(caFile);
            }
        }
    }
}
