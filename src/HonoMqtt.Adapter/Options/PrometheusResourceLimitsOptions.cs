namespace HonoMqtt.Adapter.Options;

/// <summary>
/// Options of section <c>hono:resourceLimits:prometheusBased</c> [Hono PrometheusBasedResourceLimitChecksConfig]: when
/// <see cref="Host"/> is set, the tenant's connections, data volume and connection duration are read from a Prometheus
/// server that scrapes all adapter instances, instead of being counted in this instance only.
/// </summary>
public sealed class PrometheusResourceLimitsOptions
{
    public const string Section = "hono:resourceLimits:prometheusBased";

    /// <summary>Host name or address of the Prometheus server; unset = in-process counting.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 9090;

    public bool TlsEnabled { get; set; }

    /// <summary>User name for HTTP basic authentication (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Time (ms) a query may take, on the server and end to end; after it the check passes (fail open).</summary>
    public int QueryTimeout { get; set; } = 500;

    /// <summary>Time (ms) to establish the connection to the server.</summary>
    public int ConnectTimeout { get; set; } = 1000;

    public int CacheMinSize { get; set; } = 20;

    /// <summary>Most cached query results; the oldest are dropped beyond it.</summary>
    public int CacheMaxSize { get; set; } = 1000;

    /// <summary>Time (s) a query result is reused.</summary>
    public int CacheTimeout { get; set; } = 60;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<string> Validate()
    {
        const string s = Section;
        if (Port is < 1 or > 65535)
        {
            yield return $"{s}:port must be between 1 and 65535 (was {Port})";
        }

        if (QueryTimeout <= 0)
        {
            yield return $"{s}:queryTimeout must be positive (was {QueryTimeout})";
        }

        if (ConnectTimeout <= 0)
        {
            yield return $"{s}:connectTimeout must be positive (was {ConnectTimeout})";
        }

        if (CacheMinSize < 0)
        {
            yield return $"{s}:cacheMinSize must not be negative (was {CacheMinSize})";
        }

        if (CacheMaxSize <= 0 || CacheMaxSize < CacheMinSize)
        {
            yield return $"{s}:cacheMaxSize must be positive and at least cacheMinSize (was {CacheMaxSize})";
        }

        if (CacheTimeout < 0)
        {
            yield return $"{s}:cacheTimeout must not be negative (was {CacheTimeout})";
        }

        if (Username is not null && Password is null || Username is null && Password is not null)
        {
            yield return $"{s}:username and {s}:password must be set together";
        }

        if (Host is { } host && (host.Contains('/') || host.Contains(' ')))
        {
            yield return $"{s}:host must be a host name or address (was '{host}')";
        }
    }
}
