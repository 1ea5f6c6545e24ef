using System.Collections.Concurrent;

namespace VaultDr.Commands;

/// <summary>
/// Lets asynchronous work reach the pipeline thread. The work (an HTTP call, a failover) runs off that thread or
/// starts inline and continues on the thread pool; whatever it needs done on the pipeline thread (show a message,
/// ask ShouldProcess, draw progress) is queued here and done by the pipeline thread while it waits for the work.
/// </summary>
/// <remarks>
/// Each queued item and the end of the work release the signal once; the pipeline thread drains the queue on every
/// wake-up. (BlockingCollection did the same but ended its consumer with an internal exception, which cost more
/// than the HTTP call.) The semaphore is never disposed: the work's continuation may still release it after the
/// pipeline thread has moved on, and without a wait handle it holds nothing to free. Both are made on first use: a
/// single read without -Verbose queues nothing and finishes before it is driven, so it needs neither.
/// </remarks>
internal sealed class MessagePump
{
    private ConcurrentQueue<Action>? _queue;
    private SemaphoreSlim? _signal;

    private ConcurrentQueue<Action> Queue => LazyInitializer.EnsureInitialized(ref _queue);

    private SemaphoreSlim Signal => LazyInitializer.EnsureInitialized(ref _signal, static () => new SemaphoreSlim(0));

    /// <summary>Queues an action for the pipeline thread; it runs the next time the pump drains.</summary>
    internal void Post(Action onPipelineThread)
    {
        Queue.Enqueue(onPipelineThread);
        Signal.Release();
    }

    /// <summary>Runs a function on the pipeline thread and lets the work await its result (or its exception).</summary>
    internal Task<T> Ask<T>(Func<T> onPipelineThread)
    {
        // The work resumes on the thread pool, never inside the pipeline thread's drain loop.
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                answer.SetResult(onPipelineThread());
            }
            catch (Exception e)
            {
                answer.SetException(e);
            }
        });
        return answer.Task;
    }

    /// <summary>
    /// Does what the work queues, on this (the pipeline) thread, until the work has finished and nothing is left;
    /// then returns its result or throws its exception.
    /// </summary>
    internal T Drive<T>(Task<T> work)
    {
        if (!work.IsCompleted)
        {
            work.ContinueWith(static (_, signal) => ((SemaphoreSlim)signal!).Release(), Signal, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        while (true)
        {
            // Seen before draining: whatever the work queued before it finished is in the queue by then.
            var finished = work.IsCompleted;
            while (Volatile.Read(ref _queue) is { } queue && queue.TryDequeue(out var action))
            {
                action();
            }

            if (finished)
            {
                return work.GetAwaiter().GetResult();
            }

            Signal.Wait();
        }
    }
}
