using System.Globalization;
using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Builds the AMQP messages of command &amp; control: "time until disconnect" empty notifications (spec
/// downstream-amqp.md §6.1) and command responses (§7.4).
/// </summary>
public sealed class CommandMessageFactory(TimeProvider timeProvider, bool defaultsEnabled)
{
    /// <summary>ttd of a device that is ready for commands until further notice.</summary>
    public const int TtdUnlimited = -1;

    /// <summary>ttd of a device that no longer takes commands.</summary>
    public const int TtdDisconnected = 0;

    private static readonly string MessageIdPrefix = "hono-mqtt-cmd-" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.NextInt64()))[..8] + "-";
    private long _counter;

    /// <summary>
    /// An empty notification [Hono AbstractProtocolAdapterBase.sendTtdEvent]: durable event on <c>event/&lt;tenant&gt;</c>,
    /// an empty Data section (Hono sends none, but AMQPNetLite 2.5.5 encodes a message without body as an AmqpValue null,
    /// which is worse for consumers that read the payload), <c>device_id</c>, <c>ttd</c> and <c>qos</c> as AMQP ints, <c>orig_adapter</c>; tenant and device defaults
    /// (when enabled) and the event TTL rules apply.
    /// </summary>
    public Message CreateTtdNotification(TenantInfo tenant, DeviceInfo? device, string deviceId, int ttd)
    {
        var message = new Message
        {
            Header = new Header { Durable = true },
            Properties = NewProperties($"event/{tenant.TenantId}"),
            ApplicationProperties = new ApplicationProperties
            {
                ["device_id"] = deviceId,
                ["ttd"] = ttd,
                ["qos"] = 1,
                ["orig_adapter"] = DownstreamMessageFactory.AdapterType,
            },
            BodySection = new Data { Binary = [] },
        };
        message.Properties.ContentType = ContentTypes.EmptyNotification;
        DownstreamProperties.Apply(message, DownstreamProperties.Kind.Event, 1, defaultsEnabled ? tenant.Defaults : null,
            defaultsEnabled ? device?.Defaults : null, null, tenant.Limits);
        return message;
    }

    /// <summary>
    /// A command response [Hono ProtonBasedCommandResponseSender]: <c>to</c> = <c>command_response/&lt;tenant&gt;/&lt;reply-id&gt;</c>,
    /// the correlation id, <c>status</c> (int), <c>tenant_id</c> and <c>device_id</c>; tenant and device defaults always
    /// apply (whatever <c>defaultsEnabled</c> says), TTL per the command-response rules; a Data body, possibly empty.
    /// </summary>
    public Message CreateCommandResponse(TenantInfo tenant, DeviceInfo device, string correlationId, string replyToId, int status,
        string? contentType, byte[] payload)
    {
        var message = new Message
        {
            Properties = NewProperties($"command_response/{tenant.TenantId}/{replyToId}"),
            ApplicationProperties = new ApplicationProperties
            {
                ["status"] = status,
                ["tenant_id"] = tenant.TenantId,
                ["device_id"] = device.DeviceId,
            },
            BodySection = new Data { Binary = payload },
        };
        message.Properties.CorrelationId = correlationId;
        if (!string.IsNullOrEmpty(contentType))
        {
            message.Properties.ContentType = contentType;
        }

        DownstreamProperties.Apply(message, DownstreamProperties.Kind.CommandResponse, 1, tenant.Defaults, device.Defaults, null, tenant.Limits);
        message.Properties.ContentType ??= ContentTypes.OctetStream;
        return message;
    }

    private Properties NewProperties(string to) => new()
    {
        MessageId = MessageIdPrefix + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture),
        To = to,
        CreationTime = timeProvider.GetUtcNow().UtcDateTime,
    };
}
