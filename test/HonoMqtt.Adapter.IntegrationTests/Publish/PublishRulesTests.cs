using System.Net.Sockets;
using Amqp;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Publish;

/// <summary>What a device's publish must satisfy: the size limit, QoS per endpoint, known topics, its own tenant.</summary>
public sealed class PublishRulesTests
{
    private static readonly IDictionary<string, string?> NoConnectionEvents = new Dictionary<string, string?>
    {
        ["hono:connectionEvents:producer"] = "none",
    };

    private static async Task<(RunningAdapter Adapter, AmqpTestReceiver Telemetry, AmqpTestReceiver Events)> StartAsync()
    {
        var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        return (adapter, await adapter.AttachReceiverAsync("telemetry/t1"), await adapter.AttachReceiverAsync("event/t1"));
    }

    [Test]
    public async Task PayloadUpToMaxPayloadSizeIsForwardedAndALargerPacketClosesTheConnection()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload(new byte[2048])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        ((Amqp.Framing.Data)(await telemetry.NextAsync()).BodySection).Binary.Should().HaveCount(2048);

        var disconnected = MqttTestClient.DisconnectedAsync(device);
        var tooLarge = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload(new byte[2200])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await ((Func<Task>)(() => tooLarge)).Should().ThrowAsync<Exception>();
        telemetry.TryTake(out var _).Should().BeFalse("an oversized message is never forwarded");
    }

    [TestCase(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F }, TestName = "CONNECT announcing 256 MiB")]
    [TestCase(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, TestName = "CONNECT with a five-byte length")]
    public async Task AnOversizedOrMalformedLengthIsRefusedBeforeAnythingIsAllocated(byte[] header)
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);

        await tcp.GetStream().WriteAsync(header);

        (await RawMqtt.ReadToEndAsync(tcp.GetStream(), TimeSpan.FromSeconds(10))).Should().BeTrue("the adapter closes the connection");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(16 * 1024 * 1024, "the announced length is never allocated");
    }

    [TestCase("telemetry", 2, TestName = "QoS 2 telemetry")]
    [TestCase("event", 0, TestName = "QoS 0 event")]
    [TestCase("unknown", 1, TestName = "unknown endpoint")]
    [TestCase("command_response/t1/x", 1, TestName = "command_response is not a device topic")]
    [TestCase("/telemetry", 1, TestName = "leading slash")]
    [TestCase("telemetry/other-tenant/d1", 1, TestName = "another tenant")]
    [TestCase("telemetry/t1", 1, TestName = "tenant without device")]
    [TestCase("telemetry//unknown-device", 1, TestName = "unknown device")]
    public async Task AnInvalidPublishClosesTheConnectionWithoutForwarding(string topic, int qos)
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, MqttProtocolVersion.V500);
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        var publish = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("x")
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            await publish;
        }
        catch (Exception)
        {
            // a QoS 1/2 publish fails with the connection
        }

        telemetry.TryTake(out var _).Should().BeFalse();
        events.TryTake(out var _).Should().BeFalse();
    }

    [Test]
    public async Task AnEmptyPayloadNeedsAContentTypeAndTheEmptyNotificationTypeNeedsAnEmptyPayload()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("event/?content-type=application%2Fvnd.eclipse-hono-empty-notification")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var empty = await events.NextAsync();
        ((Amqp.Framing.Data)empty.BodySection).Binary.Should().BeEmpty();

        var disconnected = MqttTestClient.DisconnectedAsync(device);
        var pending = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build());
        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        telemetry.TryTake(out var _).Should().BeFalse("an empty payload without content type is a bad request");
    }

    [Test]
    public async Task QoS1TelemetryWithoutAnyConsumerIsRefusedAsHonoDoesWithoutCredit()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        var publish = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload("x")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await ((Func<Task>)(() => publish)).Should().ThrowAsync<Exception>("no PUBACK without a consumer");
    }

    [Test]
    public async Task WillMessagesAreNeverPublished()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        var options = MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        options.WillTopic = "telemetry";
        options.WillPayload = "last will"u8.ToArray();
        var (device, result) = await MqttTestClient.ConnectAsync(options);
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);

        // Ending without DISCONNECT makes MQTTnet dispatch the Will; a following publish from another device proves
        // the receiver is live and that nothing came before it.
        device.Dispose();
        var sessions = adapter.Services.GetRequiredService<HonoMqtt.Adapter.Mqtt.SessionTracker>();
        await Poll.UntilAsync(() => sessions.Count == 0, "the session without DISCONNECT has ended (after MQTTnet dispatched its Will)");
        using var other = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        await other.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload("marker")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var first = await telemetry.NextAsync();
        System.Text.Encoding.UTF8.GetString(((Amqp.Framing.Data)first.BodySection).Binary).Should().Be("marker");
    }
}
