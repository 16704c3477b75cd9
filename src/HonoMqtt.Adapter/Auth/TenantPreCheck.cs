using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Hono's tenant check before any credential is verified [AbstractVertxBasedMqttProtocolAdapter.handleBeforeCredentialsValidation]:
/// an unknown tenant is bad credentials, a disabled one (or one that disables this adapter) "not authorized",
/// whatever the secret.
/// </summary>
public static class TenantPreCheck
{
    /// <summary>The failure, or null if the tenant may authenticate devices here.</summary>
    public static AuthenticationResult? Check(TenantInfo? tenant, string tenantId)
    {
        if (tenant is null)
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials, $"unknown tenant '{tenantId}'");
        }

        if (!tenant.Enabled)
        {
            return AuthenticationResult.Failed(ConnectRejection.TenantDisabled, HonoError.TenantDisabledOrNotRegistered.Message);
        }

        return tenant.IsAdapterEnabled() ? null : AuthenticationResult.Failed(ConnectRejection.AdapterDisabled, HonoError.AdapterDisabled.Message);
    }
}
