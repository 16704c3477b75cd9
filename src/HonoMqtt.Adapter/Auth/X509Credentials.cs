namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// What a validated client certificate yields [Hono TenantServiceBasedX509Authentication.getCredentials]: the tenant whose
/// trust anchor it validates against, its subject, and the anchor's <c>auth-id-template</c>, if any.
/// </summary>
public sealed record X509Credentials(string TenantId, DistinguishedName Subject, string? AuthIdTemplate)
{
    /// <summary>The auth-id to look up: the template's result, or the subject DN in RFC 2253 form; null if the template fails.</summary>
    public string? AuthId => AuthIdTemplate is { } template ? Auth.AuthIdTemplate.Apply(template, Subject) : Subject.ToRfc2253();
}
