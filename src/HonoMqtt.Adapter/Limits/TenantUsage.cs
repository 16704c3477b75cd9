using System.Collections.Concurrent;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Limits;

/// <summary>
/// Per-tenant consumption for the data-volume and connection-duration limits, counted in this instance with Hono's
/// semantics [spec registry-and-limits.md §3]: payload bytes of messages that were forwarded or refused as the
/// client's fault (rounded up to <c>minimum-message-size</c>), and connected time, each within the current period.
/// With <see cref="PrometheusResourceUsage"/> (option <c>hono:resourceLimits:prometheusBased:host</c>) the async checks
/// also take the usage of all instances from Prometheus: the larger of it and this instance's exact count, which both
/// are lower bounds of the true usage (Prometheus lags by a scrape interval and the cache time). A query that fails
/// leaves this instance's count (fail open as to the other instances).
/// </summary>
public sealed class TenantUsage(SessionTracker sessions, TimeProvider timeProvider, PrometheusResourceUsage? prometheus = null)
{
    private readonly ConcurrentDictionary<string, Counters> _tenants = new(StringComparer.Ordinal);

    /// <summary>Hono's payload size for limits and metrics [ServiceBaseUtils.calculatePayloadSize].</summary>
    public static long AccountedSize(TenantInfo tenant, long payloadSize)
    {
        var m = tenant.MinimumMessageSize;
        return m > 0 && payloadSize > 0 && payloadSize % m != 0 ? payloadSize + m - payloadSize % m : payloadSize;
    }

    /// <summary>True if a message of <paramref name="payloadSize"/> bytes would exceed the tenant's data volume now.</summary>
    public bool DataVolumeExceeded(TenantInfo tenant, long payloadSize) => DataVolumeExceeded(tenant, payloadSize, 0);

    /// <summary>As <see cref="DataVolumeExceeded(TenantInfo, long)"/>, with the usage of all instances from Prometheus if configured.</summary>
    public async ValueTask<bool> DataVolumeExceededAsync(TenantInfo tenant, long payloadSize, CancellationToken cancellationToken)
    {
        if (prometheus is null || tenant.Limits.DataVolume is not { Max: >= 0 } limit || payloadSize <= 0)
        {
            return DataVolumeExceeded(tenant, payloadSize);
        }

        var now = timeProvider.GetUtcNow();
        var minutes = (long)(now - limit.PeriodStart(now)).TotalMinutes;
        if (minutes <= 0)
        {
            return DataVolumeExceeded(tenant, payloadSize);   // Hono: no consumption within the period's first minute
        }

        var global = await prometheus.DataVolumeAsync(tenant.TenantId, minutes, cancellationToken).ConfigureAwait(false);
        return DataVolumeExceeded(tenant, payloadSize, global ?? 0);
    }

    private bool DataVolumeExceeded(TenantInfo tenant, long payloadSize, long globalBytes)
    {
        if (tenant.Limits.DataVolume is not { Max: >= 0 } limit || payloadSize <= 0)
        {
            return false;   // a payload of size 0 never exceeds [PrometheusBasedResourceLimitChecks]
        }

        var now = timeProvider.GetUtcNow();
        var consumed = Math.Max(globalBytes, CountersOf(tenant.TenantId).BytesSince(limit.PeriodStart(now)));
        return consumed + AccountedSize(tenant, payloadSize) > limit.EffectiveLimit(now);
    }

    /// <summary>True if the tenant has <c>max-connections</c> connections, here or (with Prometheus) over all instances.</summary>
    public async ValueTask<bool> TenantConnectionsExceededAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        var max = tenant.Limits.MaxConnections;
        if (max < 0)
        {
            return false;
        }

        var local = sessions.CountForTenant(tenant.TenantId);
        if (local >= max || prometheus is null)
        {
            return local >= max;
        }

        var global = await prometheus.ConnectionsAsync(tenant.TenantId, cancellationToken).ConfigureAwait(false);
        return global >= max;
    }

    /// <summary>Counts a message's payload against the tenant's data volume.</summary>
    public void AddPayload(TenantInfo tenant, long payloadSize)
    {
        if (tenant.Limits.DataVolume is { } limit && payloadSize > 0)
        {
            CountersOf(tenant.TenantId).AddBytes(AccountedSize(tenant, payloadSize), limit.PeriodStart(timeProvider.GetUtcNow()));
        }
    }

    /// <summary>As <see cref="ConnectionDurationExceeded(TenantInfo)"/>, with the minutes of all instances from Prometheus if configured.</summary>
    public async ValueTask<bool> ConnectionDurationExceededAsync(TenantInfo tenant, CancellationToken cancellationToken)
    {
        if (ConnectionDurationExceeded(tenant) || prometheus is null || tenant.Limits.ConnectionDuration is not { Max: >= 0 } limit)
        {
            return ConnectionDurationExceeded(tenant);
        }

        var now = timeProvider.GetUtcNow();
        var minutes = (long)(now - limit.PeriodStart(now)).TotalMinutes;
        if (minutes <= 0)
        {
            return false;
        }

        var global = await prometheus.ConnectionMinutesAsync(tenant.TenantId, minutes, cancellationToken).ConfigureAwait(false);
        return global >= limit.EffectiveLimit(now);
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
