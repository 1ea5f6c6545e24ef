using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Host;
using VaultDr.Client;
using VaultDr.Pipeline;

namespace VaultDr.Commands;

/// <summary>
/// Cross-cutting behaviour of every VaultDr cmdlet: Ctrl+C cancels the HTTP call, messages from the
/// HTTP core reach the pipeline thread, exceptions become ErrorRecords in one place, and confirmation
/// fails cleanly (never hangs or crashes) in sessions that cannot prompt.
/// </summary>
public abstract class VaultDrCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    protected CancellationToken CancelToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// With -Debug, PowerShell turns verbose and warning messages of compiled cmdlets into Inquire: it
    /// writes the message, then prompts. A session that cannot prompt (pwsh -NonInteractive, a pipeline
    /// agent) throws there, after the message is out; VaultDr keeps going instead of failing the call.
    /// </summary>
    public new void WriteVerbose(string text) => WithoutPrompt(() => base.WriteVerbose(text));

    /// <inheritdoc cref="WriteVerbose(string)"/>
    public new void WriteWarning(string text)
    {
        WithoutPrompt(() => base.WriteWarning(text));
        if (!Silenced("WarningAction", "WarningPreference"))
        {
            ToAgent(AzureDevOps.LogIssue("warning", text));
        }
    }

    /// <inheritdoc cref="WriteVerbose(string)"/>
    public new void WriteDebug(string text) => WithoutPrompt(() => base.WriteDebug(text));

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

    /// <summary>
    /// Runs asynchronous work while relaying its log messages on the pipeline thread, so -Verbose shows
    /// each attempt as it happens and Ctrl+C stops it. The work starts inline (no Task.Run hop: its
    /// I/O completes on the thread pool anyway) with no SynchronizationContext, so a host that installs
    /// one cannot deadlock it while this thread waits for messages. With <paramref name="readOnThisThread"/>
    /// (one request at a time, nothing to overlap), GETs are read on this thread (<see cref="CallingThreadReads"/>).
    /// </summary>
    internal T Run<T>(Func<IVaultCallLog, CancellationToken, Task<T>> work, bool readOnThisThread = false)
    {
        if (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        var log = new QueuedCallLog(Wanted("Debug", "DebugPreference"), Wanted("Verbose", "VerbosePreference"));
        Task<T> task;
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        var claimed = readOnThisThread ? CallingThreadReads.Claim() : (bool?)null;
        try
        {
            task = Started(work, log);
        }
        finally
        {
            if (claimed is { } previous)
            {
                CallingThreadReads.Restore(previous);
            }

            SynchronizationContext.SetSynchronizationContext(context);
        }

        if (!task.IsCompleted)
        {
            task.ContinueWith(static (_, state) => ((QueuedCallLog)state!).Finish(), log, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // Messages are shown as they come; the loop ends once the work has finished and nothing is left.
        while (true)
        {
            // Seen before draining: whatever the work wrote before it finished is in the queue by then.
            var finished = task.IsCompleted;
            while (log.TryTake(out var message))
            {
                Show(message.Kind, message.Text);
            }

            if (finished)
            {
                break;
            }

            log.WaitForMore();
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void Show(char kind, string text)
    {
        switch (kind)
        {
            case 'V':
                WriteVerbose(text);
                break;
            case 'D':
                WriteDebug(text);
                break;
            default:
                WriteWarning(text);
                break;
        }
    }

    // A synchronous throw from work becomes a faulted task, as it did under Task.Run.
    private Task<T> Started<T>(Func<IVaultCallLog, CancellationToken, Task<T>> work, IVaultCallLog log)
    {
        try
        {
            return work(log, CancelToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>
    /// Whether WriteDebug (or WriteVerbose) would show anything: -Debug (-Verbose), else $DebugPreference
    /// ($VerbosePreference). When the preference cannot be read (a bare runspace), the text is built.
    /// </summary>
    private bool Wanted(string parameter, string preferenceVariable)
    {
        if (MyInvocation?.BoundParameters is { } bound && bound.TryGetValue(parameter, out var switched))
        {
            return switched is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(switched);
        }

        object? preference;
        try
        {
            preference = GetVariableValue(preferenceVariable);
        }
        catch (Exception e) when (e is PSInvalidOperationException or NullReferenceException)
        {
            return true;
        }

        return preference is not ActionPreference.SilentlyContinue and not ActionPreference.Ignore;
    }

    internal VaultResponse Send(VaultDrConnection connection, VaultRequest request) =>
        Run((log, cancellationToken) => connection.Client.SendAsync(request, log, cancellationToken), readOnThisThread: true);

    /// <summary>The one mapping from a VaultDr exception to an ErrorRecord.</summary>
    internal static ErrorRecord ToErrorRecord(VaultDrException exception, object? target) =>
        new(exception, exception.ErrorId, exception.Category, target);

    internal void WriteFailure(VaultDrException exception, object? target)
    {
        // An error the caller chose to silence is not an annotation on the pipeline run either.
        if (!Silenced("ErrorAction", "ErrorActionPreference"))
        {
            ToAgent(AzureDevOps.LogIssue("error", exception.Message));
        }

        WriteError(ToErrorRecord(exception, target));
    }

    /// <summary>-ErrorAction/-WarningAction (or the preference variable) is SilentlyContinue or Ignore.</summary>
    private bool Silenced(string parameter, string preferenceVariable)
    {
        var value = MyInvocation.BoundParameters.TryGetValue(parameter, out var bound) ? bound : GetVariableValue(preferenceVariable);
        if (value is PSObject wrapped)
        {
            value = wrapped.BaseObject;
        }

        return value is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
    }

    internal void ThrowFailure(VaultDrException exception, object? target)
    {
        ToAgent(AzureDevOps.LogIssue("error", exception.Message));
        ThrowTerminatingError(ToErrorRecord(exception, target));
    }

    /// <summary>
    /// On an Azure Pipelines agent (TF_BUILD), writes a logging command to the host's stdout, where the
    /// agent reads it. Elsewhere it does nothing.
    /// </summary>
    internal void ToAgent(string line)
    {
        if (AzureDevOps.IsAgent() && Host?.UI is { } ui)
        {
            WithoutPrompt(() => ui.WriteLine(line));
        }
    }

    /// <summary>
    /// -AzDevOpsVariable: stores a secret in a secret pipeline variable (issecret=true, masked by the agent)
    /// instead of showing it. Only on an agent; the name is checked before any request is sent.
    /// </summary>
    internal void CheckAzDevOpsVariable(string? name)
    {
        if (name is null)
        {
            return;
        }

        if (!AzureDevOps.IsAgent())
        {
            ThrowFailure(new VaultDrOperationException("VaultDrNotInAzureDevOps", "-AzDevOpsVariable only works on an Azure Pipelines agent (TF_BUILD is not set); nothing was sent."), name);
        }

        if (!AzureDevOps.IsValidVariableName(name))
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrInvalidAzDevOpsVariable", $"'{name}' is not a usable pipeline variable name (letters, digits, '.', '_' and '-')."), name);
        }
    }

    internal void SetAzDevOpsSecret(string name, System.Security.SecureString secret) =>
        ToAgent(AzureDevOps.SetSecretVariable(name, SecretText.Reveal(secret)));

    /// <summary>Runs a local input check; a failure ends the command before any request is sent.</summary>
    internal T Checked<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (VaultDrException e)
        {
            ThrowFailure(e, null);
            throw; // not reached: ThrowFailure always throws
        }
    }

    internal void Checked(Action check) => Checked(() =>
    {
        check();
        return true;
    });

    /// <summary>
    /// ShouldProcess, except that a session which cannot prompt (pwsh -NonInteractive, a hosted runspace,
    /// an Azure DevOps agent) gets a clear terminating error instead of a host exception. Nothing has
    /// been sent when this fails.
    /// </summary>
    internal bool ShouldChange(string target, string action)
    {
        try
        {
            return ShouldProcess(target, action);
        }
        catch (Exception e) when (e is PSInvalidOperationException or HostException)
        {
            ThrowFailure(
                new VaultDrOperationException(
                    "VaultDrConfirmationRequired",
                    $"'{action}' on {target} needs confirmation, and this session cannot ask for it. Nothing was sent. " +
                    "Add -Confirm:$false to proceed without asking, or -WhatIf to see what would happen."),
                target);
            return false;
        }
    }

    /// <summary>
    /// The work's messages, queued for the pipeline thread. Each message and the end of the work release the
    /// signal once; the pipeline thread drains the queue on every wake-up. (BlockingCollection did the same
    /// but ended its consumer with an internal exception, which cost more than the HTTP call.) The semaphore
    /// is never disposed: the work's continuation may still release it after the pipeline thread has moved
    /// on, and without a wait handle it holds nothing to free.
    /// </summary>
    private sealed class QueuedCallLog : IVaultCallLog
    {
        private readonly ConcurrentQueue<(char Kind, string Text)> _messages = new();
        private readonly SemaphoreSlim _signal = new(0);

        internal QueuedCallLog(bool debugEnabled, bool verboseEnabled)
        {
            DebugEnabled = debugEnabled;
            VerboseEnabled = verboseEnabled;
        }

        public bool DebugEnabled { get; }

        public bool VerboseEnabled { get; }

        public void Verbose(string message) => Post('V', message);

        public void Debug(string message) => Post('D', message);

        public void Warning(string message) => Post('W', message);

        internal bool TryTake(out (char Kind, string Text) message) => _messages.TryDequeue(out message);

        internal void WaitForMore() => _signal.Wait();

        internal void Finish() => _signal.Release();

        private void Post(char kind, string text)
        {
            _messages.Enqueue((kind, text));
            _signal.Release();
        }
    }
}
