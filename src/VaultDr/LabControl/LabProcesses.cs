using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace VaultDr.LabControl;

/// <summary>
/// The process behind each lab this module started. The lab model (<see cref="VaultDrLab"/>) is plain data; its
/// process handle lives here, for as long as the model does, and marks the model when the process ends.
/// </summary>
internal static class LabProcesses
{
    private static readonly ConditionalWeakTable<VaultDrLab, Process> Processes = new();

    internal static void Track(VaultDrLab lab, Process process)
    {
        Processes.AddOrUpdate(lab, process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => lab.HasExited = true;
        if (process.HasExited)
        {
            lab.HasExited = true;
        }
    }

    /// <summary>True once the lab's process has ended (or when this module never held it).</summary>
    internal static bool HasExited(VaultDrLab lab) => !Processes.TryGetValue(lab, out var process) || process.HasExited;

    /// <summary>Waits up to <paramref name="timeout"/> for the lab's process to end; true when it has.</summary>
    internal static bool WaitForExit(VaultDrLab lab, TimeSpan timeout) =>
        !Processes.TryGetValue(lab, out var process) || process.WaitForExit(timeout);

    /// <summary>Ends the lab's process (and its children) and waits until it has been reaped.</summary>
    internal static void Kill(VaultDrLab lab)
    {
        if (Processes.TryGetValue(lab, out var process))
        {
            LabLauncher.Kill(process);
        }
    }
}
