using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Amqp.Types;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// Builds the AMQP messages the adapter sends north, exactly as Hono's MQTT adapter does
/// [ProtonBasedDownstreamSender, spec downstream-amqp.md §3 and §6].
/// </summary>
public sealed class DownstreamMessageFactory(TimeProvider timeProvider, bool defaultsEnabled)
{
    public const string AdapterType = "hono-mqtt";

    private static readonly Symbol RetainAnnotation = new("x-opt-retain");
    private static readonly Symbol TenantAnnotation = new("tenant_id");
    private static readonly Symbol DeviceAnnotation = new("device_id");
    private static readonly Symbol ResourceAnnotation = new("resource");
    private static readonly string MessageIdPrefix = "hono-mqtt-" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.NextInt64()))[..8] + "-";
    private long _messageCounter;

    /// <summary>A telemetry message (QoS 0 or 1) or an event (always QoS 1, durable).</summary>
    public Message CreateTelemetryOrEvent(
        HonoEndpoint endpoint,
        TenantInfo tenant,
        DeviceInfo device,
        int qos,
        string origAddress,
        byte[] payload,
        string? contentType,
        bool retain,
        long? honoTtlSeconds,
        string? traceParent = null,
        string? traceState = null)
    {
        var isEvent = endpoint == HonoEndpoint.Event;
        var endpointName = isEvent ? "event" : "telemetry";
        var message = NewMessage($"{endpointName}/{tenant.TenantId}", contentType, payload, durable: isEvent);
        message.MessageAnnotations = new MessageAnnotations
        {
            [TenantAnnotation] = tenant.TenantId,
            [DeviceAnnotation] = device.DeviceId,
            [ResourceAnnotation] = $"{endpointName}/{tenant.TenantId}/{device.DeviceId}",
        };
        if (retain)
        {
            message.MessageAnnotations[RetainAnnotation] = true;
        }

        message.MessageAnnotations[TraceContext.Annotation] = TraceContext.Create(traceParent, traceState);

        message.ApplicationProperties = new ApplicationProperties
        {
            ["device_id"] = device.DeviceId,
            ["qos"] = isEvent ? 1 : qos,
            ["orig_adapter"] = AdapterType,
            ["orig_address"] = origAddress,
        };

        DownstreamProperties.Apply(message, isEvent ? DownstreamProperties.Kind.Event : DownstreamProperties.Kind.Telemetry, isEvent ? 1 : qos,
            defaultsEnabled ? tenant.Defaults : null, defaultsEnabled ? device.Defaults : null, isEvent ? honoTtlSeconds : null, tenant.Limits);
        message.Properties.ContentType ??= ContentTypes.OctetStream;
        return message;
    }

    /// <summary>
    /// A connection event [Hono AbstractMessageSenderConnectionEventProducer]: JSON body with cause, remote-id and source;
    /// application properties device_id and qos only; tenant defaults (not device defaults) and event TTL rules apply.
    /// </summary>
    public Message CreateConnectionEvent(TenantInfo tenant, string deviceId, string cause, string remoteId, IReadOnlyDictionary<string, string>? data)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("cause", cause);
            json.WriteString("remote-id", remoteId);
            json.WriteString("source", AdapterType);
            if (data is { Count: > 0 })
            {
                json.WriteStartObject("data");
                foreach (var (key, value) in data)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var message = NewMessage($"event/{tenant.TenantId}", ContentTypes.ConnectionNotification, buffer.ToArray(), durable: true);
        message.ApplicationProperties = new ApplicationProperties { ["device_id"] = deviceId, ["qos"] = 1 };
        DownstreamProperties.Apply(message, DownstreamProperties.Kind.Event, 1, defaultsEnabled ? tenant.Defaults : null, null, null, tenant.Limits);
        return message;
    }

    private Message NewMessage(string to, string? contentType, byte[] payload, bool durable)
    {
        var message = new Message
        {
            Properties = new Properties
            {
                MessageId = MessageIdPrefix + Interlocked.Increment(ref _messageCounter).ToString(System.Globalization.CultureInfo.InvariantCulture),
                To = to,
                CreationTime = timeProvider.GetUtcNow().UtcDateTime,
            },
            BodySection = new Data { Binary = payload },
        };
        if (!string.IsNullOrEmpty(contentType))
        {
            message.Properties.ContentType = contentType;
        }

        if (durable)
        {
            message.Header = new Header { Durable = true };
        }

        return message;
    }

    /// <summary>For tests and tools: the UTF-8 text of a message's Data body.</summary>
    public static string BodyText(Message message) => message.BodySection is Data data ? Encoding.UTF8.GetString(data.Binary) : string.Empty;
}
