using Amqp;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// A valid command from a business application (spec downstream-amqp.md §7.1; Hono <c>ProtonBasedCommand</c>).
/// </summary>
/// <param name="TenantId">From <c>to</c> = <c>command/&lt;tenant&gt;/&lt;device&gt;</c>.</param>
/// <param name="DeviceId">The device the command is for (an edge device when it goes through a gateway).</param>
/// <param name="Name">The AMQP <c>subject</c>.</param>
/// <param name="CorrelationId"><c>correlation-id</c>, else <c>message-id</c>; null only for one-way commands.</param>
/// <param name="ReplyToId">The part of <c>reply-to</c> after <c>command_response/&lt;tenant&gt;/</c>; null for one-way commands.</param>
/// <param name="Payload">The body bytes (Data, or an AmqpValue string as UTF-8, or AmqpValue binary); empty without a body.</param>
/// <param name="Message">The message as received (for forwarding it unchanged).</param>
public sealed record Command(string TenantId, string DeviceId, string Name, string? CorrelationId, string? ReplyToId, byte[] Payload, Message Message)
{
    /// <summary>A command is one-way iff it has no <c>reply-to</c> [ProtonBasedCommand.isOneWay].</summary>
    public bool IsOneWay => ReplyToId is null;

    /// <summary>The request id of the command topic; null for one-way commands.</summary>
    public string? RequestId => IsOneWay ? null : Commands.RequestId.Encode(CorrelationId!, ReplyToId, DeviceId);

    public override string ToString() => $"command '{Name}' for {DeviceId}@{TenantId}{(IsOneWay ? " (one-way)" : string.Empty)}";
}
