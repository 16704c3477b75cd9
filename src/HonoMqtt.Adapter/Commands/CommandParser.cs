using System.Diagnostics.CodeAnalysis;
using System.Text;
using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Checks a command message as Hono's Command Router and <c>ProtonBasedCommand.from</c> do (spec downstream-amqp.md
/// §7.1); a failure is the rejection to settle the delivery with.
/// </summary>
public static class CommandParser
{
    public const string BadRequestCondition = "hono:bad-request";

    /// <summary>
    /// Parses <paramref name="message"/>, received on a link for <paramref name="linkTenantId"/>. Without <c>to</c>,
    /// <paramref name="defaultTo"/> is used (a link that is itself for one device, <c>command/&lt;tenant&gt;/&lt;device&gt;</c>).
    /// </summary>
    public static bool TryParse(Message message, string linkTenantId, string? defaultTo, [NotNullWhen(true)] out Command? command,
        out Error? rejection)
    {
        command = null;
        rejection = null;
        var properties = message.Properties;
        var to = string.IsNullOrEmpty(properties?.To) ? defaultTo : properties.To;

        // ResourceIdentifier.isValid: not empty, first segment not empty.
        if (string.IsNullOrEmpty(to) || to[0] == '/')
        {
            rejection = Rejection(BadRequestCondition, "missing or invalid command target address");
            return false;
        }

        var segments = HonoTopic.JavaSplit(to);
        var tenantId = segments.Length > 1 ? segments[1] : string.Empty;
        var deviceId = segments.Length > 2 ? segments[2] : string.Empty;
        if (tenantId != linkTenantId)
        {
            rejection = Rejection(ErrorCode.UnauthorizedAccess, "unauthorized to send command to tenant");
            return false;
        }

        if (deviceId.Length == 0)
        {
            rejection = Rejection(BadRequestCondition, "invalid command target address");
            return false;
        }

        // Everything ProtonBasedCommand.from collects into its validation error ends as "malformed command message".
        var name = properties?.Subject;
        if (string.IsNullOrEmpty(name) || !TryGetPayload(message, out var payload))
        {
            return Malformed(out rejection);
        }

        var correlation = properties?.GetCorrelationId() ?? properties?.GetMessageId();
        if (correlation is not (null or string))
        {
            return Malformed(out rejection);
        }

        var correlationId = (string?)correlation;
        string? replyToId = null;
        var replyTo = properties?.ReplyTo;
        if (replyTo is not null)
        {
            var prefix = $"command_response/{tenantId}/";
            if (correlationId is null || !replyTo.StartsWith(prefix, StringComparison.Ordinal) || replyTo.Length == prefix.Length)
            {
                return Malformed(out rejection);
            }

            replyToId = replyTo[prefix.Length..];
        }

        command = new Command(tenantId, deviceId, name, correlationId, replyToId, payload, message);
        return true;
    }

    public static Error Rejection(string condition, string description) => new(condition) { Description = description };

    private static bool Malformed(out Error rejection)
    {
        rejection = Rejection(BadRequestCondition, "malformed command message");
        return false;
    }

    /// <summary>Data, AmqpValue with a string or binary, or no body at all [ProtonBasedCommand.getUnsupportedPayloadReason].</summary>
    private static bool TryGetPayload(Message message, out byte[] payload)
    {
        switch (message.BodySection)
        {
            case null:
                payload = [];
                return true;
            case Data data:
                payload = data.Binary ?? [];
                return true;
            case AmqpValue { Value: string text }:
                payload = Encoding.UTF8.GetBytes(text);
                return true;
            case AmqpValue { Value: byte[] bytes }:
                payload = bytes;
                return true;
            default:
                payload = [];
                return false;
        }
    }
}
