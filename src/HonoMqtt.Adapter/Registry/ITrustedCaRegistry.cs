using HonoMqtt.Adapter.Auth;

namespace HonoMqtt.Adapter.Registry;

/// <summary>The Tenant API look-ups X.509 authentication needs [Hono TenantClient.get(X500Principal), get(tenantId)].</summary>
public interface ITrustedCaRegistry
{
    /// <summary>The one tenant with a trusted CA of this subject DN; null if there is none or several share it (Hono: 404).</summary>
    ValueTask<TenantInfo?> GetTenantByTrustedCaAsync(DistinguishedName subjectDn, CancellationToken cancellationToken);

    /// <summary>A tenant by id, or by alias.</summary>
    ValueTask<TenantInfo?> GetTenantByIdOrAliasAsync(string idOrAlias, CancellationToken cancellationToken);
}
