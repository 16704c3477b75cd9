using System.Text.Json;
using System.Text.Json.Nodes;
using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// Hono's merging of tenant defaults, device defaults and message properties, and its TTL rules
/// [DownstreamMessageProperties, spec downstream-amqp.md §4]. Inputs in seconds, <c>-1</c> = unlimited.
/// </summary>
public static class DownstreamProperties
{
    public enum Kind
    {
        Telemetry,
        Event,
        CommandResponse,
    }

    // Names of AMQP header/properties fields: defaults cannot set them (only content-type, content-encoding, ttl).
    private static readonly HashSet<string> IgnoredStandardNames =
    [
        "message-id", "user-id", "to", "subject", "reply-to", "correlation-id", "absolute-expiry-time", "creation-time",
        "group-id", "group-sequence", "reply-to-group-id", "durable", "priority", "first-acquirer", "delivery-count",
    ];

    /// <summary>
    /// Applies defaults (tenant, then device; later wins) and the TTL to <paramref name="message"/>, whose
    /// properties and application properties are already set. <paramref name="messageTtlSeconds"/> is the device's
    /// own TTL (<c>hono-ttl</c>), which wins over defaults.
    /// </summary>
    public static void Apply(Message message, Kind kind, int qos, JsonObject? tenantDefaults, JsonObject? deviceDefaults,
        long? messageTtlSeconds, ResourceLimits limits)
    {
        var merged = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var defaults in new[] { tenantDefaults, deviceDefaults })
        {
            if (defaults is null)
            {
                continue;
            }

            foreach (var (key, value) in defaults)
            {
                merged[key] = value;
            }
        }

        if (messageTtlSeconds is { } ttl)
        {
            merged["ttl"] = JsonValue.Create(ttl);
        }

        var (max, devKeys, consumed) = kind switch
        {
            Kind.Event => (limits.MaxTtl, new[] { "ttl" }, new[] { "ttl" }),
            Kind.CommandResponse => (limits.MaxTtlCommandResponse, ["ttl", "ttl-command-response"], ["ttl", "ttl-command-response"]),
            _ => (qos == 0 ? limits.MaxTtlTelemetryQos0 : limits.MaxTtlTelemetryQos1,
                new[] { "ttl", qos == 0 ? "ttl-telemetry-qos0" : "ttl-telemetry-qos1" },
                new[] { "ttl", "ttl-telemetry-qos0", "ttl-telemetry-qos1" }),
        };

        long dev = -1;
        foreach (var key in devKeys)
        {
            if (merged.TryGetValue(key, out var node) && AsLong(node) is { } value)
            {
                dev = value;
                break;
            }
        }

        foreach (var key in consumed)
        {
            merged.Remove(key);
        }

        var effective = max > -1 ? max : -1;
        if (max == -1 || (dev > -1 && dev < max))
        {
            effective = dev;
        }

        if (effective > -1)
        {
            message.Header ??= new Header();
            message.Header.Ttl = (uint)Math.Min(effective * 1000, uint.MaxValue);
        }

        foreach (var (key, node) in merged)
        {
            switch (key)
            {
                case "content-type":
                    if (string.IsNullOrEmpty(message.Properties.ContentType) && AsString(node) is { Length: > 0 } contentType)
                    {
                        message.Properties.ContentType = contentType;
                    }

                    break;
                case "content-encoding":
                    if (string.IsNullOrEmpty(message.Properties.ContentEncoding) && AsString(node) is { Length: > 0 } encoding)
                    {
                        message.Properties.ContentEncoding = encoding;
                    }

                    break;
                default:
                    if (!IgnoredStandardNames.Contains(key) && ToAmqp(node) is { } amqpValue)
                    {
                        message.ApplicationProperties ??= new ApplicationProperties();

                        // Message properties win over defaults; only absent ones are added.
                        if (!message.ApplicationProperties.Map.ContainsKey(key))
                        {
                            message.ApplicationProperties[key] = amqpValue;
                        }
                    }

                    break;
            }
        }
    }

    private static long? AsLong(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<double>(out var d) ? (long)d : null
            : null;

    private static string? AsString(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>JSON values as the Java JSON library hands them to Proton: strings, booleans, int or long, double.</summary>
    private static object? ToAmqp(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return node?.ToJsonString();
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return v.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (v.TryGetValue<int>(out var i))
                {
                    return i;
                }

                if (v.TryGetValue<long>(out var l))
                {
                    return l;
                }

                return v.GetValue<double>();
            default:
                return null;
        }
    }
}
