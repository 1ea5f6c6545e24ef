using System.Management.Automation.Runspaces;

namespace VaultDr.LabControl;

/// <summary>
/// The labs started from each runspace, so Get-VaultDrLab and Stop-VaultDrLab without -Lab act on this
/// session's labs only (two runspaces in one process never see each other's).
/// </summary>
internal static class LabRegistry
{
    private static readonly Dictionary<Guid, List<VaultDrLab>> Labs = new();

    private static Guid Current => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;

    internal static void Add(VaultDrLab lab)
    {
        lock (Labs)
        {
            if (!Labs.TryGetValue(Current, out var list))
            {
                Labs[Current] = list = new List<VaultDrLab>();
            }

            list.Add(lab);
        }
    }

    internal static IReadOnlyList<VaultDrLab> Mine()
    {
        lock (Labs)
        {
            return Labs.TryGetValue(Current, out var list) ? list.ToArray() : Array.Empty<VaultDrLab>();
        }
    }

    /// <summary>The lab cluster of this session whose Connection is <paramref name="connection"/>, if any.</summary>
    internal static LabCluster? ClusterOf(VaultDrConnection connection) =>
        Mine().SelectMany(lab => lab.Clusters).FirstOrDefault(cluster => ReferenceEquals(cluster.Connection, connection));

    internal static void Remove(VaultDrLab lab)
    {
        lock (Labs)
        {
            foreach (var list in Labs.Values)
            {
                list.Remove(lab);
            }
        }
    }
}
