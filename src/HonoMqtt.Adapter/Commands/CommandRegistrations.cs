using System.Collections.Concurrent;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// The command subscriptions in force on this instance, one per key (the most recent wins, as Hono's command consumer
/// registration does), and the routing of a command to one of them (spec downstream-amqp.md §7.2).
/// </summary>
public sealed class CommandRegistrations
{
    private readonly ConcurrentDictionary<CommandSubscriptionKey, SubscriptionEntry> _current = new();
    private readonly ConcurrentDictionary<CommandSubscriptionKey, string> _lastKnownGateway = new();
    private long _sequence;

    public int Count => _current.Count;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Puts <paramref name="entry"/> in force for its key, replacing any other.</summary>
    public void Register(SubscriptionEntry entry) => _current[entry.Subscription.Key] = entry;

    /// <summary>Takes <paramref name="entry"/> out of force; false if another one has replaced it meanwhile.</summary>
    public bool TryRemove(SubscriptionEntry entry) =>
        _current.TryRemove(new KeyValuePair<CommandSubscriptionKey, SubscriptionEntry>(entry.Subscription.Key, entry));

    public bool IsCurrent(SubscriptionEntry entry) => _current.TryGetValue(entry.Subscription.Key, out var current) && ReferenceEquals(current, entry);

    public SubscriptionEntry? Find(string tenantId, string deviceId) => _current.GetValueOrDefault(new CommandSubscriptionKey(tenantId, deviceId));

    /// <summary>Records the gateway a device with several authorized gateways last acted through (or the device itself).</summary>
    public void SetLastKnownGateway(string tenantId, string deviceId, string gatewayOrDeviceId) =>
        _lastKnownGateway[new CommandSubscriptionKey(tenantId, deviceId)] = gatewayOrDeviceId;

    /// <summary>
    /// The subscription a command for <paramref name="deviceId"/> goes to [Hono CommandTargetMapperImpl]: 1. one
    /// registered for the device itself (by the device, or by a gateway for exactly this device); 2. else the last known
    /// gateway's <c>+</c> subscription; 3. else the most recent <c>+</c> subscription of an authorized gateway
    /// (Hono takes an arbitrary one). Null: nobody here takes the command.
    /// </summary>
    public CommandTarget? Route(string tenantId, string deviceId, IReadOnlyList<string> authorizedGateways)
    {
        if (Find(tenantId, deviceId) is { } own)
        {
            return new CommandTarget(own, ViaGateway: false);
        }

        if (_lastKnownGateway.TryGetValue(new CommandSubscriptionKey(tenantId, deviceId), out var last)
            && authorizedGateways.Contains(last)
            && Find(tenantId, last) is { Subscription.IsWildcard: true } viaLast)
        {
            return new CommandTarget(viaLast, ViaGateway: true);
        }

        SubscriptionEntry? chosen = null;
        foreach (var gateway in authorizedGateways)
        {
            if (Find(tenantId, gateway) is { Subscription.IsWildcard: true } candidate && (chosen is null || candidate.Sequence > chosen.Sequence))
            {
                chosen = candidate;
            }
        }

        return chosen is null ? null : new CommandTarget(chosen, ViaGateway: true);
    }
}
