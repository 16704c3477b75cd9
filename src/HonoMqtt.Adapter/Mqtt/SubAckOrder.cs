using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// MQTTnet 5.2 handles the filters of a SUBSCRIBE sorted by QoS (highest first) and writes the SUBACK's return codes
/// in that order, while MQTT requires the order of the request [MQTT-3.9.3-1]. This puts them back: the inbound
/// SUBSCRIBE's order is noted per packet id, and the outbound SUBACK is reordered to it.
/// </summary>
public static class SubAckOrder
{
    /// <summary>The permutation MQTTnet applies (a stable sort by QoS, descending), or null if it changes nothing.</summary>
    public static int[]? Permutation(MqttSubscribePacket subscribe)
    {
        var filters = subscribe.TopicFilters;
        if (filters.Count < 2)
        {
            return null;
        }

        var order = Enumerable.Range(0, filters.Count).OrderByDescending(i => filters[i].QualityOfServiceLevel).ToArray();
        return order.SequenceEqual(Enumerable.Range(0, filters.Count)) ? null : order;
    }

    /// <summary>Returns the codes MQTTnet wrote (in sorted order) in the order of the request.</summary>
    public static List<MqttSubscribeReasonCode> Restore(IReadOnlyList<MqttSubscribeReasonCode> sorted, int[] permutation)
    {
        if (sorted.Count != permutation.Length)
        {
            return [.. sorted];
        }

        var codes = new MqttSubscribeReasonCode[sorted.Count];
        for (var position = 0; position < permutation.Length; position++)
        {
            codes[permutation[position]] = sorted[position];
        }

        return [.. codes];
    }
}
