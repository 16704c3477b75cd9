using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Command responses that cannot be forwarded (spec mqtt-adapter.md §6.4): default error handling closes the connection.</summary>
public sealed class CommandResponseTests
{
    [TestCase("command///res/00/200")]            // request id does not decode
    [TestCase("command///res/zz12/200")]
    [TestCase("command///res/301cr/200")]         // names Kafka as the messaging type
    [TestCase("command///res/00fmyCorrelationId/700")]
    [TestCase("command///res/00fmyCorrelationId/302")]
    [TestCase("command///res/00fmyCorrelationId/ok")]
    [TestCase("command///res/00fmyCorrelationId")]
    [TestCase("command//e3/res/00fmyCorrelationId/200")] // not a device this one may act for
    public async Task ABadResponseClosesTheConnectionWithoutPubAck(string topic)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        var publishing = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await FluentActions.Awaiting(() => publishing).Should().ThrowAsync<Exception>();
    }

    [Test]
    public async Task AResponseForAnUnknownRequestWithNobodyWaitingFailsWith503AndAnMqtt5ClientIsDisconnected()
    {
        // The adapter keeps no record of requests: a well-formed request id is forwarded; with no receiver there the
        // send fails ("no consumer available") and the default error handling closes the connection.
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync(MqttProtocolVersion.V500);
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        _ = device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"command///res/{Adapter.Commands.RequestId.Encode("nobody", "asked", "d1")}/200")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task ALateResponseStillReachesAReceiverOnTheReplyAddress()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "late");

        var ack = await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"c///s/{Adapter.Commands.RequestId.Encode("old", "late", "d1")}/202")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        ack.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        var response = await responses.NextAsync();
        response.Properties.CorrelationId.Should().Be("old");
        response.ApplicationProperties["status"].Should().Be(202);
    }

    [Test]
    public async Task ResponsesTakeTenantAndDeviceDefaultsAndTheCommandResponseTtl()
    {
        var registry = CommandTestBed.Registry(""", "defaults": { "ttl-command-response": 30, "region": "eu" }, "resource-limits": { "max-ttl-command-response": 60 }""");
        await using var bed = await CommandTestBed.StartAsync(new Dictionary<string, string?> { ["hono:mqtt:defaultsEnabled"] = "false" }, registry);
        using var device = await bed.ConnectDeviceAsync();
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "r");

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"c///s/{Adapter.Commands.RequestId.Encode("c", "r", "d1")}/200")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var response = await responses.NextAsync();

        response.Header.Ttl.Should().Be(30_000u);
        response.ApplicationProperties["region"].Should().Be("eu");
        response.ApplicationProperties.Map.ContainsKey("ttl-command-response").Should().BeFalse();
    }
}
