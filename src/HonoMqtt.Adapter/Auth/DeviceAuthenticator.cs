using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Username/password authentication as Hono does it [ConnectPacketAuthHandler, UsernamePasswordAuthProvider,
/// CredentialsApiAuthProvider]: parse <c>auth-id@tenant</c>, check the tenant before any secret is compared,
/// then match the password against the candidate secrets of the <c>hashed-password</c> credentials.
/// </summary>
public sealed class DeviceAuthenticator(IDeviceRegistry registry, PasswordCheckGate passwords, TimeProvider timeProvider)
{
    public async ValueTask<AuthenticationResult> AuthenticateAsync(string? username, byte[]? password, CancellationToken cancellationToken)
    {
        if (!UsernamePasswordCredentials.TryParse(username, password, out var credentials) || credentials is null)
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials, "missing or malformed credentials");
        }

        var tenant = await registry.GetTenantAsync(credentials.TenantId, cancellationToken).ConfigureAwait(false);
        var refused = TenantPreCheck.Check(tenant, credentials.TenantId);
        if (refused is not null || tenant is null)
        {
            return refused ?? AuthenticationResult.Failed(ConnectRejection.BadCredentials, "unknown tenant");
        }

        var record = await registry.GetCredentialsAsync(credentials.TenantId, CredentialsInfo.HashedPassword, credentials.AuthId, cancellationToken)
            .ConfigureAwait(false);
        if (record is not { Enabled: true })
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials, record is null ? "unknown auth-id" : "credentials disabled");
        }

        foreach (var secret in record.CandidateSecrets(timeProvider.GetUtcNow()))
        {
            if (secret.PwdHash is null)
            {
                continue;
            }

            var matches = await passwords.MatchesAsync(credentials.TenantId, credentials.AuthId, secret, credentials.Password, cancellationToken)
                .ConfigureAwait(false);
            if (matches is null)
            {
                return AuthenticationResult.Failed(ConnectRejection.ServiceUnavailable, "too many password checks queued");
            }

            if (matches.Value)
            {
                return AuthenticationResult.Success(new DeviceIdentity(credentials.TenantId, record.DeviceId, credentials.AuthId), tenant);
            }
        }

        return AuthenticationResult.Failed(ConnectRejection.BadCredentials, "password does not match");
    }
}
