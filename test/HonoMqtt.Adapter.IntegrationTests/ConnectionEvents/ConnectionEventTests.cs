using System.Net.Sockets;
using System.Text.Json;
using Amqp;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.ConnectionEvents;

/// <summary>Exactly one "connected" and one "disconnected" event per authenticated session, whatever ends it.</summary>
public sealed class ConnectionEventTests
{
    private const string NotificationType = "application/vnd.eclipse-hono-dc-notification+json";

    private static JsonElement Body(Message message) => JsonDocument.Parse(((Amqp.Framing.Data)message.BodySection).Binary).RootElement;

    private static async Task<JsonElement> ExpectEventAsync(AmqpTestReceiver events, string cause, string clientId)
    {
        var message = await events.NextAsync();
        message.Properties.ContentType.ToString().Should().Be(NotificationType);
        message.Properties.To.Should().Be($"event/{TestRegistry.Tenant}");
        message.Header.Durable.Should().BeTrue();
        message.ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
        message.ApplicationProperties["qos"].Should().Be(1);
        message.ApplicationProperties.Map.ContainsKey("orig_adapter").Should().BeFalse();
        var body = Body(message);
        body.GetProperty("cause").GetString().Should().Be(cause);
        body.GetProperty("remote-id").GetString().Should().Be(clientId);
        body.GetProperty("source").GetString().Should().Be("hono-mqtt");
        return body;
    }

    private static async Task<(RunningAdapter, AmqpTestReceiver)> StartAsync()
    {
        var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple());
        return (adapter, await adapter.AttachReceiverAsync($"event/{TestRegistry.Tenant}"));
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task ConnectedIsSentBeforeTheConnackAndDisconnectedAfterDisconnect(MqttProtocolVersion version)
    {
        var (adapter, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = events;

        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, version, "dev-client-1");

        events.TryTake(out var connected).Should().BeTrue("the connected event was accepted before the CONNACK");
        Body(connected!).GetProperty("cause").GetString().Should().Be("connected");
        await device.DisconnectAsync();
        var body = await ExpectEventAsync(events, "disconnected", "dev-client-1");
        body.GetProperty("data").GetProperty("reason").GetString().Should().Be("client-disconnect");
    }

    [Test]
    public async Task ConnectionIsRefusedWhenTheConnectedEventCannotBeDelivered()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple());

        // Nobody consumes event/t1: the embedded endpoint has no credit, as a network without consumer.
        var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password));
        client.Dispose();

        result.ResultCode.Should().Be(MqttClientConnectResultCode.ServerUnavailable);
    }

    [Test]
    public async Task SocketLossEndsTheSessionWithADisconnectedEvent()
    {
        var (adapter, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = events;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);
        await tcp.GetStream().WriteAsync(RawMqtt.Connect("raw-client", TestRegistry.Username, TestRegistry.Password, keepAliveSeconds: 60));
        (await RawMqtt.ReadConnAckAsync(tcp.GetStream())).Should().Be(0);
        await ExpectEventAsync(events, "connected", "raw-client");

        tcp.Client.Close();

        var body = await ExpectEventAsync(events, "disconnected", "raw-client");
        body.GetProperty("data").GetProperty("reason").GetString().Should().Be("connection-lost");
    }

    [Test]
    public async Task KeepAliveExpiryEndsTheSessionWithADisconnectedEvent()
    {
        var (adapter, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = events;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);

        // Keep-alive 1 s and then silence: the server closes after 1.5 × keep-alive [MQTT-3.1.2-24].
        await tcp.GetStream().WriteAsync(RawMqtt.Connect("silent-client", TestRegistry.Username, TestRegistry.Password, keepAliveSeconds: 1));
        (await RawMqtt.ReadConnAckAsync(tcp.GetStream())).Should().Be(0);
        await ExpectEventAsync(events, "connected", "silent-client");

        await ExpectEventAsync(events, "disconnected", "silent-client");
        (await RawMqtt.ReadToEndAsync(tcp.GetStream(), TimeSpan.FromSeconds(10))).Should().BeTrue("the adapter closed the connection");
    }

    [Test]
    public async Task ServerSideCloseAfterAFailedPublishSendsDisconnected()
    {
        var (adapter, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: "bad-publisher");
        await ExpectEventAsync(events, "connected", "bad-publisher");

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("no/such/endpoint").WithPayload("x").Build());

        var body = await ExpectEventAsync(events, "disconnected", "bad-publisher");
        body.GetProperty("data").GetProperty("reason").GetString().Should().Be("publish-error");
    }

    [Test]
    public async Task ClientIdTakeoverEndsTheOldSessionWithOneDisconnectedEvent()
    {
        var (adapter, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = events;
        using var first = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: "same-id");
        await ExpectEventAsync(events, "connected", "same-id");

        using var second = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: "same-id");

        // The new session's "connected" goes out before its CONNACK, the old one's "disconnected" when MQTTnet drops it.
        var bodies = new[] { Body(await events.NextAsync()), Body(await events.NextAsync()) };
        bodies.Select(b => b.GetProperty("cause").GetString()).Should().BeEquivalentTo(["connected", "disconnected"]);
        bodies.Single(b => b.GetProperty("cause").GetString() == "disconnected").GetProperty("data").GetProperty("reason").GetString()
            .Should().Be("takeover");
        await second.DisconnectAsync();
        await ExpectEventAsync(events, "disconnected", "same-id");
        events.TryTake(out var _).Should().BeFalse("each session has exactly one connected and one disconnected event");
    }

    [Test]
    public async Task ShutdownSendsDisconnectedForEverySession()
    {
        var (adapter, events) = await StartAsync();
        await using var __ = events;
        var clients = new List<IMqttClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: $"c{i}"));
            await ExpectEventAsync(events, "connected", $"c{i}");
        }

        await adapter.StopAsync();

        var ended = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = await events.NextAsync();
            var body = Body(message);
            body.GetProperty("cause").GetString().Should().Be("disconnected");
            body.GetProperty("data").GetProperty("reason").GetString().Should().Be("shutdown");
            ended.Add(body.GetProperty("remote-id").GetString()!);
        }

        ended.Should().BeEquivalentTo(["c0", "c1", "c2"]);
        await adapter.DisposeAsync();
        clients.ForEach(c => c.Dispose());
    }

    [Test]
    public async Task AClientIdInUseByAnotherDeviceCannotBeTakenOver()
    {
        var registry = TestRegistry.Simple(moreDevices: "");
        registry = registry.Replace("\"d1\": {", """
            "d2": { "credentials": [ { "type": "hashed-password", "auth-id": "a2", "secrets": [ { "pwd-plain": "pw2" } ] } ] },
            "d1": {
            """);
        await using var adapter = await RunningAdapter.StartAsync(registry, new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" });
        using var owner = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, clientId: "shared");

        var (intruder, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, "a2@t1", "pw2", clientId: "shared"));
        intruder.Dispose();

        result.ResultCode.Should().Be(MqttClientConnectResultCode.ClientIdentifierNotValid);
        await owner.PingAsync();
        owner.IsConnected.Should().BeTrue();
    }
}
