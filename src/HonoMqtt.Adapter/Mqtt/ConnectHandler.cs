using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.ConnectionEvents;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// CONNECT → CONNACK in Hono's order [AbstractVertxBasedMqttProtocolAdapter]: adapter connection limit, credentials
/// (tenant pre-check first), post-authentication checks, then the "connected" event; the first failure decides the code.
/// </summary>
public sealed partial class ConnectHandler(
    MqttAdapterOptions options,
    DeviceAuthenticator authenticator,
    X509Authenticator x509,
    IDeviceRegistry registry,
    SessionTracker sessions,
    IConnectionEventProducer connectionEvents,
    Limits.TenantUsage usage,
    TimeProvider timeProvider,
    IAdapterMetrics metrics,
    Commands.CommandRegistrations lastKnownGateways,
    ILogger<ConnectHandler> logger)
{
    /// <summary>Decides the CONNACK; on success returns the new session (not yet established).</summary>
    /// <param name="e">MQTTnet's CONNECT.</param>
    /// <param name="channel">The connection, for its TLS client certificate and SNI host name (null: plain, as a test may call it).</param>
    public async Task<DeviceSession?> HandleAsync(ValidatingConnectionEventArgs e, GuardedChannel? channel = null)
    {
        var cipherSuite = channel?.CipherSuite;
        try
        {
            var (session, rejection) = await ValidateAsync(e, channel).ConfigureAwait(false);
            if (rejection is { } r)
            {
                e.ReasonCode = ConnackTable.ToReasonCode(r, e.ProtocolVersion);
                metrics.ReportConnectionAttempt(MetricsTags.OutcomeOf(r), await KnownTenantAsync(e).ConfigureAwait(false), cipherSuite);
                return null;
            }

            metrics.ReportConnectionAttempt(ConnectionAttemptOutcome.Succeeded, session!.Identity?.TenantId, cipherSuite);
            return session;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnexpected(ex, e.ClientId);
            e.ReasonCode = ConnackTable.ToReasonCode(ConnectRejection.Unexpected, e.ProtocolVersion);
            metrics.ReportConnectionAttempt(ConnectionAttemptOutcome.Unknown, null, cipherSuite);
            return null;
        }
    }

    /// <summary>
    /// The tenant of a refused CONNECT, as Hono reports it (the tenant its error names): the one of the username,
    /// if the registry knows it. Unknown ones stay <c>UNKNOWN</c>, so that no client can invent metric labels.
    /// </summary>
    private async ValueTask<string?> KnownTenantAsync(ValidatingConnectionEventArgs e)
    {
        if (!UsernamePasswordCredentials.TryParse(e.UserName, e.RawPassword, out var credentials) || credentials is null)
        {
            return null;
        }

        return await registry.GetTenantAsync(credentials.TenantId, e.CancellationToken).ConfigureAwait(false) is { } tenant ? tenant.TenantId : null;
    }

    private async Task<(DeviceSession? Session, ConnectRejection? Rejection)> ValidateAsync(ValidatingConnectionEventArgs e, GuardedChannel? channel)
    {
        if (e.ProtocolVersion is not (MqttProtocolVersion.V311 or MqttProtocolVersion.V500))
        {
            return Reject(e, ConnectRejection.UnsupportedProtocolVersion, "only MQTT 3.1.1 and 5.0 are supported");
        }

        // Checked before any authentication; only established connections count [Hono].
        if (options.MaxConnections > 0 && sessions.Count >= options.MaxConnections)
        {
            return Reject(e, ConnectRejection.AdapterConnectionsExceeded, "adapter connection limit reached");
        }

        var clientId = ClientIdAssigner.EnsureClientId(e);
        if (clientId is null)
        {
            return Reject(e, ConnectRejection.ClientIdentifierNotValid, "no client identifier could be assigned");
        }

        DeviceIdentity? identity = null;
        if (options.AuthenticationRequired)
        {
            var result = await AuthenticateAsync(e, channel).ConfigureAwait(false);
            if (result.Rejection is { } rejection)
            {
                return Reject(e, rejection, result.Reason ?? rejection.ToString());
            }

            identity = result.Identity!;
            if (await CheckAfterAuthenticationAsync(identity, result.Tenant!, e.CancellationToken).ConfigureAwait(false) is { } failure)
            {
                return Reject(e, failure.Rejection, failure.Reason);
            }
        }

        // MQTTnet lets a new connection take over the session of the same client id. We allow that only for the
        // same device, so that no device can end another one's session (see docs/compatibility.md). The claim is
        // taken before the "connected" event goes out, so that two CONNECTs cannot both pass.
        var session = new DeviceSession(identity, clientId, e.ProtocolVersion, e.RemoteEndPoint, timeProvider.GetUtcNow());
        if (!sessions.TryClaim(session))
        {
            return Reject(e, ConnectRejection.ClientIdentifierNotValid, "client identifier in use by another device");
        }

        if (identity is not null)
        {
            var outcome = await connectionEvents.ConnectedAsync(session, e.CancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                session.TryEnd();
                sessions.Remove(session);
                return Reject(e, ConnectRejection.ServiceUnavailable, $"connected event not accepted: {outcome}");
            }
        }

        LogAccepted(session.ToString(), e.ProtocolVersion);
        return (session, null);
    }

    /// <summary>
    /// Hono's chain [ChainAuthHandler]: the first mechanism whose credentials can be extracted is the only one verified.
    /// A client certificate counts only once it validates against its tenant's trust anchor; otherwise (no or unknown
    /// tenant, untrusted) user name and password are tried, and their 401 is the answer when they are missing too.
    /// (JWT, between the two in Hono, is not supported.)
    /// </summary>
    private async ValueTask<AuthenticationResult> AuthenticateAsync(ValidatingConnectionEventArgs e, GuardedChannel? channel)
    {
        if (channel is { IsSecureConnection: true, ClientCertificate: { } certificate } &&
            await x509.TryExtractAsync(certificate, channel.ServerName, e.CancellationToken).ConfigureAwait(false) is { } credentials)
        {
            return await x509.AuthenticateAsync(credentials, e.CancellationToken).ConfigureAwait(false);
        }

        return await authenticator.AuthenticateAsync(e.UserName, e.RawPassword, e.CancellationToken).ConfigureAwait(false);
    }

    private async Task<(ConnectRejection Rejection, string Reason)?> CheckAfterAuthenticationAsync(
        DeviceIdentity identity, TenantInfo tenant, CancellationToken cancellationToken)
    {
        if (!tenant.Enabled)
        {
            return (ConnectRejection.TenantDisabled, HonoError.TenantDisabledOrNotRegistered.Message);
        }

        if (!tenant.IsAdapterEnabled())
        {
            return (ConnectRejection.AdapterDisabled, HonoError.AdapterDisabled.Message);
        }

        if (await usage.TenantConnectionsExceededAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            return (ConnectRejection.TenantConnectionsExceeded, "tenant connection limit reached");
        }

        if (await usage.ConnectionDurationExceededAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            return (ConnectRejection.ConnectionDurationExceeded, "tenant connection duration limit reached");
        }

        // Hono checks the data volume with a one-byte message at CONNECT [AbstractProtocolAdapterBase.checkConnectionLimit].
        if (await usage.DataVolumeExceededAsync(tenant, 1, cancellationToken).ConfigureAwait(false))
        {
            return (ConnectRejection.DataVolumeExceeded, "tenant data volume limit reached");
        }

        var assertion = await registry.AssertRegistrationAsync(identity.TenantId, identity.DeviceId, null, cancellationToken).ConfigureAwait(false);
        if (!assertion.Succeeded)
        {
            return (ConnectRejection.RegistrationAssertionFailed, assertion.Error!.Value.Message);
        }

        if (assertion.AuthorizedGateways.Count > 1)
        {
            lastKnownGateways.SetLastKnownGateway(identity.TenantId, identity.DeviceId, identity.DeviceId);   // it connects directly
        }

        return null;
    }

    private (DeviceSession?, ConnectRejection?) Reject(ValidatingConnectionEventArgs e, ConnectRejection rejection, string reason)
    {
        LogRejected(e.ClientId, e.UserName, rejection, reason);
        return (null, rejection);
    }

    [LoggerMessage(201, LogLevel.Information, "Connection accepted: {Session}, MQTT {Version}")]
    private partial void LogAccepted(string session, MqttProtocolVersion version);

    [LoggerMessage(202, LogLevel.Information, "Connection refused: client {ClientId}, user {UserName}: {Rejection} ({Reason})")]
    private partial void LogRejected(string clientId, string? userName, ConnectRejection rejection, string reason);

    [LoggerMessage(203, LogLevel.Error, "Unexpected failure while handling the CONNECT of client {ClientId}")]
    private partial void LogUnexpected(Exception exception, string clientId);
}
