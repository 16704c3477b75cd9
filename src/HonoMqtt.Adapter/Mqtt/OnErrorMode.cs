namespace HonoMqtt.Adapter.Mqtt;

/// <summary>The property bag's <c>on-error</c> values [Hono MqttContext.getErrorHandlingMode]; anything else is <see cref="Default"/>.</summary>
public enum OnErrorMode
{
    Default,
    Disconnect,
    Ignore,
    SkipAck,
}

public static class OnErrorModes
{
    public static OnErrorMode Parse(string? value) => value switch
    {
        "disconnect" => OnErrorMode.Disconnect,
        "ignore" => OnErrorMode.Ignore,
        "skip-ack" => OnErrorMode.SkipAck,
        _ => OnErrorMode.Default,
    };
}
