using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Loads the TLS port's identity from Hono's <c>keyPath</c>/<c>certPath</c> PEM files: the first certificate of
/// <c>certPath</c> is the server's, any further ones are sent along as its chain.
/// </summary>
public static class ServerCertificateLoader
{
    public static bool TryLoad(string certPath, string keyPath, [NotNullWhen(true)] out ServerIdentity? identity, [NotNullWhen(false)] out string? error)
    {
        identity = null;
        error = null;
        foreach (var (option, path) in new[] { ("certPath", certPath), ("keyPath", keyPath) })
        {
            if (!File.Exists(path))
            {
                error = $"hono:mqtt:{option}: file '{path}' does not exist";
                return false;
            }
        }

        X509Certificate2 pem;
        X509Certificate2Collection all;
        try
        {
            pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            all = [];
            all.ImportFromPemFile(certPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"hono:mqtt:certPath/keyPath: cannot load the server certificate from '{certPath}' and key from '{keyPath}': {e.Message}";
            return false;
        }

        // A key imported from PEM is ephemeral; a PKCS#12 round trip gives SslStream a key it can use on every platform.
        using (pem)
        {
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            var chain = new X509Certificate2Collection();
            foreach (var extra in all)
            {
                if (extra.Thumbprint != certificate.Thumbprint)
                {
                    chain.Add(extra);
                }
                else
                {
                    extra.Dispose();
                }
            }

            identity = new ServerIdentity(certificate, chain);
            return true;
        }
    }
}
