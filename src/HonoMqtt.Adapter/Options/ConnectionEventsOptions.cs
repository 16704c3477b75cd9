namespace HonoMqtt.Adapter.Options;

public enum ConnectionEventProducerType
{
    Events,
    Logging,
    None,
}

/// <summary>Options of section <c>hono:connectionEvents</c>.</summary>
public sealed class ConnectionEventsOptions
{
    public const string Section = "hono:connectionEvents";

    /// <summary><c>events</c> (default here), <c>logging</c> or <c>none</c>.</summary>
    public string Producer { get; set; } = "events";

    /// <summary>Level of the <c>logging</c> producer: <c>info</c> or <c>debug</c>.</summary>
    public string LogLevel { get; set; } = "info";

    public ConnectionEventProducerType ProducerType =>
        Enum.TryParse<ConnectionEventProducerType>(Producer, ignoreCase: true, out var type) ? type : ConnectionEventProducerType.None;

    public IEnumerable<string> Validate()
    {
        if (!Enum.TryParse<ConnectionEventProducerType>(Producer, ignoreCase: true, out _))
        {
            yield return $"hono:connectionEvents:producer must be one of events, logging, none (was '{Producer}')";
        }

        if (!LogLevel.Equals("info", StringComparison.OrdinalIgnoreCase) && !LogLevel.Equals("debug", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"hono:connectionEvents:logLevel must be info or debug (was '{LogLevel}')";
        }
    }
}
