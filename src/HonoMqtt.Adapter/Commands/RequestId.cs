using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// The request id in command topics (spec downstream-amqp.md §7.3; Hono <c>Commands.encodeRequestIdParameters</c> /
/// <c>decodeRequestIdParameters</c>): it carries correlation id and reply address, so that a response needs no state.
/// <c>&lt;flag digit&gt;&lt;correlation id length, 2 hex digits&gt;&lt;correlation id&gt;&lt;reply id without "device/"&gt;</c>;
/// flag bit 0 says the reply id started with <c>&lt;device&gt;/</c>, bit 1 is the messaging type (0 = AMQP).
/// </summary>
public static class RequestId
{
    private const int DevicePrefixBit = 1;
    private const int KafkaBit = 2;

    /// <summary>Hono's encoding (AMQP messaging type unless <paramref name="kafka"/>). Correlation ids of 256 characters or more break it, as in Hono.</summary>
    public static string Encode(string correlationId, string? replyToId, string deviceId, bool kafka = false)
    {
        var reply = replyToId ?? string.Empty;
        var flag = kafka ? KafkaBit : 0;
        var prefix = deviceId + "/";
        if (reply.StartsWith(prefix, StringComparison.Ordinal))
        {
            reply = reply[prefix.Length..];
            flag |= DevicePrefixBit;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{flag}{correlationId.Length:x2}{correlationId}{reply}");
    }

    /// <summary>
    /// Reverses <see cref="Encode"/> with the device id of the responding topic. Fails where Hono's decoding throws:
    /// too short, flag not a digit, length not hex or out of range.
    /// </summary>
    /// <param name="requestId">The request id from the response topic.</param>
    /// <param name="deviceId">The responding device (the edge device when a gateway responds for it).</param>
    /// <param name="correlationId">The command's correlation id.</param>
    /// <param name="replyToId">The part of the command's <c>reply-to</c> after <c>command_response/&lt;tenant&gt;/</c>.</param>
    /// <param name="kafka">True if the request id names Kafka as the messaging type.</param>
    public static bool TryDecode(string requestId, string deviceId, [NotNullWhen(true)] out string? correlationId, [NotNullWhen(true)] out string? replyToId,
        out bool kafka)
    {
        correlationId = null;
        replyToId = null;
        kafka = false;
        if (requestId.Length < 3
            || !CommandResponseTopic.TryParseJavaInt(requestId[..1], out var flag)
            || !TryParseJavaHex(requestId.AsSpan(1, 2), out var length)
            || length < 0 || 3 + length > requestId.Length)
        {
            return false;
        }

        kafka = (flag & KafkaBit) != 0;
        correlationId = requestId.Substring(3, length);
        var reply = requestId[(3 + length)..];
        replyToId = (flag & DevicePrefixBit) != 0 ? deviceId + "/" + reply : reply;
        return true;
    }

    /// <summary>Java's <c>Integer.parseInt(s, 16)</c> for the two length characters: optional sign, hex digits.</summary>
    private static bool TryParseJavaHex(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        var negative = false;
        var i = 0;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }

        for (; i < s.Length; i++)
        {
            var c = s[i];
            int digit;
            if (c is >= 'a' and <= 'f')
            {
                digit = c - 'a' + 10;
            }
            else if (c is >= 'A' and <= 'F')
            {
                digit = c - 'A' + 10;
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DecimalDigitNumber)
            {
                digit = CharUnicodeInfo.GetDecimalDigitValue(c);
            }
            else
            {
                return false;
            }

            value = (value * 16) + digit;
        }

        value = negative ? -value : value;
        return true;
    }
}
