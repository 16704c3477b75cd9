namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// The liveness probe: a work item queued on the thread pool's global queue must start within the timeout. A starved
/// pool (blocked threads, deadlocked waits) is what Hono's "event loop blocked" check detects on vert.x.
/// </summary>
public static class ThreadPoolProbe
{
    /// <summary>How long the work item waited, or null if it did not run within <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan?> MeasureAsync(TimeProvider timeProvider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var queued = timeProvider.GetTimestamp();
        var ran = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadPool.UnsafeQueueUserWorkItem(
            state => state.Completion.TrySetResult(state.TimeProvider.GetElapsedTime(state.Queued)),
            (Completion: ran, TimeProvider: timeProvider, Queued: queued),
            preferLocal: false);
        try
        {
            return await ran.Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
