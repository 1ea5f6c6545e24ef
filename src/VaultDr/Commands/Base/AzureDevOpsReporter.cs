using System.Security;
using VaultDr.Client;
using VaultDr.Pipeline;

namespace VaultDr.Commands;

/// <summary>
/// Speaks to an Azure Pipelines agent (TF_BUILD): logging commands written to the host's stdout, where the agent
/// reads them. Elsewhere every method does nothing, except the checks of -AzDevOpsVariable.
/// </summary>
internal sealed class AzureDevOpsReporter
{
    private readonly CmdletStreams _streams;

    internal AzureDevOpsReporter(CmdletStreams streams) => _streams = streams;

    internal static bool IsAgent => AzureDevOps.IsAgent();

    /// <summary>An error or warning annotation on the run (##vso[task.logissue]).</summary>
    internal void Issue(string type, string message) => Write(AzureDevOps.LogIssue(type, message));

    /// <summary>Starts a folded group in the step's log.</summary>
    internal void GroupStart(string title) => Write(AzureDevOps.GroupStart(title));

    internal void GroupEnd() => Write(AzureDevOps.GroupEnd);

    /// <summary>Sets the step's result (##vso[task.complete]): SucceededWithIssues for a run that only warns.</summary>
    internal void Complete(string result, string message) => Write(AzureDevOps.TaskComplete(result, message));

    /// <summary>Writes <paramref name="markdown"/> to the agent's temp directory and uploads it to the run's summary tab.</summary>
    internal void UploadSummary(string fileStem, string markdown)
    {
        if (!IsAgent)
        {
            return;
        }

        var path = Path.Combine(AzureDevOps.TempDirectory(), $"{fileStem}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}.md");
        File.WriteAllText(path, markdown);
        Write(AzureDevOps.UploadSummary(path));
    }

    /// <summary>
    /// -AzDevOpsVariable: stores a secret in a secret pipeline variable (issecret=true, masked by the agent from then
    /// on) instead of showing it.
    /// </summary>
    internal void SetSecret(string name, SecureString secret) => Write(AzureDevOps.SetSecretVariable(name, SecretText.Reveal(secret)));

    /// <summary>
    /// Checks -AzDevOpsVariable before any request is sent: only on an agent, and only a name the agent accepts.
    /// </summary>
    internal static void CheckVariableName(string? name)
    {
        if (name is null)
        {
            return;
        }

        if (!IsAgent)
        {
            throw new VaultDrOperationException("VaultDrNotInAzureDevOps", "-AzDevOpsVariable only works on an Azure Pipelines agent (TF_BUILD is not set); nothing was sent.");
        }

        if (!AzureDevOps.IsValidVariableName(name))
        {
            throw new VaultDrArgumentException("VaultDrInvalidAzDevOpsVariable", $"'{name}' is not a usable pipeline variable name (letters, digits, '.', '_' and '-').");
        }
    }

    private void Write(string line)
    {
        if (IsAgent)
        {
            _streams.HostLine(line);
        }
    }
}
