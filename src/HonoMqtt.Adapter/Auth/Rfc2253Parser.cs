using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Globalization;
using System.Text;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Reads distinguished names written as strings (a trust anchor's <c>subject-dn</c>), as Java's
/// <c>new X500Principal(String)</c> accepts them: RFC 2253 (and RFC 1779's <c>;</c> separators and quoted values),
/// most specific RDN first, Java's keywords (<c>CN</c>, <c>EMAILADDRESS</c>, <c>SERIALNUMBER</c> …) or OIDs, escapes
/// <c>\,</c> and <c>\XX</c>, and <c>#hex</c> values.
/// </summary>
public static class Rfc2253Parser
{
    private const string Printable = " '()+,-./:=?";

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CN"] = "2.5.4.3", ["C"] = "2.5.4.6", ["L"] = "2.5.4.7", ["S"] = "2.5.4.8", ["ST"] = "2.5.4.8", ["O"] = "2.5.4.10",
        ["OU"] = "2.5.4.11", ["T"] = "2.5.4.12", ["IP"] = "1.3.6.1.4.1.42.2.11.2.1", ["STREET"] = "2.5.4.9",
        ["DC"] = "0.9.2342.19200300.100.1.25", ["DNQUALIFIER"] = "2.5.4.46", ["DNQ"] = "2.5.4.46", ["SURNAME"] = "2.5.4.4",
        ["GIVENNAME"] = "2.5.4.42", ["INITIALS"] = "2.5.4.43", ["GENERATION"] = "2.5.4.44", ["EMAIL"] = "1.2.840.113549.1.9.1",
        ["EMAILADDRESS"] = "1.2.840.113549.1.9.1", ["UID"] = "0.9.2342.19200300.100.1.1", ["SERIALNUMBER"] = "2.5.4.5",
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out DistinguishedName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        error = null;
        if (text is null)
        {
            error = "no distinguished name";
            return false;
        }

        var rdns = new List<IReadOnlyList<AttributeTypeAndValue>>();
        if (text.Trim().Length > 0)
        {
            foreach (var rdnText in Split(text, ",;"))
            {
                var rdn = new List<AttributeTypeAndValue>();
                foreach (var avaText in Split(rdnText, "+"))
                {
                    if (!TryParseAva(avaText, out var ava, out error))
                    {
                        error = $"'{text}' is not a distinguished name: {error}";
                        return false;
                    }

                    rdn.Add(ava);
                }

                rdns.Add(rdn);
            }
        }

        rdns.Reverse();   // written most specific first, encoded least specific first
        name = new DistinguishedName(rdns);
        return true;
    }

    /// <summary>Splits at separators that are neither escaped nor inside quotes.</summary>
    private static List<string> Split(string text, string separators)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && separators.Contains(c, StringComparison.Ordinal))
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static bool TryParseAva(string text, [NotNullWhen(true)] out AttributeTypeAndValue? ava, [NotNullWhen(false)] out string? error)
    {
        ava = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            error = $"'{text.Trim()}' has no '='";
            return false;
        }

        var type = text[..equals].Trim();
        if (type.StartsWith("OID.", StringComparison.OrdinalIgnoreCase))
        {
            type = type[4..];
        }

        var oid = Types.GetValueOrDefault(type) ?? (IsOid(type) ? type : null);
        if (oid is null)
        {
            error = $"unknown attribute type '{type}'";
            return false;
        }

        var value = text[(equals + 1)..].TrimStart();
        if (value.StartsWith('#'))
        {
            var hex = value[1..].TrimEnd();
            try
            {
                var der = Convert.FromHexString(hex);
                var reader = new AsnReader(der, AsnEncodingRules.BER);
                reader.ReadEncodedValue();
                reader.ThrowIfNotEmpty();
                ava = DistinguishedName.Value(oid, der);
                error = null;
                return true;
            }
            catch (Exception e) when (e is FormatException or AsnContentException)
            {
                error = $"'{value}' is not a hex encoded DER value";
                return false;
            }
        }

        if (!TryUnescape(value, out var unescaped, out error))
        {
            return false;
        }

        ava = new AttributeTypeAndValue(oid, unescaped, Encode(oid, unescaped));
        return true;
    }

    private static bool TryUnescape(string value, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        error = null;
        var text = new StringBuilder();
        var pendingBytes = new List<byte>();
        var quoted = value.StartsWith('"');
        var end = value.Length;
        if (quoted)
        {
            end = value.LastIndexOf('"');
            if (end == 0 || value[(end + 1)..].Trim().Length > 0)
            {
                error = $"unbalanced quotes in '{value}'";
                return false;
            }
        }

        // Unescaped trailing white space is not part of the value: keep counts the characters up to the last one that is.
        var keep = 0;
        for (var i = quoted ? 1 : 0; i < end; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                if (i + 1 >= end)
                {
                    error = $"'{value}' ends with a lone backslash";
                    return false;
                }

                if (i + 2 < end && IsHex(value[i + 1]) && IsHex(value[i + 2]))
                {
                    pendingBytes.Add(byte.Parse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    continue;
                }

                keep = Flush(text, pendingBytes, keep);
                text.Append(value[++i]);
                keep = text.Length;
                continue;
            }

            keep = Flush(text, pendingBytes, keep);
            text.Append(c);
            if (quoted || !char.IsWhiteSpace(c))
            {
                keep = text.Length;
            }
        }

        keep = Flush(text, pendingBytes, keep);
        result = text.ToString(0, keep);
        return true;
    }

    /// <summary>Appends hex-escaped bytes as UTF-8 text; they count as kept characters.</summary>
    private static int Flush(StringBuilder text, List<byte> bytes, int keep)
    {
        if (bytes.Count == 0)
        {
            return keep;
        }

        text.Append(Encoding.UTF8.GetString([.. bytes]));
        bytes.Clear();
        return text.Length;
    }

    // As Java's AVA parser: IA5String for DC and e-mail, PrintableString when it can, else UTF8String.
    private static byte[] Encode(string oid, string text)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        var type = oid is "0.9.2342.19200300.100.1.25" or "1.2.840.113549.1.9.1" ? UniversalTagNumber.IA5String
            : text.All(c => char.IsAsciiLetterOrDigit(c) || Printable.Contains(c, StringComparison.Ordinal)) ? UniversalTagNumber.PrintableString
            : UniversalTagNumber.UTF8String;
        try
        {
            writer.WriteCharacterString(type, text);
        }
        catch (EncoderFallbackException)
        {
            writer = new AsnWriter(AsnEncodingRules.DER);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, text);
        }

        return writer.Encode();
    }

    private static bool IsOid(string type) =>
        type.Length > 0 && type.Split('.').All(part => part.Length > 0 && part.All(char.IsAsciiDigit)) && type.Contains('.', StringComparison.Ordinal);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
