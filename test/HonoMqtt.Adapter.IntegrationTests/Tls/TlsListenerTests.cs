using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Tls;

/// <summary>The TLS port: protocol versions, both ports at once, the handshake timeout and the packet size limit.</summary>
public sealed class TlsListenerTests
{
    [TestCase(SslProtocols.Tls12, MqttProtocolVersion.V311)]
    [TestCase(SslProtocols.Tls12, MqttProtocolVersion.V500)]
    [TestCase(SslProtocols.Tls13, MqttProtocolVersion.V311)]
    [TestCase(SslProtocols.Tls13, MqttProtocolVersion.V500)]
    public async Task UsernameAndPasswordWorkOverTls12AndTls13(SslProtocols protocol, MqttProtocolVersion version)
    {
        var pki = await TestPki.GetAsync();
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), TlsClient.Settings(pki));
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");

        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, username: TestRegistry.Username,
            password: TestRegistry.Password, version: version, protocols: protocol));
        using var _ = client;

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload("over tls")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
    }

    [Test]
    public async Task OnlyTheConfiguredTlsVersionIsOffered()
    {
        var pki = await TestPki.GetAsync();
        var settings = TlsClient.Settings(pki);
        settings["hono:mqtt:secureProtocols"] = "TLSv1.3";
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), settings);

        var tls12 = () => MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, username: TestRegistry.Username,
            password: TestRegistry.Password, protocols: SslProtocols.Tls12));
        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, username: TestRegistry.Username,
            password: TestRegistry.Password, protocols: SslProtocols.Tls13));
        client.Dispose();

        await tls12.Should().ThrowAsync<Exception>("the server does not speak TLS 1.2");
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
    }

    [Test]
    public async Task ThePlainAndTheTlsPortServeDevicesAtTheSameTime()
    {
        var pki = await TestPki.GetAsync();
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), TlsClient.Settings(pki));

        using var plain = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: "plain");
        var (secure, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, username: TestRegistry.Username,
            password: TestRegistry.Password, clientId: "secure"));
        using var _ = secure;

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        adapter.MqttTlsPort.Should().NotBe(adapter.MqttPort);
        await plain.PingAsync();
        await secure.PingAsync();
    }

    [Test]
    public async Task TheTlsPortAloneServesDevices()
    {
        var pki = await TestPki.GetAsync();
        var settings = TlsClient.Settings(pki);
        settings["hono:mqtt:insecurePortEnabled"] = "false";
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), settings);

        var (client, result) = await MqttTestClient.ConnectAsync(TlsClient.Options(pki, adapter.MqttTlsPort, username: TestRegistry.Username,
            password: TestRegistry.Password));
        client.Dispose();

        adapter.MqttPort.Should().Be(0, "the plain port is not open");
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
    }

    [Test]
    public async Task AClientThatNeverCompletesTheHandshakeIsClosedAfterTheHandshakeTimeout()
    {
        var pki = await TestPki.GetAsync();
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), TlsClient.Settings(pki, handshakeTimeout: 500));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttTlsPort);
        var clock = Stopwatch.StartNew();

        // Half a ClientHello: the TLS record header announces more than ever comes.
        await tcp.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x01, 0x00, 0x01 });

        (await RawMqtt.ReadToEndAsync(tcp.GetStream(), TimeSpan.FromSeconds(10))).Should().BeTrue("the adapter closes the connection");
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(400), "the client had the handshake timeout to finish");
    }

    [Test]
    public async Task ThePacketSizeLimitHoldsOverTls()
    {
        var pki = await TestPki.GetAsync();
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), TlsClient.Settings(pki, producer: "events"));
        await using var events = await adapter.AttachReceiverAsync("event/t1");
        var (tcp, ssl) = await TlsClient.ConnectRawAsync(pki, adapter.MqttTlsPort);
        using var _ = tcp;
        await using var __ = ssl;
        (await TlsClient.RawConnectAsync(ssl, "big-publisher", TestRegistry.Username, TestRegistry.Password)).Should().Be(0);
        await events.NextAsync();   // connected

        // A PUBLISH announcing 256 MiB: closed as soon as the length is read, nothing allocated for it.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await ssl.WriteAsync(new byte[] { 0x32, 0xFF, 0xFF, 0xFF, 0x7F });
        await ssl.FlushAsync();

        (await RawMqtt.ReadToEndAsync(ssl, TimeSpan.FromSeconds(10))).Should().BeTrue("the adapter closes the connection");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(16 * 1024 * 1024);
        var disconnected = System.Text.Json.JsonDocument.Parse(((Amqp.Framing.Data)(await events.NextAsync()).BodySection).Binary).RootElement;
        disconnected.GetProperty("cause").GetString().Should().Be("disconnected");
        disconnected.GetProperty("data").GetProperty("reason").GetString().Should().Be("packet-too-large");
    }
}
