using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>A cmdlet that talks to a running lab's control API.</summary>
public abstract class VaultDrLabCmdlet : VaultDrCmdlet
{
    /// <summary>One call to the lab's control API; a lab that is gone, or a refused call, ends the command.</summary>
    internal T Control<T>(VaultDrLab lab, Func<LabControlEndpoints, CancellationToken, Task<T>> call)
    {
        if (LabProcesses.HasExited(lab))
        {
            ThrowFailure(new VaultDrOperationException("VaultDrLabNotRunning", $"The lab (process {lab.ProcessId}) is not running. Start one with Start-VaultDrLab."), lab.ControlAddress);
        }

        try
        {
            return Run((log, cancellationToken) => call(new LabControlEndpoints(lab, log), cancellationToken));
        }
        catch (VaultDrException e)
        {
            ThrowFailure(e, lab.ControlAddress);
            throw; // not reached: ThrowFailure always throws
        }
    }

    /// <inheritdoc cref="Control{T}(VaultDrLab, Func{LabControlEndpoints, CancellationToken, Task{T}})"/>
    internal void Control(VaultDrLab lab, Func<LabControlEndpoints, CancellationToken, Task> call) =>
        Control(lab, async (control, cancellationToken) =>
        {
            await call(control, cancellationToken).ConfigureAwait(false);
            return true;
        });
}
