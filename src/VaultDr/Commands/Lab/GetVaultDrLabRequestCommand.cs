using System.Management.Automation;
using System.Text.Json;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Reads the lab's request log: every API request each cluster received (no bodies, no tokens).</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrLabRequest", DefaultParameterSetName = LabSet)]
[OutputType(typeof(LabRequestRecord))]
public sealed class GetVaultDrLabRequestCommand : VaultDrLabCmdlet
{
    private const string LabSet = "Lab";
    private const string ClusterSet = "Cluster";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LabSet, ValueFromPipeline = true)]
    public VaultDrLab Lab { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = ClusterSet, ValueFromPipeline = true)]
    public LabCluster Cluster { get; set; } = null!;

    protected override void ProcessRecord()
    {
        var lab = ParameterSetName == ClusterSet ? Cluster.Lab : Lab;
        var path = ParameterSetName == ClusterSet ? $"lab/requests?cluster={Uri.EscapeDataString(Cluster.Name)}" : "lab/requests";
        var response = Control(lab, HttpMethod.Get, path);
        if (response.Root is not { } root)
        {
            return;
        }

        var entries = root.ValueKind == JsonValueKind.Array ? root : root.TryGetProperty("requests", out var list) ? list : default;
        if (entries.ValueKind != JsonValueKind.Array)
        {
            throw new VaultResponseException("The lab's request log is not a list.");
        }

        foreach (var entry in entries.EnumerateArray())
        {
            WriteObject(new LabRequestRecord
            {
                Cluster = entry.GetString("cluster") ?? string.Empty,
                Method = entry.GetString("method") ?? string.Empty,
                Path = entry.GetString("path") ?? string.Empty,
                Query = entry.GetString("query"),
                Status = (int)(entry.GetInt64("status") ?? 0),
                Time = entry.GetTime("time") ?? default,
                Faulted = entry.GetBoolean("faulted") ?? false,
            });
        }
    }
}
