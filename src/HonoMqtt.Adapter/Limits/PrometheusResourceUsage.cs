using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Limits;

/// <summary>
/// The tenant's usage across all adapter instances, read with Hono's queries from a Prometheus server that scrapes
/// every instance's <c>/prometheus</c> [spec registry-and-limits.md §3.2; Hono PrometheusBasedResourceLimitChecks and
/// its cache loaders]. Results are cached for <c>cacheTimeout</c>; a query that fails or does not answer within
/// <c>queryTimeout</c> yields <c>null</c> (the caller's check then passes: fail open) and is not cached.
/// </summary>
public sealed partial class PrometheusResourceUsage : IDisposable
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    private readonly PrometheusResourceLimitsOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<PrometheusResourceUsage> _logger;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private long _lastWarningTicks = long.MinValue;
    private int _suppressedWarnings;

    public PrometheusResourceUsage(PrometheusResourceLimitsOptions options, TimeProvider time, ILogger<PrometheusResourceUsage> logger,
        HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromMilliseconds(options.ConnectTimeout) })
        {
            BaseAddress = new Uri($"{(options.TlsEnabled ? "https" : "http")}://{options.Host}:{options.Port}/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Username is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        }
    }

    /// <summary>Hono's query for the tenant's authenticated connections over all instances.</summary>
    public static string ConnectionsQuery(string tenantId) =>
        $"sum(hono_connections_authenticated{{tenant=\"{Escape(tenantId)}\"}})";

    /// <summary>
    /// Hono's query for the tenant's data volume over the last <paramref name="minutes"/> minutes: forwarded and
    /// unprocessable telemetry, event, command and command-response payload bytes, floored.
    /// </summary>
    public static string DataVolumeQuery(string tenantId, long minutes)
    {
        var selector = $"{{status=~\"forwarded|unprocessable\", tenant=\"{Escape(tenantId)}\"}} [{minutes}m]";
        return $"floor(sum(increase(hono_telemetry_payload_bytes_sum{selector}) or vector(0))"
            + $" + sum(increase(hono_command_payload_bytes_sum{selector}) or vector(0)))";
    }

    /// <summary>
    /// The tenant's connected minutes over the last <paramref name="minutes"/> minutes. Hono wraps the sum in PromQL's
    /// <c>minute()</c> (the minute of the hour of a timestamp, a defect); this takes the intended total minutes.
    /// </summary>
    public static string ConnectionDurationQuery(string tenantId, long minutes) =>
        $"floor(sum(increase(hono_connections_authenticated_duration_seconds_sum{{tenant=\"{Escape(tenantId)}\"}} [{minutes}m])) / 60)";

    /// <summary>
    /// The value of an instant query's answer [Hono PrometheusBasedAsyncCacheLoader.extractLongValue]: an empty result
    /// (no metrics yet) and an error status are 0; a malformed answer is <c>null</c>. Fractions are floored.
    /// </summary>
    public static long? ParseValue(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.TryGetProperty("status", out var status) && status.GetString() == "error")
            {
                return null;
            }

            if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            if (result.GetArrayLength() == 0)
            {
                return 0;
            }

            if (result.GetArrayLength() == 1 && result[0].TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array
                && value.GetArrayLength() == 2 && value[1].GetString() is { Length: > 0 } text
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                return (long)Math.Max(0, Math.Floor(number));
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public Task<long?> ConnectionsAsync(string tenantId, CancellationToken cancellationToken) =>
        GetAsync("connections/" + tenantId, ConnectionsQuery(tenantId), cancellationToken);

    public Task<long?> DataVolumeAsync(string tenantId, long minutes, CancellationToken cancellationToken) =>
        GetAsync("data-volume/" + tenantId, DataVolumeQuery(tenantId, minutes), cancellationToken);

    public Task<long?> ConnectionMinutesAsync(string tenantId, long minutes, CancellationToken cancellationToken) =>
        GetAsync("connection-duration/" + tenantId, ConnectionDurationQuery(tenantId, minutes), cancellationToken);

    /// <summary>The cached or freshly queried value; <c>null</c> if the server did not answer usably in time.</summary>
    private async Task<long?> GetAsync(string key, string query, CancellationToken cancellationToken)
    {
        // Keyed like Hono's caches: by resource and tenant.
        var now = _time.GetTimestamp();
        if (_cache.TryGetValue(key, out var entry) && _time.GetElapsedTime(entry.Timestamp, now) < entry.Lifetime)
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var fresh = new Entry(now, TimeSpan.FromSeconds(_options.CacheTimeout), RunAsync(query));
        _cache[key] = fresh;
        Trim();
        var value = await fresh.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            _cache.TryRemove(new KeyValuePair<string, Entry>(key, fresh));
        }

        return value;
    }

    private async Task<long?> RunAsync(string query)
    {
        await Task.Yield();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.QueryTimeout + 100));
        try
        {
            var uri = $"api/v1/query?query={Uri.EscapeDataString(query)}&timeout={_options.QueryTimeout}ms";
            using var response = await _http.GetAsync(uri, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var value = response.IsSuccessStatusCode ? ParseValue(body) : null;
            if (value is null)
            {
                Warn(query, $"HTTP {(int)response.StatusCode}: {Truncate(body)}");
            }

            return value;
        }
        catch (OperationCanceledException)
        {
            Warn(query, $"no answer within {_options.QueryTimeout} ms");
            return null;
        }
        catch (HttpRequestException e)
        {
            Warn(query, e.Message);
            return null;
        }
    }

    private void Trim()
    {
        if (_cache.Count <= _options.CacheMaxSize)
        {
            return;
        }

        foreach (var (key, entry) in _cache.OrderBy(e => e.Value.Timestamp).Take(_cache.Count - _options.CacheMaxSize).ToList())
        {
            _cache.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    /// <summary>Logs a failed query at most once per <see cref="WarningInterval"/>, counting the ones it leaves out.</summary>
    private void Warn(string query, string reason)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarningTicks);
        if (last != long.MinValue && _time.GetElapsedTime(last, now) < WarningInterval || Interlocked.CompareExchange(ref _lastWarningTicks, now, last) != last)
        {
            Interlocked.Increment(ref _suppressedWarnings);
            return;
        }

        LogQueryFailed(query, reason, Interlocked.Exchange(ref _suppressedWarnings, 0));
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200];

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public void Dispose() => _http.Dispose();

    [LoggerMessage(801, LogLevel.Warning,
        "Prometheus query failed, the resource limit check passes (fail open): {Query}: {Reason} ({Suppressed} more failures since the last warning)")]
    private partial void LogQueryFailed(string query, string reason, int suppressed);

    private sealed record Entry(long Timestamp, TimeSpan Lifetime, Task<long?> Value);
}
