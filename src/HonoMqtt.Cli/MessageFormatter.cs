using System.Collections;
using System.Globalization;
using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace HonoMqtt.Cli;

/// <summary>
/// Renders a received message as a block of lines: the address, then one indented "name: value" line per field, then
/// an empty line.
/// </summary>
internal static class MessageFormatter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Format(string address, Message message)
    {
        var text = new StringBuilder();
        text.Append(address).Append('\n');
        var properties = message.Properties;
        var header = message.Header;
        Line(text, "content-type", properties is not null && properties.HasField(6) ? (string)properties.ContentType : null);
        Line(text, "to", properties is not null && properties.HasField(2) ? properties.To : null);
        Line(text, "creation-time", properties is not null && properties.HasField(9) ? Timestamp(properties.CreationTime) : null);
        Line(text, "durable", header is not null && header.HasField(0) ? Value(header.Durable) : null);
        Line(text, "ttl", header is not null && header.HasField(2) ? header.Ttl.ToString(CultureInfo.InvariantCulture) : null);
        if (properties is not null)
        {
            OptionalLine(text, "message-id", properties.GetMessageId());
            OptionalLine(text, "correlation-id", properties.GetCorrelationId());
            OptionalLine(text, "subject", properties.Subject);
            OptionalLine(text, "reply-to", properties.ReplyTo);
            OptionalLine(text, "content-encoding", (string?)properties.ContentEncoding);
        }

        foreach (DictionaryEntry entry in (IDictionary?)message.MessageAnnotations?.Map ?? new Hashtable())
        {
            Line(text, "annotation " + entry.Key, Value(entry.Value));
        }

        foreach (DictionaryEntry entry in (IDictionary?)message.ApplicationProperties?.Map ?? new Hashtable())
        {
            Line(text, "property " + entry.Key, Value(entry.Value));
        }

        text.Append("  ").Append(Body(message.BodySection)).Append("\n\n");
        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, string? value) =>
        text.Append("  ").Append(name).Append(": ").Append(value ?? "(not set)").Append('\n');

    private static void OptionalLine(StringBuilder text, string name, object? value)
    {
        if (value is not null)
        {
            Line(text, name, Value(value));
        }
    }

    private static string Body(RestrictedDescribed? body) => body switch
    {
        null => "body: (none)",
        Data data => Bytes(data.Binary ?? []),
        DataList list => Bytes([.. Enumerable.Range(0, list.Count).SelectMany(i => list[i].Binary ?? [])]),
        AmqpValue value => "body (amqp-value): " + Value(value.Value),
        AmqpSequence sequence => "body (amqp-sequence): " + Value(sequence.List),
        _ => "body: " + body,
    };

    private static string Bytes(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return "body (0 bytes)";
        }

        try
        {
            var text = StrictUtf8.GetString(bytes);
            if (!text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                return $"body ({bytes.Length} bytes): {text}";
            }
        }
        catch (DecoderFallbackException)
        {
            // not text
        }

        return $"body ({bytes.Length} bytes, hex): {Convert.ToHexStringLower(bytes)}";
    }

    private static string Timestamp(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        var epochMillis = new DateTimeOffset(utc).ToUnixTimeMilliseconds();
        return string.Create(CultureInfo.InvariantCulture, $"{utc:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} ({epochMillis})");
    }

    /// <summary>Strings as they are; anything else with its AMQP type, since applications read e.g. <c>qos</c> as int only.</summary>
    private static string Value(object? value) => value switch
    {
        null => "null",
        string s => s,
        Symbol symbol => $"{(string)symbol} (symbol)",
        bool b => b ? "true" : "false",
        int i => Typed(i, "int"),
        long l => Typed(l, "long"),
        uint u => Typed(u, "uint"),
        ulong u => Typed(u, "ulong"),
        short s => Typed(s, "short"),
        ushort u => Typed(u, "ushort"),
        sbyte b => Typed(b, "byte"),
        byte b => Typed(b, "ubyte"),
        float f => Typed(f, "float"),
        double d => Typed(d, "double"),
        char c => $"{c} (char)",
        DateTime t => $"{Timestamp(t)} (timestamp)",
        Guid g => $"{g} (uuid)",
        byte[] bytes => $"{Convert.ToHexStringLower(bytes)} (binary)",
        IDictionary map => "{" + string.Join(", ", map.Cast<DictionaryEntry>().Select(e => $"{Value(e.Key)}={Value(e.Value)}")) + "}",
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(Value)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string Typed(IFormattable value, string type) => $"{value.ToString(null, CultureInfo.InvariantCulture)} ({type})";
}
