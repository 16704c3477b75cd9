using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace HonoMqtt.Adapter;

/// <summary>Wires the adapter's services; used by <c>Program</c> and by the integration tests.</summary>
public static class AdapterHost
{
    public static WebApplication Build(IConfiguration configuration, HonoConfiguration hono, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSerilog((_, logger) => logger
            .ReadFrom.Configuration(configuration)
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));
        builder.Services.AddSingleton(hono);
        builder.Services.AddSingleton(TimeProvider.System);
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
