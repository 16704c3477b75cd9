namespace HonoMqtt.Adapter.Registry;

/// <summary>Tenant, credentials and registration look-ups, as Hono's Tenant, Credentials and Device Registration APIs offer them.</summary>
public interface IDeviceRegistry
{
    ValueTask<TenantInfo?> GetTenantAsync(string tenantId, CancellationToken cancellationToken);

    ValueTask<CredentialsInfo?> GetCredentialsAsync(string tenantId, string type, string authId, CancellationToken cancellationToken);

    /// <summary>
    /// Hono's "assert registration" [AbstractRegistrationService]: 404 for an unknown tenant or an unknown/disabled device;
    /// with a gateway, 403 unless the gateway exists, is enabled and is authorized (<c>via</c>, or <c>memberOf</c> ∩ <c>viaGroups</c>).
    /// </summary>
    ValueTask<AssertionResult> AssertRegistrationAsync(string tenantId, string deviceId, string? gatewayId, CancellationToken cancellationToken);
}
