using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

// Spec mqtt-adapter.md §5.2; texts from Hono's VertxBasedMqttProtocolAdapter.mapTopic.
public sealed class HonoTopicQosTests
{
    [TestCase(HonoEndpoint.Telemetry, 0)]
    [TestCase(HonoEndpoint.Telemetry, 1)]
    [TestCase(HonoEndpoint.Event, 1)]
    [TestCase(HonoEndpoint.Command, 0)]
    [TestCase(HonoEndpoint.Command, 1)]
    public void CheckQos_AllowedQos_ReturnsNull(HonoEndpoint endpoint, int qos)
    {
        HonoTopic.CheckQos(endpoint, qos).Should().BeNull();
    }

    [TestCase(HonoEndpoint.Telemetry, 2, "QoS 2 not supported for telemetry messages")]
    [TestCase(HonoEndpoint.Event, 0, "Only QoS 1 supported for event messages")]
    [TestCase(HonoEndpoint.Event, 2, "Only QoS 1 supported for event messages")]
    [TestCase(HonoEndpoint.Command, 2, "QoS 2 not supported for command response messages")]
    public void CheckQos_RejectedQos_Returns400(HonoEndpoint endpoint, int qos, string message)
    {
        HonoTopic.CheckQos(endpoint, qos).Should().Be(new HonoError(400, message));
    }
}
