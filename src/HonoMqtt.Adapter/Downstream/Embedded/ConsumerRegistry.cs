using System.Collections.Concurrent;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>Consumer links by exact source address (ordinal, case-sensitive like Hono's tenant ids).</summary>
internal sealed class ConsumerRegistry
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);

    public void Add(ConsumerLinkEndpoint endpoint)
    {
        lock (_gate)
        {
            _groups.GetOrAdd(endpoint.Address, static _ => new ConsumerGroup()).Add(endpoint);
        }
    }

    public void Remove(ConsumerLinkEndpoint endpoint)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(endpoint.Address, out var group) && group.Remove(endpoint) == 0)
            {
                _groups.TryRemove(endpoint.Address, out _);
            }
        }
    }

    public ConsumerGroup? Find(string address) => _groups.TryGetValue(address, out var group) ? group : null;

    public IReadOnlyList<ConsumerLinkEndpoint> All() => [.. _groups.Values.SelectMany(group => group.Members)];
}
