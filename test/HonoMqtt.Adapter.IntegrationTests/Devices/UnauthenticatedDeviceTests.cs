using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Devices;

/// <summary>With <c>hono:mqtt:authenticationRequired=false</c> any client connects and names tenant and device per message.</summary>
public sealed class UnauthenticatedDeviceTests
{
    [Test]
    public async Task AnyClientConnectsAndPublishesForARegisteredDeviceWithoutConnectionEvents()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:mqtt:authenticationRequired"] = "false",
        });
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        await using var events = await adapter.AttachReceiverAsync("event/t1");
        var (device, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, "ignored@nowhere", "whatever"));
        using var _ = device;
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success, "credentials are ignored");

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/t1/d1").WithPayload("1")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var message = await telemetry.NextAsync();
        message.ApplicationProperties["device_id"].Should().Be("d1");

        var disconnected = MqttTestClient.DisconnectedAsync(device);
        var bad = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload("2")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await ((Func<Task>)(() => bad)).Should().ThrowAsync<Exception>("an unauthenticated topic must name tenant and device");
        events.TryTake(out var _).Should().BeFalse("unauthenticated sessions have no connection events");
    }

    [Test]
    public async Task PublishingForAnUnknownDeviceIsRefusedPerMessage()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:mqtt:authenticationRequired"] = "false",
        });
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        var (device, _) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, null, null));
        using var __ = device;
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        var publish = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/t1/nobody").WithPayload("1")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await ((Func<Task>)(() => publish)).Should().ThrowAsync<Exception>();
        telemetry.TryTake(out var _).Should().BeFalse();
    }
}
