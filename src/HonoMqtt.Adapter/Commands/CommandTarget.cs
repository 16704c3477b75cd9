namespace HonoMqtt.Adapter.Commands;

/// <summary>Where a command goes: the subscription (and so the session) chosen by the routing rules.</summary>
/// <param name="Entry">The subscription in force.</param>
/// <param name="ViaGateway">True if the subscription is a gateway's <c>+</c> one, chosen for one of its devices.</param>
public readonly record struct CommandTarget(SubscriptionEntry Entry, bool ViaGateway);
