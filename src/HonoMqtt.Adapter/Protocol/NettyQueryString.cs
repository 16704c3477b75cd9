using System.Text;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// Decodes a query string the way Netty's <c>QueryStringDecoder</c> does with its default settings
/// (UTF-8, max. 1024 parameters, <c>;</c> is a separator, <c>+</c> is a space), which is what Hono's
/// <c>PropertyBag.fromTopic</c> uses. Reproduced rather than approximated with <see cref="Uri"/> helpers,
/// because the quirks are visible to devices: <c>a=b;c</c> is two parameters, <c>=v</c> is the key
/// <c>v</c>, a bad <c>%</c> escape fails the whole topic, and a <c>#</c> ends the query.
/// </summary>
internal static class NettyQueryString
{
    // QueryStringDecoder.DEFAULT_MAX_PARAMS: further parameters are silently dropped.
    internal const int MaxParams = 1024;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// Decodes the parameters of <paramref name="query"/> (which may start with <c>?</c>).
    /// Returns the parameters grouped as Netty's <c>LinkedHashMap&lt;String, List&lt;String&gt;&gt;</c> yields them:
    /// keys in order of first occurrence (case-sensitive), each followed by all its values.
    /// </summary>
    /// <returns><c>false</c> if a percent escape is unterminated or not hexadecimal (Netty throws
    /// <c>IllegalArgumentException</c>, which Hono turns into an invalid topic).</returns>
    internal static bool TryDecode(string query, out List<KeyValuePair<string, string>> parameters)
    {
        parameters = [];
        var grouped = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();

        var from = 0;
        if (from < query.Length && query[from] == '?')
        {
            from++;
        }

        var nameStart = from;
        var valueStart = -1;
        var paramsLimit = MaxParams;
        var i = from;
        for (; i < query.Length; i++)
        {
            var c = query[i];
            if (c == '=')
            {
                if (nameStart == i)
                {
                    // Netty skips a leading '=': "=v" is the key "v" with an empty value.
                    nameStart = i + 1;
                }
                else if (valueStart < nameStart)
                {
                    valueStart = i + 1;
                }
            }
            else if (c is '&' or ';')
            {
                if (!TryAddParam(query, nameStart, valueStart, i, grouped, order, out var added))
                {
                    return false;
                }

                if (added && --paramsLimit == 0)
                {
                    Flatten(grouped, order, parameters);
                    return true;
                }

                nameStart = i + 1;
            }
            else if (c == '#')
            {
                break;
            }
        }

        if (!TryAddParam(query, nameStart, valueStart, i, grouped, order, out _))
        {
            return false;
        }

        Flatten(grouped, order, parameters);
        return true;
    }

    private static bool TryAddParam(
        string s,
        int nameStart,
        int valueStart,
        int valueEnd,
        Dictionary<string, List<string>> grouped,
        List<string> order,
        out bool added)
    {
        added = false;
        if (nameStart >= valueEnd)
        {
            return true;
        }

        if (valueStart <= nameStart)
        {
            valueStart = valueEnd + 1;
        }

        if (!TryDecodeComponent(s, nameStart, valueStart - 1, out var name)
            || !TryDecodeComponent(s, valueStart, valueEnd, out var value))
        {
            return false;
        }

        if (!grouped.TryGetValue(name, out var values))
        {
            values = [];
            grouped.Add(name, values);
            order.Add(name);
        }

        values.Add(value);
        added = true;
        return true;
    }

    /// <summary>Netty's <c>decodeComponent</c> with <c>plusToSpace</c>: runs of <c>%XX</c> are UTF-8 decoded together,
    /// malformed UTF-8 becomes U+FFFD (Java's <c>new String(bytes, UTF_8)</c>), a bad escape fails.</summary>
    private static bool TryDecodeComponent(string s, int from, int toExcluded, out string decoded)
    {
        decoded = string.Empty;
        if (toExcluded - from <= 0)
        {
            return true;
        }

        var firstEscaped = s.IndexOfAny(['%', '+'], from, toExcluded - from);
        if (firstEscaped < 0)
        {
            decoded = s.Substring(from, toExcluded - from);
            return true;
        }

        var result = new StringBuilder(toExcluded - from);
        result.Append(s, from, firstEscaped - from);
        var bytes = new List<byte>();
        for (var i = firstEscaped; i < toExcluded; i++)
        {
            var c = s[i];
            if (c != '%')
            {
                result.Append(c == '+' ? ' ' : c);
                continue;
            }

            bytes.Clear();
            do
            {
                if (i + 3 > toExcluded)
                {
                    return false; // "unterminated escape sequence"
                }

                var hi = HexNibble(s[i + 1]);
                var lo = HexNibble(s[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    return false; // "invalid hex byte"
                }

                bytes.Add((byte)((hi << 4) | lo));
                i += 3;
            }
            while (i < toExcluded && s[i] == '%');

            i--;
            result.Append(Utf8.GetString(bytes.ToArray()));
        }

        decoded = result.ToString();
        return true;
    }

    private static int HexNibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static void Flatten(Dictionary<string, List<string>> grouped, List<string> order, List<KeyValuePair<string, string>> target)
    {
        foreach (var key in order)
        {
            foreach (var value in grouped[key])
            {
                target.Add(new KeyValuePair<string, string>(key, value));
            }
        }
    }
}
