using System.Collections.Concurrent;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// The established sessions of this adapter instance: counts for the adapter and tenant connection limits, and
/// which device uses which client id.
/// </summary>
public sealed class SessionTracker
{
    private readonly ConcurrentDictionary<string, DeviceSession> _byClientId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _perTenant = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int CountForTenant(string tenantId) => _perTenant.GetValueOrDefault(tenantId);

    public DeviceSession? FindByClientId(string clientId) => _byClientId.GetValueOrDefault(clientId);

    public IReadOnlyCollection<DeviceSession> All => (IReadOnlyCollection<DeviceSession>)_byClientId.Values;

    public void Add(DeviceSession session)
    {
        _byClientId[session.ClientId] = session;
        Interlocked.Increment(ref _count);
        if (session.Identity is { } id)
        {
            _perTenant.AddOrUpdate(id.TenantId, 1, (_, n) => n + 1);
        }
    }

    public void Remove(DeviceSession session)
    {
        _byClientId.TryRemove(new KeyValuePair<string, DeviceSession>(session.ClientId, session));
        Interlocked.Decrement(ref _count);
        if (session.Identity is { } id)
        {
            _perTenant.AddOrUpdate(id.TenantId, 0, (_, n) => Math.Max(0, n - 1));
        }
    }
}
