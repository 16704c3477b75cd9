using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Publish;

/// <summary>Trace context, MQTT 5 properties that Hono ignores, and TTL rules per endpoint.</summary>
public sealed class MessagePropertyTests
{
    private static readonly IDictionary<string, string?> NoConnectionEvents = new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" };

    [Test]
    public async Task EveryMessageCarriesATraceContextThatContinuesTheDevicesTrace()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload("1").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("telemetry/?traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .WithPayload("2").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var own = (Map)(await telemetry.NextAsync()).MessageAnnotations[new Symbol("x-opt-trace-context")];
        ((string)own[new Symbol("traceparent")]).Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$");
        var continued = (Map)(await telemetry.NextAsync()).MessageAnnotations[new Symbol("x-opt-trace-context")];
        ((string)continued[new Symbol("traceparent")]).Should().StartWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
    }

    [Test]
    public async Task Mqtt5UserPropertiesAndOtherBagEntriesAreNotForwardedAndHonoTtlIsIgnoredForTelemetry()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, MqttProtocolVersion.V500);

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/?hono-ttl=30&foo=bar").WithPayload("1")
            .WithUserProperty("color", "blue"u8.ToArray()).WithMessageExpiryInterval(5).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var message = await telemetry.NextAsync();
        message.ApplicationProperties.Map.Keys.Should().BeEquivalentTo(["device_id", "qos", "orig_adapter", "orig_address"]);
        (message.Header?.Ttl ?? 0u).Should().Be(0u, "no TTL is set for telemetry from hono-ttl");
    }
}
