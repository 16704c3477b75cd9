using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Tls;

/// <summary>A certificate of tenant A never authenticates into tenant B, whatever the client claims; SNI selects only among trusting tenants.</summary>
public sealed class X509TenantIsolationTests
{
    private static async Task<(RunningAdapter Adapter, TestPki Pki)> StartAsync(Func<TestPki, string>? registry = null)
    {
        var pki = await TestPki.GetAsync();
        return (await RunningAdapter.StartAsync((registry ?? (p => X509Registry.Build(p)))(pki), TlsClient.Settings(pki)), pki);
    }

    /// <summary>Connects over a raw TLS stream with an SNI host name, publishes one QoS 0 message and returns the CONNACK code.</summary>
    private static async Task<int> ConnectAndPublishAsync(TestPki pki, RunningAdapter adapter, string device, string serverName,
        string? username = null, string? password = null)
    {
        var (tcp, ssl) = await TlsClient.ConnectRawAsync(pki, adapter.MqttTlsPort, serverName, pki.LoadDevice(device));
        using var _ = tcp;
        await using var __ = ssl;
        var code = await TlsClient.RawConnectAsync(ssl, "sni-client", username, password);
        if (code == 0)
        {
            await ssl.WriteAsync(RawMqtt.Publish("telemetry", "via sni"u8.ToArray(), qos: 0));
            await ssl.FlushAsync();
        }

        return code;
    }

    [Test]
    public async Task ACertificateOfTenantAStaysInTenantAWhateverTheClientNames()
    {
        // Tenant B has an "intruder" with device A's subject DN as x509-cert auth-id, and the client names tenant B by SNI
        // and in its user name: the issuer decides, and it is tenant A's CA.
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;
        await using var a = await adapter.AttachReceiverAsync("telemetry/tenant-a");
        await using var b = await adapter.AttachReceiverAsync("telemetry/tenant-b");

        (await ConnectAndPublishAsync(pki, adapter, "device-a", "tenant-b.hono.example", "pw-b@tenant-b", "secret-b")).Should().Be(0);

        (await a.NextAsync()).ApplicationProperties["device_id"].Should().Be("dev-a");
        b.TryTake(out var _).Should().BeFalse("nothing reaches tenant B");
    }

    [Test]
    public async Task ACertificateOfAnotherCaIsNotMadeValidBySni()
    {
        // The server's certificate as a client certificate: its CA is no tenant's; SNI names tenant B, whose CA did not sign it.
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;
        var (tcp, ssl) = await TlsClient.ConnectRawAsync(pki, adapter.MqttTlsPort, "tenant-b.hono.example",
            System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(pki.ServerCert, pki.ServerKey));
        using var __ = tcp;
        await using var ___ = ssl;

        (await TlsClient.RawConnectAsync(ssl, "foreign")).Should().Be(0x04);
    }

    [Test]
    public async Task ACertificateOfTenantBIsRefusedWhereOnlyTenantAIsNamed()
    {
        // Tenant B's trusted CA removed: B's device certificate has no tenant, and "tenant-a" by SNI does not trust its CA.
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p).Replace("\"tenant-b\": {\n      \"trusted-ca\"", "\"tenant-b\": {\n      \"x-trusted-ca\""));
        await using var _ = adapter;

        (await ConnectAndPublishAsync(pki, adapter, "device-b", "tenant-a.hono.example")).Should().Be(0x04);
    }

    [TestCase("shared-2.hono.example", TestName = "SniSelectsAmongTenantsThatShareACa (tenant id)")]
    [TestCase("s2.hono.example", TestName = "SniSelectsAmongTenantsThatShareACa (alias)")]
    public async Task SniSelectsAmongTenantsThatShareACa(string serverName)
    {
        // Two tenants of one trust-anchor group trust CA A; the issuer alone is ambiguous (Hono: 404), SNI decides.
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p,
            tenantAExtra: """, "trust-anchor-group": "g" """,
            moreTenants: $$"""
                , "shared-2": { "alias": "s2", "trust-anchor-group": "g", "trusted-ca": [ { "cert": "{{p.Base64Der(p.CaA)}}" } ] }
                """,
            moreDevices: $$"""
                , "shared-2": { "dev-s2": { "credentials": [ { "type": "x509-cert", "auth-id": "{{TestPki.DeviceADn}}", "secrets": [ {} ] } ] } }
                """));
        await using var _ = adapter;
        await using var shared = await adapter.AttachReceiverAsync("telemetry/shared-2");

        (await ConnectAndPublishAsync(pki, adapter, "device-a", serverName)).Should().Be(0);

        (await shared.NextAsync()).ApplicationProperties["device_id"].Should().Be("dev-s2");
    }

    [TestCase("localhost", TestName = "an SNI host name without a dot")]
    [TestCase("nobody.hono.example", TestName = "an unknown tenant")]
    public async Task AnAmbiguousCaWithoutAUsableSniHostNameFallsThroughToThePassword(string serverName)
    {
        var (adapter, pki) = await StartAsync(p => X509Registry.Build(p,
            tenantAExtra: """, "trust-anchor-group": "g" """,
            moreTenants: $$"""
                , "shared-2": { "trust-anchor-group": "g", "trusted-ca": [ { "cert": "{{p.Base64Der(p.CaA)}}" } ] }
                """));
        await using var _ = adapter;

        (await ConnectAndPublishAsync(pki, adapter, "device-a", serverName)).Should().Be(0x04, "the certificate alone does not do");
        (await ConnectAndPublishAsync(pki, adapter, "device-a", serverName, "pw-a@tenant-a", "secret-a")).Should().Be(0, "the password does");
    }

    [Test]
    public async Task ADeviceOfTenantAPublishingForTenantBIsRefused()
    {
        var (adapter, pki) = await StartAsync();
        await using var _ = adapter;
        await using var b = await adapter.AttachReceiverAsync("telemetry/tenant-b");
        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, pki.LoadDevice("device-a")));
        using var __ = client;
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        var disconnected = MqttTestClient.DisconnectedAsync(client);

        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/tenant-b/dev-b").WithPayload("x")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        b.TryTake(out var _).Should().BeFalse();
    }
}
