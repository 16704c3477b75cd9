using Microsoft.Extensions.Hosting;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>Records <c>hono.connections.authenticated.duration</c> every 10 s [MicrometerBasedMetrics DEVICE_CONNECTION_DURATION_RECORDING_INTERVAL_IN_MS].</summary>
public sealed class ConnectionDurationRecorder(PrometheusMetrics metrics, TimeProvider timeProvider) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                metrics.RecordConnectionDurations();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }

        // What accumulated since the last tick, so that a stopping instance reports its connections' time too.
        metrics.RecordConnectionDurations();
    }
}
