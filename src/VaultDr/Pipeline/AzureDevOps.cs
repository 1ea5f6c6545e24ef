using System.Text;

namespace VaultDr.Pipeline;

/// <summary>
/// Azure Pipelines logging commands. An agent sets TF_BUILD and reads these lines from the step's stdout:
/// errors and warnings become annotations, groups fold long steps, and setvariable with issecret=true
/// stores a value the agent masks in every later log line.
/// </summary>
internal static class AzureDevOps
{
    internal static bool IsAgent(Func<string, string?>? environment = null) =>
        string.Equals((environment ?? Environment.GetEnvironmentVariable)("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>##vso[task.logissue type=error|warning]message</summary>
    internal static string LogIssue(string type, string message) => $"##vso[task.logissue type={type}]{EscapeData(message)}";

    internal static string GroupStart(string title) => $"##[group]{EscapeData(title)}";

    internal const string GroupEnd = "##[endgroup]";

    /// <summary>##vso[task.uploadsummary]path — the agent shows the markdown file on the run's summary tab.</summary>
    internal static string UploadSummary(string path) => $"##vso[task.uploadsummary]{EscapeData(path)}";

    /// <summary>
    /// ##vso[task.complete result=RESULT;]message — sets the step's result (Succeeded, SucceededWithIssues, Failed) without
    /// ending it; the agent applies it when the step ends.
    /// </summary>
    internal static string TaskComplete(string result, string message = "") =>
        $"##vso[task.complete result={EscapeProperty(result)};]{EscapeData(message)}";

    /// <summary>Where a summary file goes on an agent: its temp directory (Agent.TempDirectory), else the system's.</summary>
    internal static string TempDirectory(Func<string, string?>? environment = null) =>
        (environment ?? Environment.GetEnvironmentVariable)("AGENT_TEMPDIRECTORY") is { Length: > 0 } agentTemp ? agentTemp : Path.GetTempPath();

    /// <summary>##vso[task.setvariable variable=NAME;issecret=true]value — the agent masks the value from then on.</summary>
    internal static string SetSecretVariable(string name, string value) =>
        $"##vso[task.setvariable variable={EscapeProperty(name)};issecret=true]{EscapeData(value)}";

    /// <summary>A pipeline variable name: letters, digits, '.', '_' and '-'; the system. namespace belongs to the agent.</summary>
    internal static bool IsValidVariableName(string name) =>
        name.Length is > 0 and <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') && !name.StartsWith("system.", StringComparison.OrdinalIgnoreCase);

    // The agent's own escaping rules (azure-pipelines-agent, CommandStringConvertor).
    internal static string EscapeData(string value) => new StringBuilder(value)
        .Replace("%", "%AZP25")
        .Replace("\r", "%0D")
        .Replace("\n", "%0A")
        .ToString();

    internal static string EscapeProperty(string value) => new StringBuilder(value)
        .Replace("%", "%AZP25")
        .Replace("\r", "%0D")
        .Replace("\n", "%0A")
        .Replace("]", "%5D")
        .Replace(";", "%3B")
        .ToString();
}
