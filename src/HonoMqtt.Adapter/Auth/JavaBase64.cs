using System.Diagnostics.CodeAnalysis;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Java's <c>Base64.getDecoder()</c> (RFC 4648 basic alphabet), which Hono uses for the base64 user name form,
/// <c>pwd-hash</c> and <c>salt</c>. Unlike <see cref="Convert.FromBase64String"/> it rejects whitespace, and
/// accepts missing padding (but not a dangling single character). Trailing unused bits are not checked.
/// </summary>
internal static class JavaBase64
{
    internal static bool TryDecode(string? encoded, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (encoded is null)
        {
            return false;
        }

        var padAt = encoded.IndexOf('=', StringComparison.Ordinal);
        var dataLength = padAt < 0 ? encoded.Length : padAt;
        var rest = padAt < 0 ? string.Empty : encoded[padAt..];
        var unit = dataLength % 4;

        // Java's decode0: "x" or "x=" dangle; "xx=" needs a second '='; "=" alone (or after a full unit) is
        // unnecessary padding; nothing may follow the padding.
        var validEnding = rest.Length == 0
            ? unit != 1
            : (unit == 2 && rest == "==") || (unit == 3 && rest == "=");
        if (!validEnding)
        {
            return false;
        }

        var result = new byte[(dataLength * 3) / 4];
        var bits = 0;
        var bitCount = 0;
        var written = 0;
        for (var i = 0; i < dataLength; i++)
        {
            var value = Sextet(encoded[i]);
            if (value < 0)
            {
                return false;
            }

            bits = (bits << 6) | value;
            bitCount += 6;
            if (bitCount >= 8)
            {
                bitCount -= 8;
                result[written++] = (byte)(bits >> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }

        bytes = result;
        return true;
    }

    private static int Sextet(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };
}
