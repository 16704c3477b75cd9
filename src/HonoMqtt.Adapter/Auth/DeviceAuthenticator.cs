using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Username/password authentication as Hono does it [ConnectPacketAuthHandler, UsernamePasswordAuthProvider,
/// CredentialsApiAuthProvider]: parse <c>auth-id@tenant</c>, check the tenant before any secret is compared,
/// then match the password against the candidate secrets of the <c>hashed-password</c> credentials.
/// </summary>
public sealed class DeviceAuthenticator(IDeviceRegistry registry, TimeProvider timeProvider)
{
    public async ValueTask<AuthenticationResult> AuthenticateAsync(string? username, byte[]? password, CancellationToken cancellationToken)
    {
        if (!UsernamePasswordCredentials.TryParse(username, password, out var credentials) || credentials is null)
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials, "missing or malformed credentials");
        }

        // Tenant pre-check [AbstractVertxBasedMqttProtocolAdapter.handleBeforeCredentialsValidation]: an unknown
        // tenant is bad credentials, a disabled one "not authorized" even with a wrong password.
        var tenant = await registry.GetTenantAsync(credentials.TenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials, $"unknown tenant '{credentials.TenantId}'");
        }

        if (!tenant.Enabled)
        {
            return AuthenticationResult.Failed(ConnectRejection.TenantDisabled, HonoError.TenantDisabledOrNotRegistered.Message);
        }

        if (!tenant.IsAdapterEnabled())
        {
            return AuthenticationResult.Failed(ConnectRejection.AdapterDisabled, HonoError.AdapterDisabled.Message);
        }

        var record = await registry.GetCredentialsAsync(credentials.TenantId, CredentialsInfo.HashedPassword, credentials.AuthId, cancellationToken)
            .ConfigureAwait(false);
        if (record is not { Enabled: true })
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials, record is null ? "unknown auth-id" : "credentials disabled");
        }

        foreach (var secret in record.CandidateSecrets(timeProvider.GetUtcNow()))
        {
            if (secret.PwdHash is not { } hash)
            {
                continue;
            }

            if (await MatchesAsync(secret, hash, credentials.Password).ConfigureAwait(false))
            {
                return AuthenticationResult.Success(new DeviceIdentity(credentials.TenantId, record.DeviceId, credentials.AuthId), tenant);
            }
        }

        return AuthenticationResult.Failed(ConnectRejection.BadCredentials, "password does not match");
    }

    private static ValueTask<bool> MatchesAsync(SecretInfo secret, string hash, string password)
    {
        // SHA digests are cheap; bcrypt (and the bcrypt fallback for unknown functions) costs ~0.1 s at cost 10,
        // so it leaves the MQTT receive loop for the thread pool, as Hono runs it off the event loop.
        var function = secret.HashFunction ?? "sha-256";
        if (function is "sha-256" or "sha-512")
        {
            return new ValueTask<bool>(PasswordVerifier.Matches(function, hash, secret.Salt, password));
        }

        return new ValueTask<bool>(Task.Run(() => PasswordVerifier.Matches(function, hash, secret.Salt, password)));
    }
}
