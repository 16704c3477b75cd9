namespace HonoMqtt.Bench;

/// <summary>A server under test (the adapter or mosquitto), running as its own process on loopback.</summary>
public interface IBenchServer : IAsyncDisposable
{
    string Name { get; }

    int Pid { get; }

    int MqttPort { get; }

    /// <summary>The MQTT credentials of device <paramref name="index"/> (null: anonymous).</summary>
    (string? Username, string? Password) Credentials(int index);

    /// <summary>Attaches the consumers of <paramref name="endpoint"/> (<c>telemetry</c> or <c>event</c>) that feed <paramref name="recorder"/>.</summary>
    Task<IAsyncDisposable> AttachConsumersAsync(string endpoint, int qos, int consumers, LatencyRecorder recorder);

    /// <summary>Connections the server itself reports as established, if it can tell.</summary>
    Task<long?> EstablishedConnectionsAsync();
}
