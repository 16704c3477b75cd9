using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Tasks that run on after their caller returned (waits for PUBACKs, "ttd=0" notifications): failures are logged,
/// and on shutdown the remaining ones are awaited within a bound.
/// </summary>
public sealed class BackgroundWork(ILogger<BackgroundWork> logger)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public int Count => _running.Count;

    public void Track(Task task)
    {
        if (task.IsCompleted)
        {
            Observe(task);
            return;
        }

        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t =>
        {
            _running.TryRemove(t, out _);
            Observe(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool and tracks it.</summary>
    public void Run(Func<Task> work) => Track(Task.Run(work));

    /// <summary>Waits for what is running, at most <paramref name="bound"/>.</summary>
    public async Task DrainAsync(TimeSpan bound)
    {
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the rest ends with the process
        }
        catch (Exception)
        {
            // logged by Observe
        }
    }

    private void Observe(Task task)
    {
        if (task.IsFaulted)
        {
            logger.BackgroundFailed(task.Exception!.GetBaseException());
        }
    }
}
