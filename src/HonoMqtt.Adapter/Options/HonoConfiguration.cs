using Microsoft.Extensions.Configuration;

namespace HonoMqtt.Adapter.Options;

/// <summary>Reads and validates every <c>hono:*</c> options block, reporting all errors at once.</summary>
public sealed record HonoConfiguration(
    MqttAdapterOptions Mqtt,
    MessagingOptions Messaging,
    RegistryOptions Registry,
    ConnectionEventsOptions ConnectionEvents)
{
    /// <summary>The health check and metrics server (<c>hono:app</c>).</summary>
    public AppOptions App { get; init; } = new();

    /// <summary>Prometheus-based resource-limit checks (<c>hono:resourceLimits:prometheusBased</c>).</summary>
    public PrometheusResourceLimitsOptions PrometheusLimits { get; init; } = new();

    /// <summary>Adds the configuration sources in Hono's order of precedence (later wins).</summary>
    public static void AddSources(IConfigurationBuilder builder, string[] args)
    {
        // appsettings.json next to the executable, then one in the working directory.
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false);
        builder.Add(new HonoEnvironmentVariablesConfigurationSource());
        builder.AddEnvironmentVariables();
        builder.AddCommandLine(args);
    }

    public static HonoConfiguration Bind(IConfiguration configuration, out IReadOnlyList<string> errors)
    {
        var list = new List<string>();
        var result = new HonoConfiguration(
            BindSection<MqttAdapterOptions>(configuration, MqttAdapterOptions.Section, list),
            BindSection<MessagingOptions>(configuration, MessagingOptions.Section, list),
            BindSection<RegistryOptions>(configuration, RegistryOptions.Section, list),
            BindSection<ConnectionEventsOptions>(configuration, ConnectionEventsOptions.Section, list))
        {
            App = BindSection<AppOptions>(configuration, AppOptions.Section, list),
            PrometheusLimits = BindSection<PrometheusResourceLimitsOptions>(configuration, PrometheusResourceLimitsOptions.Section, list),
        };
        list.AddRange(result.Mqtt.Validate());
        list.AddRange(result.Messaging.Validate());
        list.AddRange(result.Registry.Validate());
        list.AddRange(result.ConnectionEvents.Validate());
        list.AddRange(result.App.Validate());
        list.AddRange(result.PrometheusLimits.Validate());
        errors = list;
        return result;
    }

    private static T BindSection<T>(IConfiguration configuration, string section, List<string> errors)
        where T : new()
    {
        var options = new T();
        var properties = typeof(T).GetProperties().Where(p => p.CanWrite).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in configuration.GetSection(section).GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                errors.Add($"{section}:{child.Key} is not a known option");
                continue;
            }

            try
            {
                var value = child.Value is null ? null : System.ComponentModel.TypeDescriptor.GetConverter(property.PropertyType)
                    .ConvertFromInvariantString(child.Value);
                property.SetValue(options, value);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException || e.InnerException is FormatException)
            {
                errors.Add($"{section}:{child.Key} has an invalid value '{child.Value}' (expected {Describe(property.PropertyType)})");
            }
        }

        return options;
    }

    private static string Describe(Type type) => type == typeof(int) ? "an integer" : type == typeof(bool) ? "true or false" : type.Name;
}
