using System.Security.Cryptography.X509Certificates;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Client-certificate authentication as Hono does it [spec mqtt-adapter.md §2.2(a); X509AuthHandler,
/// TenantServiceBasedX509Authentication, X509AuthProvider]. <see cref="TryExtractAsync"/> is the credential extraction:
/// the tenant by the certificate's issuer (or the SNI host name's first label), and validation against the tenant's
/// trust anchors; a failure there is not the device's answer but makes the chain try user name and password.
/// <see cref="AuthenticateAsync"/> is the verification: the tenant pre-check, then an enabled <c>x509-cert</c> record.
/// </summary>
public sealed partial class X509Authenticator(
    IDeviceRegistry registry,
    ITrustedCaRegistry trustedCas,
    TimeProvider timeProvider,
    ILogger<X509Authenticator> logger)
{
    /// <summary>The credentials the certificate stands for, or null if it cannot be validated (the chain goes on).</summary>
    public async ValueTask<X509Credentials?> TryExtractAsync(X509Certificate2 certificate, string? serverName, CancellationToken cancellationToken)
    {
        var issuer = DistinguishedName.FromX500(certificate.IssuerName);
        var tenant = await trustedCas.GetTenantByTrustedCaAsync(issuer, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            // Hono falls back to the first label of the SNI host name, as tenant id or alias; a name without '.' is a 400.
            var dot = serverName?.IndexOf('.', StringComparison.Ordinal) ?? -1;
            if (dot <= 0)
            {
                LogNoTenant(issuer.ToRfc2253(), serverName);
                return null;
            }

            tenant = await trustedCas.GetTenantByIdOrAliasAsync(serverName![..dot], cancellationToken).ConfigureAwait(false);
            if (tenant is null)
            {
                LogNoTenant(issuer.ToRfc2253(), serverName);
                return null;
            }
        }

        var now = timeProvider.GetUtcNow();
        var anchors = tenant.TrustAnchors.Where(a => a.IsValidAt(now)).ToList();
        if (DeviceCertificateValidator.FindIssuer(certificate, anchors, now, out var reason) is null)
        {
            LogNotValidated(DistinguishedName.FromX500(certificate.SubjectName).ToRfc2253(), tenant.TenantId, reason);
            return null;
        }

        // Hono takes the template of the tenant's first CA whose name is the issuer [TenantObject.getAuthIdTemplate].
        var template = anchors.Where(a => a.Subject.Matches(issuer)).Select(a => a.AuthIdTemplate).FirstOrDefault(t => t is not null);
        return new X509Credentials(tenant.TenantId, DistinguishedName.FromX500(certificate.SubjectName), template);
    }

    public async ValueTask<AuthenticationResult> AuthenticateAsync(X509Credentials credentials, CancellationToken cancellationToken)
    {
        var tenant = await registry.GetTenantAsync(credentials.TenantId, cancellationToken).ConfigureAwait(false);
        var refused = TenantPreCheck.Check(tenant, credentials.TenantId);
        if (refused is not null || tenant is null)
        {
            return refused ?? AuthenticationResult.Failed(ConnectRejection.BadCredentials, "unknown tenant");
        }

        if (credentials.AuthId is not { } authId)
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials,
                $"auth-id-template '{credentials.AuthIdTemplate}' cannot be applied to {credentials.Subject}");
        }

        // No secret to compare: the certificate was validated; an enabled record suffices [X509AuthProvider.doValidateCredentials].
        var record = await registry.GetCredentialsAsync(credentials.TenantId, CredentialsInfo.X509Certificate, authId, cancellationToken)
            .ConfigureAwait(false);
        if (record is not { Enabled: true })
        {
            return AuthenticationResult.Failed(ConnectRejection.BadCredentials,
                record is null ? $"no x509-cert credentials for '{authId}'" : "credentials disabled");
        }

        return AuthenticationResult.Success(new DeviceIdentity(credentials.TenantId, record.DeviceId, authId), tenant);
    }

    [LoggerMessage(301, LogLevel.Debug, "Client certificate issued by {Issuer} (SNI {ServerName}) names no tenant; trying user name and password")]
    private partial void LogNoTenant(string issuer, string? serverName);

    [LoggerMessage(302, LogLevel.Debug, "Client certificate {Subject} not valid for tenant {TenantId} ({Reason}); trying user name and password")]
    private partial void LogNotValidated(string subject, string tenantId, string reason);
}
