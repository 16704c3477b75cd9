namespace HonoMqtt.Adapter.Options;

/// <summary>
/// Options of section <c>hono:messaging</c>: the AMQP 1.0 network for telemetry and events.
/// With no <see cref="Host"/> the adapter serves business applications itself on the embedded endpoint.
/// </summary>
public sealed class MessagingOptions
{
    public const string Section = "hono:messaging";

    public string? Host { get; set; }

    public int Port { get; set; } = 5672;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Hono's <c>"$PATTERN $REPLACEMENT"</c>, applied to every link address.</summary>
    public string? AddressRewriteRule { get; set; }

    /// <summary>AMQP container id; defaults to <c>hono-mqtt-&lt;machine&gt;</c>.</summary>
    public string? Name { get; set; }

    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    public int EmbeddedPort { get; set; } = 5672;

    /// <summary>Wait for the disposition of QoS 1 telemetry, events and responses (ms).</summary>
    public int SendMessageTimeout { get; set; } = 1000;

    public int ConnectTimeout { get; set; } = 5000;

    /// <summary>AMQP idle timeout (ms); heartbeats go out at half of it.</summary>
    public int IdleTimeout { get; set; } = 16_000;

    public int LinkEstablishmentTimeout { get; set; } = 1000;

    /// <summary>Wait for the peer's first credit after a sender link is attached (ms).</summary>
    public int FlowLatency { get; set; } = 20;

    /// <summary>Messages in flight (sent, outcome not yet known) per sender link; beyond it sends fail with 503.</summary>
    public int MaxUnsettledPerLink { get; set; } = 1000;

    public int ReconnectMinDelay { get; set; }

    public int ReconnectMaxDelay { get; set; } = 7000;

    public int ReconnectDelayIncrement { get; set; } = 100;

    public bool UsesEmbeddedEndpoint => string.IsNullOrWhiteSpace(Host);

    public IEnumerable<string> Validate()
    {
        if (Port is <= 0 or > 65535)
        {
            yield return $"hono:messaging:port must be between 1 and 65535 (was {Port})";
        }

        if (EmbeddedPort is < 0 or > 65535)
        {
            yield return $"hono:messaging:embeddedPort must be between 0 and 65535 (was {EmbeddedPort})";
        }

        if (!System.Net.IPAddress.TryParse(EmbeddedBindAddress, out _))
        {
            yield return $"hono:messaging:embeddedBindAddress must be an IP address (was '{EmbeddedBindAddress}')";
        }

        if (Username is not null && Password is null)
        {
            yield return "hono:messaging:password is required when hono:messaging:username is set";
        }

        if (AddressRewriteRule is { Length: > 0 } rule && !Downstream.AddressRewriter.TryCreate(rule, out _, out var error))
        {
            yield return $"hono:messaging:addressRewriteRule is invalid: {error}";
        }

        foreach (var (name, value) in new[]
                 {
                     ("sendMessageTimeout", SendMessageTimeout), ("connectTimeout", ConnectTimeout),
                     ("linkEstablishmentTimeout", LinkEstablishmentTimeout), ("maxUnsettledPerLink", MaxUnsettledPerLink),
                 })
        {
            if (value <= 0)
            {
                yield return $"hono:messaging:{name} must be positive (was {value})";
            }
        }

        foreach (var (name, value) in new[]
                 {
                     ("idleTimeout", IdleTimeout), ("flowLatency", FlowLatency), ("reconnectMinDelay", ReconnectMinDelay),
                     ("reconnectMaxDelay", ReconnectMaxDelay), ("reconnectDelayIncrement", ReconnectDelayIncrement),
                 })
        {
            if (value < 0)
            {
                yield return $"hono:messaging:{name} must not be negative (was {value})";
            }
        }
    }
}
