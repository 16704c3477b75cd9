using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>A completed TLS handshake: the encrypted stream, the client's certificate (if it sent one) and its SNI host name.</summary>
public sealed record TlsConnectionInfo(SslStream Stream, X509Certificate2? ClientCertificate, string? ServerName);
