using FluentAssertions;
using HonoMqtt.Adapter.Mqtt;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Mqtt;

public sealed class SubAckOrderTests
{
    private static MqttSubscribePacket Subscribe(params MqttQualityOfServiceLevel[] levels) => new()
    {
        TopicFilters = levels.Select((q, i) => new MqttTopicFilter { Topic = $"f{i}", QualityOfServiceLevel = q }).ToList(),
    };

    [Test]
    public void Permutation_FiltersAlreadyInQosOrder_IsNotNeeded() =>
        SubAckOrder.Permutation(Subscribe(MqttQualityOfServiceLevel.AtLeastOnce, MqttQualityOfServiceLevel.AtMostOnce)).Should().BeNull();

    [Test]
    public void Restore_CodesWrittenInMqttNetsQosOrder_ComeBackInRequestOrder()
    {
        var permutation = SubAckOrder.Permutation(Subscribe(MqttQualityOfServiceLevel.AtMostOnce, MqttQualityOfServiceLevel.AtLeastOnce,
            MqttQualityOfServiceLevel.AtLeastOnce))!;

        // MQTTnet handles f1, f2 (QoS 1) before f0 (QoS 0) and writes their codes in that order.
        var restored = SubAckOrder.Restore(
            [MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.UnspecifiedError, MqttSubscribeReasonCode.GrantedQoS0], permutation);

        restored.Should().Equal(MqttSubscribeReasonCode.GrantedQoS0, MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.UnspecifiedError);
    }
}
