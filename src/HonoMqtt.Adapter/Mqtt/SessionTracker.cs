using System.Collections.Concurrent;
using HonoMqtt.Adapter.Diagnostics;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// The sessions of this adapter instance: which device holds which client id (claimed during CONNECT, before the
/// "connected" event goes out), and the counts of established sessions for the adapter and tenant connection limits
/// (which also drive Hono's connection gauges).
/// </summary>
public sealed class SessionTracker(IAdapterMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, DeviceSession> _claims = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _perTenant = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _count;

    /// <summary>Sessions accepted or being accepted (authenticated and checked), as counted for the connection limits.</summary>
    public int Count => Volatile.Read(ref _count);

    public int CountForTenant(string tenantId) => _perTenant.GetValueOrDefault(tenantId);

    public DeviceSession? FindByClientId(string clientId) => _claims.GetValueOrDefault(clientId);

    public IReadOnlyCollection<DeviceSession> All => (IReadOnlyCollection<DeviceSession>)_claims.Values;

    /// <summary>
    /// Claims the session's client id; false if a live session of another device holds it. A live session of the
    /// same device (or, without authentication, any live session) may be taken over, as MQTT intends.
    /// </summary>
    public bool TryClaim(DeviceSession session)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(session.ClientId, out var holder) && !holder.IsEnded && holder.Identity != session.Identity)
            {
                return false;
            }

            _claims[session.ClientId] = session;
        }

        // Counted from here, not only once MQTTnet has sent the CONNACK: a burst of CONNECTs must not slip past the
        // tenant's or the adapter's limit while the first ones are still being answered.
        Established(session);
        return true;
    }

    /// <summary>Counts a session (once; <see cref="TryClaim"/> already does).</summary>
    public void Established(DeviceSession session)
    {
        if (session.MarkCounted())
        {
            Interlocked.Increment(ref _count);
            if (session.Identity is { } id)
            {
                _perTenant.AddOrUpdate(id.TenantId, 1, (_, n) => n + 1);
                metrics?.IncrementConnections(id.TenantId);
            }
            else
            {
                metrics?.IncrementUnauthenticatedConnections();
            }
        }
    }

    /// <summary>Forgets a session: its claim, and its place in the counts if it was established.</summary>
    public void Remove(DeviceSession session)
    {
        lock (_gate)
        {
            _claims.TryRemove(new KeyValuePair<string, DeviceSession>(session.ClientId, session));
        }

        if (session.UnmarkCounted())
        {
            Interlocked.Decrement(ref _count);
            if (session.Identity is { } id)
            {
                _perTenant.AddOrUpdate(id.TenantId, 0, (_, n) => Math.Max(0, n - 1));
                metrics?.DecrementConnections(id.TenantId);
            }
            else
            {
                metrics?.DecrementUnauthenticatedConnections();
            }
        }
    }
}
