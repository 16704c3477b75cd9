using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Registry;

/// <summary>An immutable view of the whole registry, replaced as a whole on reload.</summary>
public sealed class RegistrySnapshot(
    IReadOnlyDictionary<string, TenantInfo> tenants,
    IReadOnlyDictionary<(string Tenant, string Device), DeviceInfo> devices,
    IReadOnlyDictionary<(string Tenant, string Type, string AuthId), CredentialsInfo> credentials)
{
    public static RegistrySnapshot Empty { get; } = new(new Dictionary<string, TenantInfo>(), new Dictionary<(string, string), DeviceInfo>(),
        new Dictionary<(string, string, string), CredentialsInfo>());

    private readonly Lazy<TrustAnchorIndex> _trust = new(() => new TrustAnchorIndex(tenants.Values));

    public int TenantCount => tenants.Count;

    /// <summary>The one tenant with a trusted CA of this subject DN; null if none or several share it (Hono: 404).</summary>
    public TenantInfo? GetTenantByTrustedCa(Auth.DistinguishedName subjectDn) => _trust.Value.ByTrustedCa(subjectDn);

    /// <summary>A tenant by id or, failing that, by alias (Hono's Tenant API "get").</summary>
    public TenantInfo? GetTenantByIdOrAlias(string idOrAlias) => GetTenant(idOrAlias) ?? _trust.Value.ByAlias(idOrAlias);

    public int DeviceCount => devices.Count;

    public TenantInfo? GetTenant(string tenantId) => tenants.GetValueOrDefault(tenantId);

    public DeviceInfo? GetDevice(string tenantId, string deviceId) => devices.GetValueOrDefault((tenantId, deviceId));

    public CredentialsInfo? GetCredentials(string tenantId, string type, string authId) =>
        credentials.GetValueOrDefault((tenantId, type, authId));

    public AssertionResult AssertRegistration(string tenantId, string deviceId, string? gatewayId)
    {
        if (!tenants.ContainsKey(tenantId))
        {
            return AssertionResult.Failed(HonoError.DeviceDisabledOrNotRegistered);
        }

        var device = GetDevice(tenantId, deviceId);
        if (device is not { Enabled: true })
        {
            return AssertionResult.Failed(HonoError.DeviceDisabledOrNotRegistered);
        }

        var authorized = AuthorizedGateways(tenantId, device);
        if (gatewayId is not null && gatewayId != deviceId)
        {
            var gateway = GetDevice(tenantId, gatewayId);
            if (gateway is not { Enabled: true } || !authorized.Contains(gatewayId))
            {
                return AssertionResult.Failed(HonoError.GatewayDisabledOrNotRegistered);
            }
        }

        return new AssertionResult(device, null, authorized);
    }

    /// <summary>
    /// The devices of <paramref name="tenantId"/> that <paramref name="gatewayId"/> may act for: those naming it in <c>via</c>,
    /// or whose <c>viaGroups</c> meet its <c>memberOf</c>. (Enabled or not: the assertion decides per message.)
    /// </summary>
    public IReadOnlyList<string> DevicesActingVia(string tenantId, string gatewayId)
    {
        var memberOf = GetDevice(tenantId, gatewayId)?.MemberOf ?? [];
        var result = new List<string>();
        foreach (var ((tenant, id), device) in devices)
        {
            if (tenant == tenantId && id != gatewayId && (device.Via.Contains(gatewayId) || device.ViaGroups.Any(memberOf.Contains)))
            {
                result.Add(id);
            }
        }

        return result;
    }

    /// <summary>The device's <c>via</c> plus every gateway whose <c>memberOf</c> meets the device's <c>viaGroups</c>.</summary>
    private List<string> AuthorizedGateways(string tenantId, DeviceInfo device)
    {
        var result = new List<string>(device.Via);
        if (device.ViaGroups.Count == 0)
        {
            return result;
        }

        foreach (var ((tenant, id), candidate) in devices)
        {
            if (tenant == tenantId && candidate.MemberOf.Any(device.ViaGroups.Contains) && !result.Contains(id))
            {
                result.Add(id);
            }
        }

        return result;
    }
}
