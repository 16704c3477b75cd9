namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// One entry of a tenant's <c>trusted-ca</c>, as Hono's registry hands it to adapters: a CA name and public key
/// (taken from <c>cert</c> when the entry has one), its validity period, and its <c>auth-id-template</c>.
/// </summary>
/// <param name="Subject">The CA's subject, which a device certificate's issuer must match.</param>
/// <param name="PublicKey">DER SubjectPublicKeyInfo.</param>
/// <param name="Algorithm"><c>RSA</c> or <c>EC</c>.</param>
public sealed record TrustAnchor(
    DistinguishedName Subject,
    byte[] PublicKey,
    string Algorithm,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string? AuthIdTemplate)
{
    /// <summary>Hono's registry hands adapters only the CAs valid now, bounds included [DeviceRegistryUtils.convertTenant].</summary>
    public bool IsValidAt(DateTimeOffset now) => NotBefore <= now && now <= NotAfter;
}
