using System.Security.Cryptography.X509Certificates;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;

namespace HonoMqtt.Adapter.IntegrationTests.Tls;

/// <summary>
/// Certificates made with the real <c>openssl</c> CLI, once per test run, in a temporary directory: a server CA and the
/// adapter's certificate for 127.0.0.1/localhost, a CA per tenant (A: RSA, B: EC P-256) with a device certificate each,
/// and an impostor CA that has tenant A's CA name but its own key, with a device certificate of the same subject as A's.
/// </summary>
public sealed class TestPki
{
    public const string CaADn = "CN=Tenant A CA,O=HonoMqtt Tests";
    public const string CaBDn = "CN=Tenant B CA,O=HonoMqtt Tests";
    public const string DeviceADn = "CN=device-a1,OU=Tenant A,O=HonoMqtt Tests";
    public const string DeviceBDn = "CN=device-b1,OU=Tenant B,O=HonoMqtt Tests";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestPki? _instance;

    private const string Config = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        [ca_ext]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        [device_ext]
        basicConstraints = CA:FALSE
        keyUsage = critical,digitalSignature,keyEncipherment
        extendedKeyUsage = clientAuth
        [server_ext]
        basicConstraints = CA:FALSE
        keyUsage = critical,digitalSignature,keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = IP:127.0.0.1,DNS:localhost
        """;

    private TestPki(string directory) => Directory = directory;

    public string Directory { get; }

    public string ServerCa => Path.Combine(Directory, "server-ca.crt");

    public string ServerCert => Path.Combine(Directory, "server.crt");

    public string ServerKey => Path.Combine(Directory, "server.key");

    public string CaA => Path.Combine(Directory, "ca-a.crt");

    public string CaB => Path.Combine(Directory, "ca-b.crt");

    public string ImpostorCa => Path.Combine(Directory, "impostor-ca.crt");

    /// <summary>Device certificate and key files by name: <c>device-a</c>, <c>device-b</c>, <c>impostor-device</c>.</summary>
    public (string Cert, string Key) Device(string name) => (Path.Combine(Directory, name + ".crt"), Path.Combine(Directory, name + ".key"));

    public X509Certificate2 LoadDevice(string name) => X509Certificate2.CreateFromPemFile(Device(name).Cert, Device(name).Key);

    /// <summary>Base64 DER of a certificate file, as a registry's <c>trusted-ca</c> <c>cert</c> member holds it.</summary>
    public string Base64Der(string certFile) => Convert.ToBase64String(X509CertificateLoader.LoadCertificateFromFile(certFile).RawData);

    /// <summary>Base64 DER SubjectPublicKeyInfo of a certificate file, as a <c>trusted-ca</c> <c>public-key</c> member holds it.</summary>
    public string Base64PublicKey(string certFile) =>
        Convert.ToBase64String(X509CertificateLoader.LoadCertificateFromFile(certFile).PublicKey.ExportSubjectPublicKeyInfo());

    public static async Task<TestPki> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_instance is null)
            {
                var pki = new TestPki(System.IO.Directory.CreateTempSubdirectory("hono-mqtt-pki-").FullName);
                await pki.CreateAsync();
                _instance = pki;
            }

            return _instance;
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task CreateAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(Directory, "openssl.cnf"), Config);
        await CaAsync("server-ca", "/O=HonoMqtt Tests/CN=HonoMqtt Test Server CA", Ec);
        await SignedAsync("server", "/CN=localhost", "server-ca", "server_ext", Ec);
        await CaAsync("ca-a", "/O=HonoMqtt Tests/CN=Tenant A CA", Rsa);
        await SignedAsync("device-a", "/O=HonoMqtt Tests/OU=Tenant A/CN=device-a1", "ca-a", "device_ext", Rsa);
        await CaAsync("ca-b", "/O=HonoMqtt Tests/CN=Tenant B CA", Ec);
        await SignedAsync("device-b", "/O=HonoMqtt Tests/OU=Tenant B/CN=device-b1", "ca-b", "device_ext", Ec);
        await CaAsync("impostor-ca", "/O=HonoMqtt Tests/CN=Tenant A CA", Ec);
        await SignedAsync("impostor-device", "/O=HonoMqtt Tests/OU=Tenant A/CN=device-a1", "impostor-ca", "device_ext", Ec);
    }

    private static readonly string[] Rsa = ["-newkey", "rsa:2048"];
    private static readonly string[] Ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];

    private Task CaAsync(string name, string subject, string[] key) => OpenSslAsync(
        ["req", "-x509", .. key, "-nodes", "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", subject,
         "-config", "openssl.cnf", "-extensions", "ca_ext"]);

    private async Task SignedAsync(string name, string subject, string ca, string extensions, string[] key)
    {
        await OpenSslAsync(["req", "-new", .. key, "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject, "-config", "openssl.cnf"]);
        await OpenSslAsync(["x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-set_serial", Serial(), "-days", "1",
            "-out", name + ".crt", "-extfile", "openssl.cnf", "-extensions", extensions]);
    }

    private static string Serial() => "0x" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private async Task OpenSslAsync(string[] arguments)
    {
        var result = await ChildProcess.RunAsync("/usr/bin/openssl", arguments, TimeSpan.FromSeconds(60), workingDirectory: Directory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{result.Command} failed ({result.ExitCode}): {result.StandardError}");
        }
    }
}
