using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>
/// The base of every VaultDr cmdlet: Ctrl+C cancels the work, VaultDr exceptions become ErrorRecords in one place,
/// and asynchronous work runs with its messages, prompts and progress brought to the pipeline thread. The pieces
/// live in classes of their own: <see cref="MessagePump"/>, <see cref="CmdletStreams"/> (prompt-safe writers),
/// <see cref="AzureDevOpsReporter"/> and <see cref="ConfirmationGuard"/>.
/// </summary>
public abstract class VaultDrCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private StreamPreferences? _preferences;
    private CmdletStreams? _streams;
    private AzureDevOpsReporter? _agent;
    private ConfirmationGuard? _confirmations;

    internal CancellationToken CancelToken => _stopping.Token;

    internal StreamPreferences Preferences => _preferences ??= new StreamPreferences(this);

    /// <summary>Verbose, warning, debug and progress output: use these, not WriteVerbose/WriteWarning/WriteDebug.</summary>
    internal CmdletStreams Streams => _streams ??= new CmdletStreams(this, Preferences);

    internal AzureDevOpsReporter Agent => _agent ??= new AzureDevOpsReporter(Streams);

    internal ConfirmationGuard Confirmations => _confirmations ??= new ConfirmationGuard(this);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected override void StopProcessing() => _stopping.Cancel();

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// Runs asynchronous work and relays its log messages on the pipeline thread as they come, so -Verbose shows each
    /// attempt as it happens and Ctrl+C stops it. The work starts inline (no Task.Run hop: its I/O completes on the
    /// thread pool anyway) with no SynchronizationContext, so a host that installs one cannot deadlock it while this
    /// thread waits for messages.
    /// </summary>
    internal T Run<T>(Func<IVaultCallLog, CancellationToken, Task<T>> work) =>
        Run((pump, log, cancellationToken) => work(log, cancellationToken));

    /// <summary>
    /// Runs a workflow (see Orchestration/): as <see cref="Run{T}(Func{IVaultCallLog, CancellationToken, Task{T}})"/>, and
    /// its confirmations and progress reach ShouldProcess and the progress bar on the pipeline thread.
    /// </summary>
    internal T RunWorkflow<T>(Func<WorkflowHost, CancellationToken, Task<T>> work) =>
        Run((pump, log, cancellationToken) => work(
            new WorkflowHost(
                log,
                (target, action) => pump.Ask(() => Confirmations.Confirm(target, action)),
                progress => pump.Post(() => Streams.Progress(progress)),
                TimeProvider.System,
                title => pump.Post(() =>
                {
                    if (title is null)
                    {
                        Agent.GroupEnd();
                    }
                    else
                    {
                        Agent.GroupStart(title);
                    }
                })),
            cancellationToken));

    /// <summary>The one mapping from a VaultDr exception to an ErrorRecord.</summary>
    internal static ErrorRecord ToErrorRecord(VaultDrException exception, object? target) =>
        new(exception, exception.ErrorId, exception.Category, target);

    /// <summary>A non-terminating error (and, on an Azure Pipelines agent, an error annotation unless silenced).</summary>
    internal void WriteFailure(VaultDrException exception, object? target)
    {
        if (!Preferences.ErrorsSilenced)
        {
            Agent.Issue("error", exception.Message);
        }

        WriteError(ToErrorRecord(exception, target));
    }

    /// <summary>A terminating error (and, on an Azure Pipelines agent, an error annotation).</summary>
    internal void ThrowFailure(VaultDrException exception, object? target)
    {
        Agent.Issue("error", exception.Message);
        ThrowTerminatingError(ToErrorRecord(exception, target));
    }

    /// <summary>Runs a local input check; a failure ends the command before any request is sent.</summary>
    internal T Checked<T>(Func<T> check, object? target = null)
    {
        try
        {
            return check();
        }
        catch (VaultDrException e)
        {
            ThrowFailure(e, target);
            throw; // not reached: ThrowFailure always throws
        }
    }

    internal void Checked(Action check, object? target = null) => Checked(
        () =>
        {
            check();
            return true;
        },
        target);

    private T Run<T>(Func<MessagePump, IVaultCallLog, CancellationToken, Task<T>> work)
    {
        if (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        var pump = new MessagePump();
        var log = new PumpedCallLog(pump, Streams, Preferences.DebugWanted, Preferences.VerboseWanted);
        Task<T> task;
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            task = Started(() => work(pump, log, CancelToken));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        try
        {
            return pump.Drive(task);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            Streams.CompleteProgress();
        }
    }

    // A synchronous throw from work becomes a faulted task, as it would under Task.Run.
    private static Task<T> Started<T>(Func<Task<T>> work)
    {
        try
        {
            return work();
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
