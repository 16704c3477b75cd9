using System.Security.Cryptography.X509Certificates;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>The TLS port's certificate (with its private key) and the intermediate certificates sent with it.</summary>
public sealed record ServerIdentity(X509Certificate2 Certificate, X509Certificate2Collection Chain) : IDisposable
{
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var certificate in Chain)
        {
            certificate.Dispose();
        }
    }
}
