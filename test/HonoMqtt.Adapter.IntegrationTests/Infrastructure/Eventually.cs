using System.Diagnostics;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// Polls a real condition until it holds or a deadline passes, instead of sleeping for a fixed time.
/// An exception thrown by the condition counts as "not yet" and is reported if the deadline passes.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(200);

    public static Task Until(Func<bool> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default) =>
        Until(_ => Task.FromResult(condition()), timeout, because, cancellationToken);

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default) =>
        Until(_ => condition(), timeout, because, cancellationToken);

    /// <summary>
    /// Evaluates <paramref name="condition"/> (given a token that is cancelled at the deadline) until it returns true.
    /// Throws <see cref="TimeoutException"/> naming <paramref name="because"/> and the last error if it does not within
    /// <paramref name="timeout"/>; <see cref="OperationCanceledException"/> if <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task Until(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        var interval = FirstInterval;
        var attempts = 0;
        Exception? lastError = null;
        while (true)
        {
            attempts++;
            try
            {
                if (await condition(deadline.Token).ConfigureAwait(false))
                {
                    return;
                }

                lastError = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = e;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var detail = lastError is null ? string.Empty : $"; last error: {lastError.GetType().Name}: {lastError.Message}";
                throw new TimeoutException(
                    $"waited {clock.Elapsed.TotalSeconds:0.0} s ({attempts} attempts) until {because}, in vain{detail}", lastError);
            }

            await Task.Delay(interval < left ? interval : left, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxInterval.Ticks));
        }
    }
}
