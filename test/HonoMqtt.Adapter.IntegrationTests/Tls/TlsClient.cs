using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;

namespace HonoMqtt.Adapter.IntegrationTests.Tls;

/// <summary>Devices on the TLS port: MQTTnet's client trusting the test server CA, or a raw <see cref="SslStream"/>.</summary>
public static class TlsClient
{
    /// <summary>The adapter's settings for a TLS port on a free port, with the test PKI's server identity.</summary>
    public static Dictionary<string, string?> Settings(TestPki pki, string? producer = "none", int? handshakeTimeout = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["hono:mqtt:port"] = "0",
            ["hono:mqtt:certPath"] = pki.ServerCert,
            ["hono:mqtt:keyPath"] = pki.ServerKey,
        };
        if (producer is not null)
        {
            settings["hono:connectionEvents:producer"] = producer;
        }

        if (handshakeTimeout is { } t)
        {
            settings["hono:mqtt:tlsHandshakeTimeout"] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    public static MqttClientOptions Options(TestPki pki, int port, X509Certificate2? clientCertificate = null, string? username = null,
        string? password = null, MqttProtocolVersion version = MqttProtocolVersion.V311, SslProtocols protocols = SslProtocols.None,
        string? clientId = null, string targetHost = "localhost")
    {
        var trust = new X509Certificate2Collection(X509CertificateLoader.LoadCertificateFromFile(pki.ServerCa));
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(version)
            .WithClientId(clientId ?? "tls-" + Guid.NewGuid().ToString("N")[..12])
            .WithCleanSession()
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(o =>
            {
                o.UseTls().WithTrustChain(trust).WithTargetHost(targetHost).WithSslProtocols(protocols);
                if (clientCertificate is not null)
                {
                    o.WithClientCertificates([clientCertificate]);
                }
            });
        if (username is not null)
        {
            builder.WithCredentials(username, password);
        }

        return builder.Build();
    }

    /// <summary>Opens a TLS connection as a raw stream (for hand-made packets), trusting the test server CA.</summary>
    public static async Task<(TcpClient Tcp, SslStream Ssl)> ConnectRawAsync(TestPki pki, int port, string targetHost = "localhost",
        X509Certificate2? clientCertificate = null)
    {
        var serverCa = X509CertificateLoader.LoadCertificateFromFile(pki.ServerCa);
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(serverCa);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is X509Certificate2 c && chain.Build(c);
            },
        }).WaitAsync(TimeSpan.FromSeconds(10));
        return (tcp, ssl);
    }

    /// <summary>Connects with a raw CONNECT (3.1.1) over TLS and returns the CONNACK return code.</summary>
    public static async Task<int> RawConnectAsync(SslStream ssl, string clientId, string? username = null, string? password = null)
    {
        await ssl.WriteAsync(RawMqtt.Connect(clientId, username, password, keepAliveSeconds: 60));
        await ssl.FlushAsync();
        return await RawMqtt.ReadConnAckAsync(ssl);
    }
}
