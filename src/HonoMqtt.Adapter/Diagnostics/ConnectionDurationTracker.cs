namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// Accumulates the connected time of one tenant's authenticated connections (connections × elapsed time), exactly,
/// across changes of the connection count [Hono DeviceConnectionDurationTracker]. Hono records on every change and every
/// 10 s; we record the accumulated time every 10 s only, which gives the same <c>_sum</c> with fewer <c>_count</c>s.
/// </summary>
internal sealed class ConnectionDurationTracker(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private long _connections;
    private long _since = timeProvider.GetTimestamp();
    private TimeSpan _accumulated;

    public long Connections
    {
        get
        {
            lock (_gate)
            {
                return _connections;
            }
        }
    }

    /// <summary>Changes the connection count by <paramref name="delta"/>; returns the new count.</summary>
    public long Add(long delta)
    {
        lock (_gate)
        {
            Accumulate();
            _connections = Math.Max(0, _connections + delta);
            return _connections;
        }
    }

    /// <summary>The connected time since the last call, or null when there was none to record.</summary>
    public TimeSpan? TakeAccumulated()
    {
        lock (_gate)
        {
            Accumulate();
            if (_accumulated == TimeSpan.Zero && _connections == 0)
            {
                return null;
            }

            var result = _accumulated;
            _accumulated = TimeSpan.Zero;
            return result;
        }
    }

    private void Accumulate()
    {
        var now = timeProvider.GetTimestamp();
        _accumulated += timeProvider.GetElapsedTime(_since, now) * _connections;
        _since = now;
    }
}
