using System.Text.Json;
using VaultDr.Client;

namespace VaultDr.LabControl;

/// <summary>What a LabCluster takes from the lab's description of it (GET lab, or a cluster action's answer).</summary>
internal static class LabClusterRefresh
{
    internal static void Apply(LabCluster cluster, JsonElement description)
    {
        cluster.CertificateNotAfter = description.GetTime("certificateNotAfter");
        cluster.ClockSkew = TimeSpan.FromMilliseconds(description.GetInt64("clockSkewMs") ?? 0);
    }
}
