using HonoMqtt.Adapter.Mqtt;

namespace HonoMqtt.Adapter.Commands;

/// <summary>One session's command subscription, in force (registered) or replaced.</summary>
/// <param name="Session">The MQTT session that subscribed.</param>
/// <param name="Subscription">The parsed filter.</param>
/// <param name="Sequence">Increases with every registration: the higher, the more recent.</param>
/// <param name="Lease">The network consumers this subscription needs.</param>
public sealed record SubscriptionEntry(DeviceSession Session, CommandSubscription Subscription, long Sequence, ICommandConsumerLease Lease)
{
    public override string ToString() => $"'{Subscription.Filter}' (QoS {Subscription.Qos}) of {Session}";
}
