using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Tls;

/// <summary>Devices authenticating with client certificates made by openssl, in Hono's chain order.</summary>
public sealed class X509AuthenticationTests
{
    private static async Task<(RunningAdapter Adapter, TestPki Pki)> StartAsync(Func<TestPki, string>? registry = null, string? producer = "none")
    {
        var pki = await TestPki.GetAsync();
        return (await RunningAdapter.StartAsync((registry ?? (p => X509Registry.Build(p)))(pki), TlsClient.Settings(pki, producer)), pki);
    }

    private static MosquittoOptions Mosquitto(TestPki pki, int port, string device, bool v5 = false, string? username = null, string? password = null) => new()
    {
        Port = port, Topic = "telemetry", Qos = 1, MqttV5 = v5, Username = username, Password = password,
        ExtraArguments = ["--cafile", pki.ServerCa, "--cert", pki.Device(device).Cert, "--key", pki.Device(device).Key],
    };

    private static async Task<MqttClientConnectResult> ConnectAsync(TestPki pki, RunningAdapter adapter, string? device,
        MqttProtocolVersion version = MqttProtocolVersion.V311, string? username = null, string? password = null)
    {
        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort,
            device is null ? null : pki.LoadDevice(device), username, password, version));
        client.Dispose();
        return result;
    }

    [TestCase(false, TestName = "MosquittoPubWithOnlyAClientCertificateReachesTheApplication (MQTT 3.1.1)")]
    [TestCase(true, TestName = "MosquittoPubWithOnlyAClientCertificateReachesTheApplication (MQTT 5)")]
    public async Task MosquittoPubWithOnlyAClientCertificateReachesTheApplication(bool v5)
    {
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/tenant-a");

        var result = await MosquittoClients.PublishAsync(Mosquitto(pki, adapter.MqttTlsPort, "device-a", v5), "hello from a certificate");

        result.ExitCode.Should().Be(0, result.ToString());
        var message = await telemetry.NextAsync();
        message.ApplicationProperties["device_id"].Should().Be("dev-a");
        Encoding.UTF8.GetString(((Amqp.Framing.Data)message.BodySection).Binary).Should().Be("hello from a certificate");
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task MqttNetWithAnEcCertificateOfAPublicKeyTrustAnchorAuthenticates(MqttProtocolVersion version)
    {
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/tenant-b");
        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, pki.LoadDevice("device-b"), version: version));
        using var __ = client;

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("t").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be("dev-b");
    }

    [Test]
    public async Task AnUntrustedCertificateWithAValidPasswordAuthenticatesByPassword()
    {
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/tenant-a");

        // The impostor CA has CA A's name but another key: the tenant is found, the signature does not verify.
        var result = await MosquittoClients.PublishAsync(Mosquitto(pki, adapter.MqttTlsPort, "impostor-device", username: "pw-a@tenant-a", password: "secret-a"), "x");

        result.ExitCode.Should().Be(0, result.ToString());
        (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be("dev-pw", "the password, not the certificate, authenticated");
    }

    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.BadUserNameOrPassword)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.BadUserNameOrPassword)]
    public async Task AnUntrustedCertificateAloneIsRefusedAsBadCredentials(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;

        (await ConnectAsync(pki, adapter, "impostor-device", version)).ResultCode.Should().Be(expected);
    }

    [Test]
    public async Task MosquittoPubWithAnUntrustedCertificateAloneIsToldBadUserNameOrPassword()
    {
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;

        var result = await MosquittoClients.PublishAsync(Mosquitto(pki, adapter.MqttTlsPort, "impostor-device"), "x");

        result.ExitCode.Should().NotBe(0);
        (result.StandardError + result.StandardOutput).Should().Contain("bad user name or password", "return code 0x04");
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task AValidatedCertificateWithAnUnknownSubjectIsRefusedEvenWithAValidPassword(MqttProtocolVersion version)
    {
        // Tenant B's x509-cert record names another subject: the certificate validates, so it is the only credential tried.
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p, devBAuthId: "CN=someone-else,O=HonoMqtt Tests"));
        await using var _ = adapter;

        (await ConnectAsync(pki, adapter, "device-b", version, "pw-b@tenant-b", "secret-b")).ResultCode
            .Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }

    [Test]
    public async Task TheAuthIdTemplateOfTheTrustAnchorMakesTheAuthId()
    {
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p, caBExtra: """, "auth-id-template": "{{subject-ou}}/{{subject-cn}}" """,
            devBAuthId: "Tenant B/device-b1"));
        await using var _ = adapter;

        (await ConnectAsync(pki, adapter, "device-b")).ResultCode.Should().Be(MqttClientConnectResultCode.Success);
    }

    [TestCase(MqttProtocolVersion.V311, """ , "enabled": false """, "", MqttClientConnectResultCode.NotAuthorized, TestName = "disabled tenant (3.1.1)")]
    [TestCase(MqttProtocolVersion.V500, """ , "enabled": false """, "", MqttClientConnectResultCode.NotAuthorized, TestName = "disabled tenant (5)")]
    [TestCase(MqttProtocolVersion.V311, """ , "adapters": [ { "type": "hono-http", "enabled": true } ] """, "", MqttClientConnectResultCode.NotAuthorized,
        TestName = "MQTT adapter disabled for the tenant")]
    [TestCase(MqttProtocolVersion.V311, "", """ , "enabled": false """, MqttClientConnectResultCode.NotAuthorized, TestName = "disabled device (3.1.1)")]
    [TestCase(MqttProtocolVersion.V500, "", """ , "enabled": false """, MqttClientConnectResultCode.NotAuthorized, TestName = "disabled device (5)")]
    public async Task TenantAndDeviceChecksHoldForCertificates(MqttProtocolVersion version, string tenantExtra, string deviceExtra, MqttClientConnectResultCode expected)
    {
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p, tenantAExtra: tenantExtra, devAExtra: deviceExtra));
        await using var _ = adapter;

        (await ConnectAsync(pki, adapter, "device-a", version)).ResultCode.Should().Be(expected);
    }

    [Test]
    public async Task DisabledX509CredentialsAreBadCredentials()
    {
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p).Replace(
            $$"""{ "type": "x509-cert", "auth-id": "{{TestPki.DeviceADn}}", """, $$"""{ "type": "x509-cert", "auth-id": "{{TestPki.DeviceADn}}", "enabled": false, """));
        await using var _ = adapter;

        (await ConnectAsync(pki, adapter, "device-a")).ResultCode.Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }

    [Test]
    public async Task ASubjectDnWrittenWithSpacesInTheRegistryStillMatches()
    {
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p).Replace(TestPki.DeviceADn, "CN=device-a1, OU=Tenant A, O=HonoMqtt Tests"));
        await using var _ = adapter;

        (await ConnectAsync(pki, adapter, "device-a")).ResultCode.Should().Be(MqttClientConnectResultCode.Success);
    }

    [Test]
    public async Task ConnectionEventsAreSentForACertificateDeviceOverTls()
    {
        var (adapter, pki) = await StartAsync(producer: "events");
        await using var _ = adapter;
        await using var events = await adapter.AttachReceiverAsync("event/tenant-a");
        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, pki.LoadDevice("device-a"), clientId: "cert-client"));
        using var __ = client;
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);

        await client.DisconnectAsync();

        foreach (var cause in new[] { "connected", "disconnected" })
        {
            var message = await events.NextAsync();
            message.ApplicationProperties["device_id"].Should().Be("dev-a");
            var body = System.Text.Json.JsonDocument.Parse(((Amqp.Framing.Data)message.BodySection).Binary).RootElement;
            body.GetProperty("cause").GetString().Should().Be(cause);
            body.GetProperty("remote-id").GetString().Should().Be("cert-client");
        }
    }
}
