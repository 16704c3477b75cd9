using Microsoft.Extensions.Configuration;

namespace HonoMqtt.Adapter.Options;

/// <summary>
/// Reads Hono-style environment variables (<c>HONO_MQTT_INSECUREPORT=1884</c>) as <c>hono:mqtt:insecurePort</c>.
/// Configuration keys are case-insensitive, so each <c>_</c> simply becomes a section separator.
/// .NET's own form (<c>hono__mqtt__insecurePort</c>) is handled by the standard environment provider.
/// </summary>
public sealed class HonoEnvironmentVariablesConfigurationSource(IDictionary<string, string?>? variables = null) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(variables);

    private sealed class Provider(IDictionary<string, string?>? variables) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var source = variables ?? Environment.GetEnvironmentVariables()
                .Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => e.Value as string);
            foreach (var (name, value) in source)
            {
                // Only single-underscore Hono names; "hono__x" is .NET's form and read elsewhere.
                if (!name.StartsWith("HONO_", StringComparison.OrdinalIgnoreCase) || name.Contains("__", StringComparison.Ordinal))
                {
                    continue;
                }

                data[name.Replace('_', ':')] = value;
            }

            Data = data;
        }
    }
}
