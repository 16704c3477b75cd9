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

    /// <summary>Delivers a message to one session and waits (at most <paramref name="bound"/>) until it is written.</summary>
    public async Task<bool> DeliverAsync(string clientId, MQTTnet.MqttApplicationMessage message, TimeSpan bound)
    {
        try
        {
            var session = await Server.GetSessionAsync(clientId).ConfigureAwait(false);
            if (session is null)
            {
                return false;
            }

            await session.DeliverApplicationMessageAsync(message).WaitAsync(bound).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

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
