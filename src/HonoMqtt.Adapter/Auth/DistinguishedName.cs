using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// An X.500 name as a list of RDNs in encoding order (least specific first), each a list of attribute values.
/// <see cref="ToRfc2253"/> formats it exactly as Java's <c>X500Principal.getName(RFC2253)</c>, which is what Hono
/// uses for auth-ids and trust anchor names (.NET's own formatting differs); <see cref="Matches"/> compares two names
/// as Java's <c>X500Principal.equals</c> does in spirit: per attribute, ignoring case and redundant white space.
/// </summary>
public sealed class DistinguishedName
{
    private readonly string _key;

    internal DistinguishedName(IReadOnlyList<IReadOnlyList<AttributeTypeAndValue>> rdns)
    {
        Rdns = rdns;
        _key = CanonicalKey(rdns);
    }

    /// <summary>The RDNs in encoding order: the least specific (e.g. <c>C</c>) first, the most specific (<c>CN</c>) last.</summary>
    public IReadOnlyList<IReadOnlyList<AttributeTypeAndValue>> Rdns { get; }

    /// <summary>A string equal for two names exactly when <see cref="Matches"/> says so (for dictionary keys).</summary>
    public string Key => _key;

    public static DistinguishedName FromX500(X500DistinguishedName name) => FromDer(name.RawData);

    /// <exception cref="CryptographicException">The bytes are not a DER encoded Name.</exception>
    public static DistinguishedName FromDer(ReadOnlyMemory<byte> der)
    {
        try
        {
            var rdns = new List<IReadOnlyList<AttributeTypeAndValue>>();
            var name = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            while (name.HasData)
            {
                var set = name.ReadSetOf(skipSortOrderValidation: true);
                var rdn = new List<AttributeTypeAndValue>();
                while (set.HasData)
                {
                    var ava = set.ReadSequence();
                    var oid = ava.ReadObjectIdentifier();
                    rdn.Add(Value(oid, ava.ReadEncodedValue().ToArray()));
                    ava.ThrowIfNotEmpty();
                }

                rdns.Add(rdn);
            }

            return new DistinguishedName(rdns);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("not a DER encoded distinguished name", e);
        }
    }

    /// <summary>A value from its DER encoding; directory strings get their text the way Java decodes them.</summary>
    internal static AttributeTypeAndValue Value(string oid, byte[] encoded)
    {
        string? text = null;
        if (encoded.Length > 0 && AttributeTypeAndValue.IsStringTag(encoded[0]))
        {
            AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.BER, out var offset, out var length, out _);
            text = Encoding.UTF8.GetString(encoded, offset, length);
        }

        return new AttributeTypeAndValue(oid, text, encoded);
    }

    public string ToRfc2253() => Rfc2253Formatter.Format(this);

    public bool Matches(DistinguishedName other) => _key == other._key;

    public override string ToString() => ToRfc2253();

    /// <summary>
    /// The first value of a type in encoding order, as Hono's <c>IdentityTemplate</c> reads it through
    /// <c>LdapName.getRdns()</c>: of a multi-valued RDN only the attribute whose type sorts first counts, and a value
    /// that is not a string counts as absent.
    /// </summary>
    public string? FirstValue(string keyword)
    {
        foreach (var rdn in Rdns)
        {
            var first = rdn.OrderBy(a => Rfc2253Formatter.TypeName(a.Oid), StringComparer.OrdinalIgnoreCase)
                .ThenBy(a => a.Text?.ToUpperInvariant(), StringComparer.Ordinal).First();
            if (string.Equals(Rfc2253Formatter.TypeName(first.Oid), keyword, StringComparison.OrdinalIgnoreCase))
            {
                return Rfc2253Formatter.Keyword(first.Oid) is not null ? first.Text : null;
            }
        }

        return null;
    }

    private static string CanonicalKey(IReadOnlyList<IReadOnlyList<AttributeTypeAndValue>> rdns)
    {
        var key = new StringBuilder();
        foreach (var rdn in rdns)
        {
            key.Append('/');
            var avas = rdn.Select(a => a.Oid + "=" + (a.Text is { } t ? "'" + Normalize(t) : "#" + Convert.ToHexString(a.EncodedValue)))
                .Order(StringComparer.Ordinal);
            key.AppendJoin('+', avas.Select(a => a.Replace("\\", "\\\\").Replace("+", "\\+").Replace("/", "\\/")));
        }

        return key.ToString();
    }

    // Java's canonical form: trimmed, inner white space runs collapsed, case folded (upper, then lower).
    private static string Normalize(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant().ToLowerInvariant();
}
