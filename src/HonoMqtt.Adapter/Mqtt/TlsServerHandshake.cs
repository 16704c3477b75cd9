using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// The server side of the TLS handshake on the TLS port. As in Hono [spec mqtt-adapter.md §2.2(a)], a client
/// certificate is requested, not required, and any certificate inside its validity period is accepted here: whether it
/// is trusted is decided per tenant while the CONNECT is authenticated. A handshake must complete within the timeout.
/// </summary>
public sealed class TlsServerHandshake
{
    private readonly SslStreamCertificateContext _certificate;
    private readonly SslProtocols _protocols;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    public TlsServerHandshake(ServerIdentity identity, SslProtocols protocols, TimeSpan timeout, TimeProvider timeProvider)
    {
        _certificate = SslStreamCertificateContext.Create(identity.Certificate, identity.Chain, offline: true);
        _protocols = protocols;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    public TimeSpan Timeout => _timeout;

    /// <summary>Runs the handshake over <paramref name="network"/>; the returned stream owns it, also when the handshake fails.</summary>
    /// <exception cref="TimeoutException">The handshake did not complete in time.</exception>
    /// <exception cref="AuthenticationException">The handshake failed (bad protocol, expired client certificate …).</exception>
    public async Task<TlsConnectionInfo> AuthenticateAsync(Stream network, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await ssl.AuthenticateAsServerAsync(Options(), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"no TLS handshake within {_timeout.TotalMilliseconds} ms");
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Our own copy: the stream's remote certificate lives only as long as the stream.
        var clientCertificate = ssl.RemoteCertificate is { } remote ? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
        var serverName = string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName;
        return new TlsConnectionInfo(ssl, clientCertificate, serverName);
    }

    private SslServerAuthenticationOptions Options() => new()
    {
        ServerCertificateContext = _certificate,
        EnabledSslProtocols = _protocols,
        ClientCertificateRequired = true,   // .NET's word for "request": the callback below accepts a missing certificate
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is null || IsTimeValid(certificate),
    };

    // Hono's adapters trust any client certificate inside its validity period at the TLS level
    // [AbstractProtocolAdapterBase.getServerTrustOptions]; chain validation follows against the tenant's trust anchors.
    private bool IsTimeValid(X509Certificate certificate)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var c = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return c.NotBefore.ToUniversalTime() <= now && now <= c.NotAfter.ToUniversalTime();
    }
}
