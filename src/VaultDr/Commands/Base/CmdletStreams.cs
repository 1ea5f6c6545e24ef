using System.Management.Automation;
using System.Management.Automation.Host;
using VaultDr.Orchestration;
using VaultDr.Pipeline;

namespace VaultDr.Commands;

/// <summary>
/// A VaultDr cmdlet's verbose, warning, debug and progress output, and lines for the host. Two rules that
/// PowerShell's own writers do not keep:
/// <list type="bullet">
/// <item>With -Debug, PowerShell turns verbose and warning messages of compiled cmdlets into Inquire: it writes the
/// message, then prompts. A session that cannot prompt (pwsh -NonInteractive, a pipeline agent) throws there, after
/// the message is out; these writers keep going instead of failing the call.</item>
/// <item>Every progress bar written here is completed by <see cref="CompleteProgress"/>, which the cmdlet base calls
/// when the work ends, however it ends, so no bar is left to be redrawn over later output.</item>
/// </list>
/// A warning is also a warning annotation on an Azure Pipelines run, unless the caller silenced warnings.
/// Call these on the pipeline thread only (work off that thread goes through the <see cref="MessagePump"/>).
/// </summary>
internal sealed class CmdletStreams
{
    private readonly Cmdlet _cmdlet;
    private readonly StreamPreferences _preferences;
    private static long LastSourceId = long.MaxValue / 2;
    private readonly Dictionary<int, string> _openProgress = new();

    // Once Ctrl+C is pressed, PowerShell's command runtime refuses every write, the record that would close a bar
    // included, and the console host keeps drawing an unclosed bar until the whole script ends (over the output of
    // its finally blocks and the next prompt). The bars are written under a source id of our own, so the closing
    // record can go straight to the host then, and reach the very bar it closes.
    private readonly long _sourceId = Interlocked.Increment(ref LastSourceId);

    internal CmdletStreams(Cmdlet cmdlet, StreamPreferences preferences)
    {
        _cmdlet = cmdlet;
        _preferences = preferences;
    }

#pragma warning disable RS0030 // The one place that calls PowerShell's writers (BannedSymbols.txt).
    internal void Verbose(string text) => WithoutPrompt(() => _cmdlet.WriteVerbose(text));

    internal void Debug(string text) => WithoutPrompt(() => _cmdlet.WriteDebug(text));

    internal void Warning(string text)
    {
        WithoutPrompt(() => _cmdlet.WriteWarning(text));
        if (AzureDevOps.IsAgent() && !_preferences.WarningsSilenced)
        {
            HostLine(AzureDevOps.LogIssue("warning", text));
        }
    }

    /// <summary>Draws or updates a progress bar; a completed record closes it.</summary>
    internal void Progress(ProgressRecord record)
    {
        if (record.RecordType == ProgressRecordType.Completed)
        {
            _openProgress.Remove(record.ActivityId);
        }
        else
        {
            if (_cmdlet.Stopping)
            {
                throw new PipelineStoppedException();
            }

            _openProgress[record.ActivityId] = record.Activity;
        }

        if (record.RecordType == ProgressRecordType.Completed && _cmdlet.Stopping && _cmdlet is PSCmdlet { Host.UI: { } ui })
        {
            ui.WriteProgress(_sourceId, record);
            return;
        }

        _cmdlet.CommandRuntime.WriteProgress(_sourceId, record);
    }
#pragma warning restore RS0030

    /// <summary>A workflow's progress update as a progress bar.</summary>
    internal void Progress(WorkflowProgress progress) => Progress(new ProgressRecord(progress.Id, progress.Activity, progress.Status)
    {
        PercentComplete = progress.PercentComplete ?? -1,
        RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
    });

    /// <summary>Completes every progress bar still open (on success, failure and Ctrl+C alike).</summary>
    internal void CompleteProgress()
    {
        foreach (var (id, activity) in _openProgress.ToArray())
        {
            Progress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>A line on the host's output (where an Azure Pipelines agent reads logging commands).</summary>
    internal void HostLine(string line)
    {
        if (_cmdlet is PSCmdlet { Host.UI: { } ui })
        {
            WithoutPrompt(() => ui.WriteLine(line));
        }
    }

    private static void WithoutPrompt(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is PSInvalidOperationException or HostException)
        {
            // The message was written; only the prompt that follows it was impossible.
        }
    }
}
