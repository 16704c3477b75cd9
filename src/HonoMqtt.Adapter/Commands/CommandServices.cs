using HonoMqtt.Adapter.Commands.Amqp;
using HonoMqtt.Adapter.Commands.Embedded;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.DependencyInjection;

namespace HonoMqtt.Adapter.Commands;

/// <summary>Registers command &amp; control; call before the MQTT server's hosted service is added.</summary>
public static class CommandServices
{
    public static IServiceCollection AddCommandAndControl(this IServiceCollection services, HonoConfiguration hono)
    {
        services.AddSingleton(sp => new CommandMessageFactory(sp.GetRequiredService<TimeProvider>(), hono.Mqtt.DefaultsEnabled));
        services.AddSingleton<CommandRegistrations>();
        services.AddSingleton<CommandSessions>();
        services.AddSingleton<CommandLimits>();
        services.AddSingleton<BackgroundWork>();
        services.AddSingleton<DeviceCommandPublisher>();
        services.AddSingleton<CommandDispatcher>();
        services.AddSingleton<TtdNotifier>();
        services.AddSingleton<CommandResponseUploader>();
        if (hono.Messaging.UsesEmbeddedEndpoint)
        {
            services.AddSingleton<ICommandConsumers, LocalCommandConsumers>();
            services.AddSingleton<EmbeddedCommandReceiver>();
        }
        else
        {
            services.AddSingleton<IGatewayDevices, RegistryGatewayDevices>();
            services.AddSingleton<CommandForwarder>();
            services.AddSingleton<AmqpCommandConsumer>();
            services.AddSingleton<ICommandConsumers>(sp => sp.GetRequiredService<AmqpCommandConsumer>());
            services.AddHostedService(sp => sp.GetRequiredService<AmqpCommandConsumer>());
        }

        services.AddSingleton<CommandSubscriptionHandler>();
        services.AddSingleton<ICommandSubscriptionHandler>(sp => sp.GetRequiredService<CommandSubscriptionHandler>());
        services.AddHostedService<CommandService>();
        return services;
    }
}
