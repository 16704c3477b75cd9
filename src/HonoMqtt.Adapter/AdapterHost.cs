using HonoMqtt.Adapter.Auth;
using System.Net;
using HonoMqtt.Adapter.Commands;
using HonoMqtt.Adapter.ConnectionEvents;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Downstream.Amqp;
using HonoMqtt.Adapter.Downstream.Embedded;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace HonoMqtt.Adapter;

/// <summary>Wires the adapter's services; used by <c>Program</c> and by the integration tests.</summary>
public static class AdapterHost
{
    public static WebApplication Build(
        IConfiguration configuration,
        HonoConfiguration hono,
        Action<IServiceCollection>? configure = null,
        Action<LoggerConfiguration>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddConfiguration(configuration);
        // The health check server [Hono common-config.md]: /liveness, /readiness, /started and /prometheus.
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Parse(hono.App.HealthCheckBindAddress), hono.App.HealthCheckPort));
        builder.Services.AddSerilog((_, logger) =>
        {
            logging?.Invoke(logger);
            logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("MQTTnet", Serilog.Events.LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        });
        var services = builder.Services;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMilliseconds(hono.App.ShutdownTimeout));
        services.AddSingleton(hono);
        services.AddSingleton(hono.Mqtt);
        services.AddSingleton(hono.Messaging);
        services.AddSingleton(hono.Registry);
        services.AddSingleton(hono.ConnectionEvents);
        services.AddSingleton(hono.App);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PrometheusMetrics(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAdapterMetrics>(sp => sp.GetRequiredService<PrometheusMetrics>());
        services.AddHostedService<ConnectionDurationRecorder>();
        services.AddSingleton<IReadinessCheck, MessagingReadinessCheck>();
        services.AddSingleton<IReadinessCheck, RegistryReadinessCheck>();

        // Hosted services start in this order and stop in the reverse one: the messaging network is there before
        // the first device connects and is still there when the last "disconnected" event goes out.
        services.AddSingleton<FileDeviceRegistry>();
        services.AddSingleton<IDeviceRegistry>(sp => sp.GetRequiredService<FileDeviceRegistry>());
        services.AddSingleton<ITrustedCaRegistry>(sp => sp.GetRequiredService<FileDeviceRegistry>());
        services.AddHostedService(sp => sp.GetRequiredService<FileDeviceRegistry>());
        if (hono.Messaging.UsesEmbeddedEndpoint)
        {
            services.AddSingleton<EmbeddedAmqpEndpoint>();
            services.AddSingleton<IDownstreamSender>(sp => sp.GetRequiredService<EmbeddedAmqpEndpoint>());
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedAmqpEndpoint>());
        }
        else
        {
            services.AddSingleton<AmqpMessagingClient>();
            services.AddSingleton<IDownstreamSender>(sp => sp.GetRequiredService<AmqpMessagingClient>());
            services.AddHostedService(sp => sp.GetRequiredService<AmqpMessagingClient>());
        }

        services.AddSingleton(sp => new DownstreamMessageFactory(sp.GetRequiredService<TimeProvider>(), hono.Mqtt.DefaultsEnabled));
        switch (hono.ConnectionEvents.ProducerType)
        {
            case ConnectionEventProducerType.Events:
                services.AddSingleton<EventsConnectionEventProducer>();
                services.AddSingleton<IConnectionEventProducer>(sp => sp.GetRequiredService<EventsConnectionEventProducer>());
                services.AddHostedService(sp => sp.GetRequiredService<EventsConnectionEventProducer>());
                break;
            case ConnectionEventProducerType.Logging:
                services.AddSingleton<IConnectionEventProducer, LoggingConnectionEventProducer>();
                break;
            default:
                services.AddSingleton<IConnectionEventProducer, NoConnectionEventProducer>();
                break;
        }

        services.AddSingleton<PasswordCheckGate>();
        services.AddSingleton<DeviceAuthenticator>();
        services.AddSingleton<X509Authenticator>();
        services.AddSingleton<SessionTracker>();
        if (hono.PrometheusLimits.Enabled)
        {
            services.AddSingleton(sp => new Limits.PrometheusResourceUsage(hono.PrometheusLimits, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<Limits.PrometheusResourceUsage>>()));
            services.AddSingleton(sp => new Limits.TenantUsage(sp.GetRequiredService<SessionTracker>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<Limits.PrometheusResourceUsage>()));
        }
        else
        {
            services.AddSingleton<Limits.TenantUsage>();
        }

        services.AddSingleton<ConnectHandler>();
        services.AddSingleton<PublishHandler>();
        services.AddSingleton<MqttServerAccessor>();
        services.AddSingleton<ErrorSubscriptions>();
        services.AddCommandAndControl(hono);
        services.TryAddSingleton<ICommandSubscriptionHandler, NoCommandSubscriptions>();
        services.AddSingleton<MqttAdapterServer>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttAdapterServer>());
        services.AddHostedService<StartupBanner>();
        configure?.Invoke(services);
        var app = builder.Build();
        HealthEndpoints.Map(app);
        return app;
    }
}
