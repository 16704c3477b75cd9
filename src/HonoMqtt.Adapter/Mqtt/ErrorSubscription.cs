using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>An accepted error subscription: the filter as the device wrote it, and the device it is for.</summary>
public sealed record ErrorSubscription(ErrorSubscriptionFilter Filter, string TenantId, string DeviceId);
