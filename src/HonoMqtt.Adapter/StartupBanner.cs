using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter;

/// <summary>Says loudly when the demo registry's well-known credentials are in use.</summary>
public sealed partial class StartupBanner(FileDeviceRegistry registry, MessagingOptions messaging, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (registry.UsesDemoRegistry)
        {
            LogDemoRegistry();
        }

        if (messaging.UsesEmbeddedEndpoint)
        {
            LogEmbedded();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1001, LogLevel.Warning,
        "DEMO REGISTRY IN USE: devices 'sensor1@DEFAULT_TENANT' / 'hono-secret' and 'gw@DEFAULT_TENANT' / 'gw-secret' can connect. " +
        "Set hono:registry:path to your own registry file before exposing this adapter.")]
    private partial void LogDemoRegistry();

    [LoggerMessage(1002, LogLevel.Warning,
        "Using the embedded AMQP endpoint: business applications attach to telemetry/<tenant> and event/<tenant> on this adapter. " +
        "It is a single-node convenience, not a broker: nothing is stored. Set hono:messaging:host for a real messaging network.")]
    private partial void LogEmbedded();
}
