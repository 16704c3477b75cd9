using System.Text;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Java's <c>X500Principal.getName(X500Principal.RFC2253)</c> [sun.security.x509.X500Name, RDN, AVA]: RDNs most specific
/// first, separated by <c>,</c> without spaces; values of a multi-valued RDN joined by <c>+</c> in encoding order. Only
/// RFC 2253's keywords are used; any other type is written as its OID with the value's DER in hex (<c>#…</c>), e.g.
/// <c>emailAddress</c> becomes <c>1.2.840.113549.1.9.1=#16…</c>. In string values <c>, = + &lt; &gt; # ; " \</c> are
/// escaped with a backslash anywhere, NUL as <c>\00</c>, and leading or trailing spaces (and CRs) with a backslash.
/// </summary>
public static class Rfc2253Formatter
{
    private const string Escapees = ",=+<>#;\"\\";

    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.9"] = "STREET",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    public static string Format(DistinguishedName name)
    {
        var result = new StringBuilder();
        for (var i = name.Rdns.Count - 1; i >= 0; i--)
        {
            if (i < name.Rdns.Count - 1)
            {
                result.Append(',');
            }

            var rdn = name.Rdns[i];
            for (var j = 0; j < rdn.Count; j++)
            {
                if (j > 0)
                {
                    result.Append('+');
                }

                Append(result, rdn[j]);
            }
        }

        return result.ToString();
    }

    /// <summary>The RFC 2253 keyword of an attribute type, or null if RFC 2253 has none (Java then writes the OID).</summary>
    internal static string? Keyword(string oid) => Keywords.GetValueOrDefault(oid);

    /// <summary>The type as it appears in the formatted name: the keyword, or the OID.</summary>
    internal static string TypeName(string oid) => Keyword(oid) ?? oid;

    private static void Append(StringBuilder result, AttributeTypeAndValue ava)
    {
        var keyword = Keyword(ava.Oid);
        result.Append(keyword ?? ava.Oid).Append('=');
        if (keyword is null || ava.Text is not { } text)
        {
            result.Append('#').Append(Convert.ToHexStringLower(ava.EncodedValue));
            return;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (Escapees.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\').Append(c);
            }
            else if (c == '\0')
            {
                escaped.Append("\\00");
            }
            else
            {
                escaped.Append(c);
            }
        }

        // Leading and trailing spaces and CRs, found in the escaped text, get a backslash each.
        var lead = 0;
        while (lead < escaped.Length && escaped[lead] is ' ' or '\r')
        {
            lead++;
        }

        var trail = escaped.Length - 1;
        while (trail >= 0 && escaped[trail] is ' ' or '\r')
        {
            trail--;
        }

        for (var i = 0; i < escaped.Length; i++)
        {
            if (i < lead || i > trail)
            {
                result.Append('\\');
            }

            result.Append(escaped[i]);
        }
    }
}
