using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Reads a tenant's <c>trusted-ca</c> array [spec registry-and-limits.md §6, Hono TrustedCertificateAuthority]: each entry
/// either has <c>cert</c> (base64 DER of the CA certificate: name, key and validity come from it) or <c>subject-dn</c>
/// (or <c>subject-dn-bytes</c>), <c>public-key</c> (base64 DER SubjectPublicKeyInfo), <c>algorithm</c> (<c>RSA</c>, the
/// default, or <c>EC</c>), <c>not-before</c> and <c>not-after</c>. Every problem is reported, as Hono's management API
/// refuses such entries.
/// </summary>
public static class TrustAnchorParser
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    public static IReadOnlyList<TrustAnchor> Parse(JsonNode? node, string path, List<string> errors)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            errors.Add($"{path}: must be an array");
            return [];
        }

        var anchors = new List<TrustAnchor>();
        for (var i = 0; i < array.Count; i++)
        {
            var before = errors.Count;
            var anchor = array[i] is JsonObject entry ? ParseEntry(entry, $"{path}[{i}]", errors) : null;
            if (array[i] is not JsonObject)
            {
                errors.Add($"{path}[{i}]: must be an object");
            }
            else if (anchor is not null && errors.Count == before)
            {
                anchors.Add(anchor);
            }
        }

        return anchors;
    }

    private static TrustAnchor? ParseEntry(JsonObject entry, string path, List<string> errors)
    {
        var template = Text(entry, "auth-id-template", path, errors);
        if (template is not null && !AuthIdTemplate.IsValid(template, out var templateError))
        {
            errors.Add($"{path}.auth-id-template: {templateError}");
        }

        if (entry["ocsp-revocation-enabled"] is JsonValue ocsp && ocsp.TryGetValue<bool>(out var enabled) && enabled)
        {
            errors.Add($"{path}.ocsp-revocation-enabled: OCSP revocation checks are not supported");
        }

        if (Text(entry, "cert", path, errors) is { } cert)
        {
            return FromCertificate(cert, template, path, errors);
        }

        DistinguishedName? subject = null;
        if (Text(entry, "subject-dn-bytes", path, errors) is { } dnBytes)
        {
            // Hono prefers the DER form when present [TenantObject.getTrustAnchorForPublicKey].
            try
            {
                subject = JavaBase64.TryDecode(dnBytes, out var der) ? DistinguishedName.FromDer(der) : null;
            }
            catch (CryptographicException)
            {
            }

            if (subject is null)
            {
                errors.Add($"{path}.subject-dn-bytes: must be the base64 DER encoding of a distinguished name");
            }
        }
        else if (Text(entry, "subject-dn", path, errors) is { } dn)
        {
            if (!Rfc2253Parser.TryParse(dn, out subject, out var dnError))
            {
                errors.Add($"{path}.subject-dn: {dnError}");
            }
        }
        else
        {
            errors.Add($"{path}: needs \"cert\", or \"subject-dn\" with \"public-key\", \"not-before\" and \"not-after\"");
            return null;
        }

        var algorithm = Text(entry, "algorithm", path, errors) ?? "RSA";
        var key = Text(entry, "public-key", path, errors);
        byte[]? spki = null;
        if (key is null)
        {
            errors.Add($"{path}: \"public-key\" is required with \"subject-dn\"");
        }
        else if (!JavaBase64.TryDecode(key, out spki) || KeyAlgorithm(spki) is not { } actual)
        {
            errors.Add($"{path}.public-key: must be a base64 DER SubjectPublicKeyInfo of an RSA or EC key");
        }
        else if (algorithm is not ("RSA" or "EC"))
        {
            errors.Add($"{path}.algorithm: must be RSA or EC (was '{algorithm}')");
        }
        else if (algorithm != actual)
        {
            errors.Add($"{path}.algorithm: is {algorithm} but the public key is {actual}");
        }

        var notBefore = Instant(entry, "not-before", path, errors);
        var notAfter = Instant(entry, "not-after", path, errors);
        return subject is null || spki is null || notBefore is null || notAfter is null
            ? null
            : new TrustAnchor(subject, spki, algorithm, notBefore.Value, notAfter.Value, template);
    }

    private static TrustAnchor? FromCertificate(string cert, string? template, string path, List<string> errors)
    {
        try
        {
            if (JavaBase64.TryDecode(cert, out var der))
            {
                using var certificate = X509CertificateLoader.LoadCertificate(der);
                var spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
                if (KeyAlgorithm(spki) is { } algorithm)
                {
                    return new TrustAnchor(DistinguishedName.FromX500(certificate.SubjectName), spki, algorithm,
                        new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), template);
                }

                errors.Add($"{path}.cert: the certificate's key is neither RSA nor EC");
                return null;
            }
        }
        catch (CryptographicException)
        {
        }

        errors.Add($"{path}.cert: must be the base64 DER encoding of an X.509 certificate");
        return null;
    }

    /// <summary><c>RSA</c> or <c>EC</c> if the bytes are a SubjectPublicKeyInfo of such a key that .NET can import.</summary>
    internal static string? KeyAlgorithm(byte[] spki)
    {
        try
        {
            var oid = new System.Formats.Asn1.AsnReader(spki, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadSequence().ReadObjectIdentifier();
            switch (oid)
            {
                case RsaOid:
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportSubjectPublicKeyInfo(spki, out _);
                    }

                    return "RSA";
                case EcOid:
                    using (var ec = ECDsa.Create())
                    {
                        ec.ImportSubjectPublicKeyInfo(spki, out _);
                    }

                    return "EC";
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject entry, string name, string path, List<string> errors)
    {
        var node = entry[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var text))
        {
            return text;
        }

        errors.Add($"{path}.{name}: must be a string");
        return null;
    }

    private static DateTimeOffset? Instant(JsonObject entry, string name, string path, List<string> errors)
    {
        if (Text(entry, name, path, errors) is not { } text)
        {
            errors.Add($"{path}: \"{name}\" is required with \"public-key\"");
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant) &&
            (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-'))
        {
            return instant;
        }

        errors.Add($"{path}.{name}: must be an ISO 8601 date-time with offset, e.g. 2030-01-01T00:00:00Z (was '{text}')");
        return null;
    }
}
