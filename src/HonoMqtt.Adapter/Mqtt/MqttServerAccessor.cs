using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Gives components that deliver to one device session (commands, error messages) the running MQTTnet server,
/// without a dependency cycle with <see cref="MqttAdapterServer"/>, which sets it.
/// </summary>
public sealed class MqttServerAccessor
{
    private MqttServer? _server;

    public MqttServer Server => _server ?? throw new InvalidOperationException("the MQTT server is not created yet");

    internal void Set(MqttServer server) => _server = server;

    /// <summary>Enqueues a message for one session only (no subscription matching); false if the session is gone or full.</summary>
    public async Task<(bool Enqueued, ushort PacketIdentifier)> TryEnqueueAsync(string clientId, MQTTnet.MqttApplicationMessage message)
    {
        MqttSessionStatus session;
        try
        {
            session = await Server.GetSessionAsync(clientId).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return (false, 0);
        }

        if (session is null || !session.TryEnqueueApplicationMessage(message, out var result))
        {
            return (false, 0);
        }

        return (true, result.PacketIdentifier);
    }
}
