using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Auth;

/// <summary>Either an authenticated device (with its tenant) or the error that decides the CONNACK.</summary>
public readonly record struct AuthenticationResult(DeviceIdentity? Identity, TenantInfo? Tenant, ConnectRejection? Rejection, string? Reason)
{
    public static AuthenticationResult Success(DeviceIdentity identity, TenantInfo tenant) => new(identity, tenant, null, null);

    public static AuthenticationResult Failed(ConnectRejection rejection, string reason) => new(null, null, rejection, reason);
}
