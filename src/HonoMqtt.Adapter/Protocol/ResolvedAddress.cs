namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The tenant and device a PUBLISH is for, after Hono's <c>AbstractProtocolAdapterBase.validateAddress</c>
/// filled in the authenticated identity (spec mqtt-adapter.md §3.1 "Address resolution").
/// </summary>
/// <param name="TenantId">The target tenant.</param>
/// <param name="DeviceId">The target device.</param>
/// <param name="GatewayId">
/// The authenticated device's id if it differs from <paramref name="DeviceId"/> (it then acts as a gateway,
/// §5.6); <c>null</c> if the device publishes for itself or the client is unauthenticated.
/// </param>
public readonly record struct ResolvedAddress(string TenantId, string DeviceId, string? GatewayId);
