using HonoMqtt.Adapter;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Configuration;

var configuration = new ConfigurationBuilder();
HonoConfiguration.AddSources(configuration, args);
var config = configuration.Build();
var hono = HonoConfiguration.Bind(config, out var errors);
if (errors.Count > 0)
{
    Console.Error.WriteLine("Invalid configuration:");
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"  - {error}");
    }

    return 2;
}

await using var host = AdapterHost.Build(config, hono);
await host.RunAsync();
return 0;
