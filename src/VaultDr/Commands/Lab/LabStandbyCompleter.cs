using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using VaultDr.Client;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>
/// -NodeId of Stop-/Start-VaultDrLabStandby: the standbys of the bound -Cluster, read from the lab when Tab is pressed
/// (2 s at most); without a cluster, or with a lab that does not answer, nothing.
/// </summary>
public sealed class LabStandbyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ArgumentNullException.ThrowIfNull(fakeBoundParameters);
        var bound = fakeBoundParameters.Contains("Cluster") ? fakeBoundParameters["Cluster"] : null;
        var value = bound is PSObject wrapped ? wrapped.BaseObject : bound;
        var cluster = value switch
        {
            LabCluster labCluster => labCluster,
            string name => LabRegistry.Mine().SelectMany(lab => lab.Clusters).FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)),
            _ => null,
        };
        if (cluster is null || LabProcesses.HasExited(cluster.Lab))
        {
            return [];
        }

        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var ids = new LabControlEndpoints(cluster.Lab, NullCallLog.Instance).ReadStandbyIdsAsync(cluster, limit.Token).GetAwaiter().GetResult();
            return Completions.Matching(wordToComplete, ids.Select(id => (id, $"standby {id} of {cluster.Name}")));
        }
        catch (Exception e) when (e is VaultDrException or OperationCanceledException)
        {
            return [];
        }
    }
}
