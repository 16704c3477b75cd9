using System.Text.Json;
using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Devices;

/// <summary>Gateways publishing for their devices (<c>via</c>, <c>viaGroups</c>/<c>memberOf</c>), and what they may not do.</summary>
public sealed class GatewayTests
{
    private static readonly string Registry = TestRegistry.Simple(moreTenants: """
        , "t2": {}
        """, moreDevices: """
        , "t2": { "foreign": { "via": ["gw"] } }
        """).Replace("\"d1\": {", """
        "gw": { "memberOf": ["line-1"], "credentials": [ { "type": "hashed-password", "auth-id": "gw", "secrets": [ { "pwd-plain": "gw-pw" } ] } ] },
        "edge": { "via": "gw", "defaults": { "line": "A" } },
        "grouped": { "viaGroups": ["line-1"] },
        "edge-off": { "enabled": false, "via": ["gw"] },
        "d1": {
        """);

    private static async Task<(RunningAdapter, AmqpTestReceiver, AmqpTestReceiver, IMqttClient)> StartAsync(MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var adapter = await RunningAdapter.StartAsync(Registry);
        var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        var events = await adapter.AttachReceiverAsync("event/t1");
        var gateway = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, "gw@t1", "gw-pw", version, "gateway-client");
        return (adapter, telemetry, events, gateway);
    }

    private static Task PublishAsync(IMqttClient client, string topic, int qos = 1) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("x").WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).Build());

    [Test]
    public async Task AGatewayPublishesForItsDevicesInEveryTopicForm()
    {
        var (adapter, telemetry, events, gateway) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var ____ = gateway;
        var connected = await events.NextAsync();
        connected.ApplicationProperties["device_id"].Should().Be("gw", "the gateway's own session");
        JsonDocument.Parse(((Amqp.Framing.Data)connected.BodySection).Binary).RootElement.GetProperty("remote-id").GetString().Should().Be("gateway-client");

        await PublishAsync(gateway, "telemetry//edge");
        await PublishAsync(gateway, "t/t1/grouped", qos: 0);
        await PublishAsync(gateway, "event/t1/edge");
        await PublishAsync(gateway, "e//grouped");

        var first = await telemetry.NextAsync();
        first.ApplicationProperties["device_id"].Should().Be("edge");
        first.ApplicationProperties["line"].Should().Be("A", "the edge device's defaults apply");
        first.ApplicationProperties["orig_address"].Should().Be("telemetry//edge");
        first.MessageAnnotations[new Symbol("device_id")].Should().Be("edge");
        (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be("grouped");
        (await events.NextAsync()).ApplicationProperties["device_id"].Should().Be("edge");
        (await events.NextAsync()).ApplicationProperties["device_id"].Should().Be("grouped");
    }

    [TestCase("telemetry//d1", TestName = "a device that does not list the gateway")]
    [TestCase("telemetry//edge-off", TestName = "a disabled device")]
    [TestCase("telemetry//nobody", TestName = "an unknown device")]
    [TestCase("telemetry/t2/foreign", TestName = "a device of another tenant, even one listing the gateway")]
    public async Task AGatewayCannotPublishForOtherDevices(string topic)
    {
        var (adapter, telemetry, events, gateway) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var ____ = gateway;
        var disconnected = MqttTestClient.DisconnectedAsync(gateway);

        var publish = PublishAsync(gateway, topic);

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await ((Func<Task>)(() => publish)).Should().ThrowAsync<Exception>();
        telemetry.TryTake(out var _).Should().BeFalse();
    }

    [Test]
    public async Task AnOrdinaryDeviceCannotActAsAGateway()
    {
        await using var adapter = await RunningAdapter.StartAsync(Registry);
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        await using var events = await adapter.AttachReceiverAsync("event/t1");
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, MqttProtocolVersion.V500);
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        _ = PublishAsync(device, "telemetry//edge");

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        telemetry.TryTake(out var _).Should().BeFalse();
    }
}
