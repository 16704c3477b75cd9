using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Validates a device certificate on its own (a chain of length 1, as Hono does [TenantServiceBasedX509Authentication])
/// against a tenant's trust anchors. Hono's registry hands anchors to adapters as name + public key, so Java's PKIX
/// validator checks exactly this [DeviceCertificateValidator]: the certificate's issuer is the anchor's name, its
/// signature verifies with the anchor's key, it is inside its validity period, and it has no critical extension PKIX
/// does not process. Signatures: RSA PKCS#1 v1.5 and PSS (salt length = hash length), ECDSA; SHA-1 and SHA-2.
/// </summary>
public static class DeviceCertificateValidator
{
    // Extensions Java's PKIX checkers process; any other critical extension makes the certificate invalid.
    private static readonly HashSet<string> ProcessedExtensions =
    [
        "2.5.29.15", "2.5.29.19", "2.5.29.17", "2.5.29.37", "2.5.29.30", "2.5.29.32", "2.5.29.33", "2.5.29.36", "2.5.29.54",
    ];

    /// <summary>The first anchor (valid now) that the certificate validates against, or null with the reason.</summary>
    public static TrustAnchor? FindIssuer(X509Certificate2 certificate, IEnumerable<TrustAnchor> anchors, DateTimeOffset now, out string reason)
    {
        reason = "no valid trust anchor";
        var now0 = now.UtcDateTime;
        if (now0 < certificate.NotBefore.ToUniversalTime() || now0 > certificate.NotAfter.ToUniversalTime())
        {
            reason = "the certificate is not inside its validity period";
            return null;
        }

        if (certificate.Extensions.FirstOrDefault(e => e.Critical && !ProcessedExtensions.Contains(e.Oid?.Value ?? "")) is { } unknown)
        {
            reason = $"the certificate has an unsupported critical extension {unknown.Oid?.Value}";
            return null;
        }

        var issuer = DistinguishedName.FromX500(certificate.IssuerName);
        foreach (var anchor in anchors)
        {
            if (!anchor.IsValidAt(now))
            {
                continue;
            }

            if (!anchor.Subject.Matches(issuer))
            {
                reason = $"the issuer {issuer} is not a trust anchor of the tenant";
                continue;
            }

            if (SignatureVerifies(certificate.RawData, anchor))
            {
                return anchor;
            }

            reason = "the signature does not verify with the trust anchor's key";
        }

        return null;
    }

    internal static bool SignatureVerifies(byte[] certificate, TrustAnchor anchor)
    {
        try
        {
            var outer = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
            var tbs = outer.ReadEncodedValue().ToArray();
            var algorithm = outer.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            var parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : default;
            var signature = outer.ReadBitString(out _);
            return anchor.Algorithm == "EC" ? VerifyEcdsa(oid, tbs, signature, anchor.PublicKey) : VerifyRsa(oid, parameters, tbs, signature, anchor.PublicKey);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return false;
        }
    }

    private static bool VerifyEcdsa(string oid, byte[] tbs, byte[] signature, byte[] spki)
    {
        HashAlgorithmName? hash = oid switch
        {
            "1.2.840.10045.4.1" => HashAlgorithmName.SHA1,
            "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (hash is null)
        {
            return false;
        }

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        return key.VerifyData(tbs, signature, hash.Value, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static bool VerifyRsa(string oid, ReadOnlyMemory<byte> parameters, byte[] tbs, byte[] signature, byte[] spki)
    {
        (HashAlgorithmName Hash, RSASignaturePadding Padding)? scheme = oid switch
        {
            "1.2.840.113549.1.1.5" => (HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.10" => PssScheme(parameters),
            _ => null,
        };
        if (scheme is not { } s)
        {
            return false;
        }

        using var key = RSA.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);

        // Java's default jdk.certpath.disabledAlgorithms refuses RSA keys shorter than 1024 bits.
        return key.KeySize >= 1024 && key.VerifyData(tbs, signature, s.Hash, s.Padding);
    }

    /// <summary>RSASSA-PSS parameters .NET can verify: MGF1 with the same hash and a salt as long as the hash.</summary>
    private static (HashAlgorithmName, RSASignaturePadding)? PssScheme(ReadOnlyMemory<byte> parameters)
    {
        if (parameters.IsEmpty)
        {
            return null;   // the defaults (SHA-1, 20-byte salt) are allowed but unusual; .NET needs them spelled out anyway
        }

        var sequence = new AsnReader(parameters, AsnEncodingRules.DER).ReadSequence();
        string? hashOid = null;
        string? mgfHashOid = null;
        var saltLength = 20;
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            var field = sequence.ReadSequence(tag);
            switch (tag.TagValue)
            {
                case 0:
                    hashOid = field.ReadSequence().ReadObjectIdentifier();
                    break;
                case 1:
                    var mgf = field.ReadSequence();
                    mgf.ReadObjectIdentifier();
                    mgfHashOid = mgf.ReadSequence().ReadObjectIdentifier();
                    break;
                case 2:
                    saltLength = (int)field.ReadInteger();
                    break;
                default:
                    break;
            }
        }

        (HashAlgorithmName Hash, int Length)? hash = hashOid switch
        {
            "2.16.840.1.101.3.4.2.1" => (HashAlgorithmName.SHA256, 32),
            "2.16.840.1.101.3.4.2.2" => (HashAlgorithmName.SHA384, 48),
            "2.16.840.1.101.3.4.2.3" => (HashAlgorithmName.SHA512, 64),
            _ => null,
        };
        return hash is { } h && mgfHashOid == hashOid && saltLength == h.Length ? (h.Hash, RSASignaturePadding.Pss) : null;
    }
}
