using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FluentAssertions;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Options;

public sealed class MqttTlsOptionsTests
{
    private static IReadOnlyList<string> Errors(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        HonoConfiguration.Bind(configuration, out var errors);
        return errors;
    }

    private static (string Cert, string Key) WriteIdentity()
    {
        var directory = Directory.CreateTempSubdirectory("hono-mqtt-options-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "server.crt");
        var keyPath = Path.Combine(directory, "server.key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    [Test]
    public void Bind_NoTlsSettings_KeepsTheTlsPortClosedWithHonoDefaults()
    {
        var config = HonoConfiguration.Bind(new ConfigurationBuilder().Build(), out var errors);

        errors.Should().BeEmpty();
        config.Mqtt.SecurePortEnabled.Should().BeFalse();
        config.Mqtt.Port.Should().Be(8883);
        config.Mqtt.BindAddress.Should().Be("127.0.0.1");
        config.Mqtt.SecureProtocols.Should().Be("TLSv1.3,TLSv1.2");
        config.Mqtt.TlsHandshakeTimeout.Should().Be(10_000);
    }

    [Test]
    public void Bind_KeyAndCertificate_OpensTheTlsPort()
    {
        var (cert, key) = WriteIdentity();

        Errors(new Dictionary<string, string?> { ["hono:mqtt:certPath"] = cert, ["hono:mqtt:keyPath"] = key }).Should().BeEmpty();
    }

    [Test]
    public void Bind_OnlyTheTlsPort_IsEnoughOfAPort()
    {
        var (cert, key) = WriteIdentity();

        Errors(new Dictionary<string, string?>
        {
            ["hono:mqtt:insecurePortEnabled"] = "false", ["hono:mqtt:certPath"] = cert, ["hono:mqtt:keyPath"] = key,
        }).Should().BeEmpty();
    }

    [Test]
    public void Bind_NoPortAtAll_IsAnError()
    {
        Errors(new Dictionary<string, string?> { ["hono:mqtt:insecurePortEnabled"] = "false" })
            .Should().ContainSingle(e => e.Contains("no MQTT port is configured"));
    }

    [Test]
    public void Bind_BadTlsSettings_ListsEveryError()
    {
        var (cert, _) = WriteIdentity();

        var errors = Errors(new Dictionary<string, string?>
        {
            ["hono:mqtt:certPath"] = cert,
            ["hono:mqtt:keyPath"] = "/nonexistent/server.key",
            ["hono:mqtt:secureProtocols"] = "TLSv1.3,TLSv1.1,SSLv3",
            ["hono:mqtt:port"] = "1883",
            ["hono:mqtt:bindAddress"] = "localhost",
            ["hono:mqtt:tlsHandshakeTimeout"] = "0",
        });

        errors.Should().HaveCount(5);
        errors.Should().Contain(e => e.Contains("keyPath") && e.Contains("does not exist"));
        errors.Should().Contain(e => e.Contains("secureProtocols") && e.Contains("'TLSv1.1', 'SSLv3'"));
        errors.Should().Contain(e => e.Contains("must differ"));
        errors.Should().Contain(e => e.Contains("bindAddress"));
        errors.Should().Contain(e => e.Contains("tlsHandshakeTimeout"));
    }

    [Test]
    public void Bind_KeyWithoutCertificate_IsAnError()
    {
        var (_, key) = WriteIdentity();

        Errors(new Dictionary<string, string?> { ["hono:mqtt:keyPath"] = key }).Should().ContainSingle(e => e.Contains("certPath is not"));
    }

    [Test]
    public void Bind_KeyOfAnotherCertificate_IsAnError()
    {
        var (cert, _) = WriteIdentity();
        var (_, otherKey) = WriteIdentity();

        Errors(new Dictionary<string, string?> { ["hono:mqtt:certPath"] = cert, ["hono:mqtt:keyPath"] = otherKey })
            .Should().ContainSingle(e => e.Contains("cannot load the server certificate"));
    }

    [Test]
    public void Bind_NotPem_IsAnError()
    {
        var (cert, key) = WriteIdentity();
        File.WriteAllText(cert, "not a certificate");

        Errors(new Dictionary<string, string?> { ["hono:mqtt:certPath"] = cert, ["hono:mqtt:keyPath"] = key })
            .Should().ContainSingle(e => e.Contains("cannot load the server certificate"));
    }
}
