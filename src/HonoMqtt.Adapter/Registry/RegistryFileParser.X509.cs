using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HonoMqtt.Adapter.Auth;

namespace HonoMqtt.Adapter.Registry;

/// <summary>The registry file's X.509 parts: trusted CAs across tenants, aliases, and <c>x509-cert</c> auth-ids.</summary>
public static partial class RegistryFileParser
{
    /// <summary>
    /// Hono's management rules [spec registry-and-limits.md §6]: tenants may share a CA subject DN only within one
    /// <c>trust-anchor-group</c>; an alias is unique among tenant ids and aliases.
    /// </summary>
    private static void CheckTrustAnchorsAndAliases(IEnumerable<TenantInfo> tenants, List<string> errors)
    {
        var byDn = new Dictionary<string, TenantInfo>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var all = tenants.ToList();
        foreach (var tenant in all)
        {
            names[tenant.TenantId] = tenant.TenantId;
        }

        foreach (var tenant in all)
        {
            foreach (var key in tenant.TrustAnchors.Select(a => a.Subject.Key).Distinct())
            {
                if (byDn.TryGetValue(key, out var other) && (tenant.TrustAnchorGroup is null || tenant.TrustAnchorGroup != other.TrustAnchorGroup))
                {
                    errors.Add($"$.tenants.{tenant.TenantId}.trusted-ca: tenant '{other.TenantId}' has a trusted CA of the same subject DN; " +
                        "tenants may share one only with the same \"trust-anchor-group\"");
                }

                byDn.TryAdd(key, tenant);
            }

            if (tenant.Alias is { } alias && !names.TryAdd(alias, tenant.TenantId) && names[alias] != tenant.TenantId)
            {
                errors.Add($"$.tenants.{tenant.TenantId}.alias: '{alias}' is already the id or alias of tenant '{names[alias]}'");
            }
        }
    }

    /// <summary>
    /// An <c>x509-cert</c> auth-id as Hono's registry keeps it [X509CertificateCredential]: a subject DN is normalised to
    /// Java's RFC 2253 form (anything else, e.g. the result of an auth-id template, stays as it is); instead of the auth-id
    /// the entry may give the device's certificate (<c>cert</c>, base64 DER), whose subject DN is then the auth-id.
    /// </summary>
    private static string? X509AuthId(JsonNode? entry, string path, List<string> errors)
    {
        if (String(entry, "auth-id", path, errors) is { } authId)
        {
            return Rfc2253Parser.TryParse(authId, out var dn, out _) ? dn.ToRfc2253() : authId;
        }

        if (String(entry, "cert", path, errors) is not { } cert)
        {
            errors.Add($"{path}: \"auth-id\" (or, for x509-cert, \"cert\") is required");
            return null;
        }

        try
        {
            if (JavaBase64.TryDecode(cert, out var der))
            {
                using var certificate = X509CertificateLoader.LoadCertificate(der);
                return DistinguishedName.FromX500(certificate.SubjectName).ToRfc2253();
            }
        }
        catch (CryptographicException)
        {
        }

        errors.Add($"{path}.cert: must be the base64 DER encoding of an X.509 certificate");
        return null;
    }
}
