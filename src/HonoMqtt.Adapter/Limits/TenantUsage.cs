using System.Collections.Concurrent;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Limits;

/// <summary>
/// Per-tenant consumption for the data-volume and connection-duration limits, counted in this instance with Hono's
/// semantics [spec registry-and-limits.md §3]: payload bytes of messages that were forwarded or refused as the
/// client's fault (rounded up to <c>minimum-message-size</c>), and connected time, each within the current period.
/// </summary>
public sealed class TenantUsage(SessionTracker sessions, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Counters> _tenants = new(StringComparer.Ordinal);

    /// <summary>Hono's payload size for limits and metrics [ServiceBaseUtils.calculatePayloadSize].</summary>
    public static long AccountedSize(TenantInfo tenant, long payloadSize)
    {
        var m = tenant.MinimumMessageSize;
        return m > 0 && payloadSize > 0 && payloadSize % m != 0 ? payloadSize + m - payloadSize % m : payloadSize;
    }

    /// <summary>True if a message of <paramref name="payloadSize"/> bytes would exceed the tenant's data volume now.</summary>
    public bool DataVolumeExceeded(TenantInfo tenant, long payloadSize)
    {
        if (tenant.Limits.DataVolume is not { Max: >= 0 } limit || payloadSize <= 0)
        {
            return false;   // a payload of size 0 never exceeds [PrometheusBasedResourceLimitChecks]
        }

        var now = timeProvider.GetUtcNow();
        var consumed = CountersOf(tenant.TenantId).BytesSince(limit.PeriodStart(now));
        return consumed + AccountedSize(tenant, payloadSize) > limit.EffectiveLimit(now);
    }

    /// <summary>Counts a message's payload against the tenant's data volume.</summary>
    public void AddPayload(TenantInfo tenant, long payloadSize)
    {
        if (tenant.Limits.DataVolume is { } limit && payloadSize > 0)
        {
            CountersOf(tenant.TenantId).AddBytes(AccountedSize(tenant, payloadSize), limit.PeriodStart(timeProvider.GetUtcNow()));
        }
    }

    /// <summary>True if the tenant's devices have been connected for at least the period's limit (checked at CONNECT).</summary>
    public bool ConnectionDurationExceeded(TenantInfo tenant)
    {
        if (tenant.Limits.ConnectionDuration is not { Max: >= 0 } limit)
        {
            return false;
        }

        var now = timeProvider.GetUtcNow();
        var periodStart = limit.PeriodStart(now);
        if (now - periodStart < TimeSpan.FromMinutes(1))
        {
            return false;   // Hono takes consumption within the first minute of a period as 0
        }

        var seconds = CountersOf(tenant.TenantId).ClosedSecondsSince(periodStart);
        foreach (var session in sessions.All)
        {
            if (session.Identity?.TenantId == tenant.TenantId && !session.IsEnded)
            {
                seconds += (now - Max(session.ConnectedAt, periodStart)).TotalSeconds;
            }
        }

        return seconds / 60 >= limit.EffectiveLimit(now);
    }

    /// <summary>Adds an ended session's connected time.</summary>
    public void SessionEnded(DeviceSession session, TenantInfo? tenant)
    {
        if (session.Identity is null || tenant?.Limits.ConnectionDuration is not { } limit)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var periodStart = limit.PeriodStart(now);
        CountersOf(session.Identity.TenantId).AddSeconds((now - Max(session.ConnectedAt, periodStart)).TotalSeconds, periodStart);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private Counters CountersOf(string tenantId) => _tenants.GetOrAdd(tenantId, _ => new Counters());

    private sealed class Counters
    {
        private readonly Lock _gate = new();
        private DateTimeOffset _bytesPeriod;
        private long _bytes;
        private DateTimeOffset _secondsPeriod;
        private double _seconds;

        public long BytesSince(DateTimeOffset periodStart)
        {
            lock (_gate)
            {
                return _bytesPeriod == periodStart ? _bytes : 0;
            }
        }

        public void AddBytes(long bytes, DateTimeOffset periodStart)
        {
            lock (_gate)
            {
                if (_bytesPeriod != periodStart)
                {
                    _bytesPeriod = periodStart;
                    _bytes = 0;
                }

                _bytes += bytes;
            }
        }

        public double ClosedSecondsSince(DateTimeOffset periodStart)
        {
            lock (_gate)
            {
                return _secondsPeriod == periodStart ? _seconds : 0;
            }
        }

        public void AddSeconds(double seconds, DateTimeOffset periodStart)
        {
            lock (_gate)
            {
                if (_secondsPeriod != periodStart)
                {
                    _secondsPeriod = periodStart;
                    _seconds = 0;
                }

                _seconds += Math.Max(0, seconds);
            }
        }
    }
}
