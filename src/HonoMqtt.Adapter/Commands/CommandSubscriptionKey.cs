namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// What a command subscription is registered under [Hono AbstractSubscription.DefaultKey]: the tenant and the device
/// commands are for; for a gateway's <c>+</c> subscription the gateway's own id, so that <c>command//+/req/#</c> and
/// <c>command///req/#</c> of one gateway replace each other.
/// </summary>
public readonly record struct CommandSubscriptionKey(string TenantId, string DeviceId)
{
    public override string ToString() => $"{DeviceId}@{TenantId}";
}
