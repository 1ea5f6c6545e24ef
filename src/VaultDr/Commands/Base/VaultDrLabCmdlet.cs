using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>A cmdlet that talks to a running lab's control API.</summary>
public abstract class VaultDrLabCmdlet : VaultDrCmdlet
{
    internal VaultResponse Control(VaultDrLab lab, HttpMethod method, string path, params (string Name, object? Value)[] fields)
    {
        if (lab.HasExited)
        {
            ThrowFailure(new VaultDrOperationException("VaultDrLabNotRunning", $"The lab (process {lab.ProcessId}) is not running. Start one with Start-VaultDrLab."), lab.ControlAddress);
        }

        var request = VaultRequest.LabControl(method, path);
        foreach (var (name, value) in fields)
        {
            request.With(name, value);
        }

        try
        {
            return Send(lab.Control, request);
        }
        catch (VaultDrException e)
        {
            ThrowFailure(e, lab.ControlAddress);
            throw; // not reached: ThrowFailure always throws
        }
    }

    internal static string ClusterPath(LabCluster cluster, string action) => $"lab/clusters/{Uri.EscapeDataString(cluster.Name)}/{action}";
}
