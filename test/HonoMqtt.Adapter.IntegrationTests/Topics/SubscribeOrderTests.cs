using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Topics;

/// <summary>One SUBSCRIBE with several filters of different QoS: the SUBACK's codes follow the request's order [MQTT-3.9.3-1].</summary>
public sealed class SubscribeOrderTests
{
    [Test]
    public async Task TheSubAckListsTheCodesInTheOrderOfTheFilters()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple());
        await using var events = await adapter.AttachReceiverAsync("event/t1");
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        var result = await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("error///#", MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter("command///req/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("error/t1/+/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        result.Items.Select(i => (i.TopicFilter.Topic, i.ResultCode)).Should().Equal(
            ("error///#", MqttClientSubscribeResultCode.GrantedQoS0),
            ("command///req/#", MqttClientSubscribeResultCode.GrantedQoS1),
            ("error/t1/+/#", MqttClientSubscribeResultCode.UnspecifiedError));
    }
}
