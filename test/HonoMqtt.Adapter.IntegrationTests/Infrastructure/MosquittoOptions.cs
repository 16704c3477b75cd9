using System.Globalization;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>The connection and topic arguments shared by <c>mosquitto_pub</c> and <c>mosquitto_sub</c>.</summary>
public sealed record MosquittoOptions
{
    public required int Port { get; init; }

    /// <summary>Loopback only.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary><c>-t</c>: the topic to publish to, or the topic filter to subscribe to.</summary>
    public required string Topic { get; init; }

    /// <summary><c>-q</c>.</summary>
    public int Qos { get; init; }

    /// <summary><c>-u</c>.</summary>
    public string? Username { get; init; }

    /// <summary><c>-P</c>.</summary>
    public string? Password { get; init; }

    /// <summary><c>-i</c>; without it the clients make one up (<see cref="MosquittoClients.SubscribeAsync"/> always sets one).</summary>
    public string? ClientId { get; init; }

    /// <summary><c>-V mqttv5</c> instead of the clients' default MQTT 3.1.1.</summary>
    public bool MqttV5 { get; init; }

    /// <summary>Appended as they are, e.g. <c>["-r"]</c> (retain), <c>["-k", "5"]</c> (keep-alive), <c>["-D", "publish", "user-property", "a", "b"]</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    public IReadOnlyList<string> ToArguments()
    {
        List<string> arguments = ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", Topic, "-q", Qos.ToString(CultureInfo.InvariantCulture)];
        if (Username is not null)
        {
            arguments.AddRange(["-u", Username]);
        }

        if (Password is not null)
        {
            arguments.AddRange(["-P", Password]);
        }

        if (ClientId is not null)
        {
            arguments.AddRange(["-i", ClientId]);
        }

        if (MqttV5)
        {
            arguments.AddRange(["-V", "mqttv5"]);
        }

        arguments.AddRange(ExtraArguments);
        return arguments;
    }
}
