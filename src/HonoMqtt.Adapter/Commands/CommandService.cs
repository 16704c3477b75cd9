using HonoMqtt.Adapter.Commands.Embedded;
using HonoMqtt.Adapter.Downstream.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Starts command reception before the MQTT server (hosted services start in order) and, after it has stopped, waits a
/// bounded time for the settling of what is still pending.
/// </summary>
public sealed class CommandService(IServiceProvider services, BackgroundWork background) : IHostedService
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<EmbeddedAmqpEndpoint>() is { } endpoint)
        {
            endpoint.SenderLinkHandler = services.GetRequiredService<EmbeddedCommandReceiver>();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => background.DrainAsync(DrainBound);
}
