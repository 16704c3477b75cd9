using System.Diagnostics;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>Waits for a condition with a deadline (polling), never for a fixed time.</summary>
public static class Eventually
{
    public static async Task<bool> TryUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        if (!await TryUntilAsync(condition, timeout))
        {
            throw new TimeoutException($"not within {timeout.TotalMilliseconds} ms: {what}");
        }
    }
}
