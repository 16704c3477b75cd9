using System.Reflection;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Gives a client that sent an empty client identifier a random one, as Hono's MQTT library does (vert.x
/// <c>autoClientId</c>). MQTTnet supports that only for MQTT 5 (<c>AssignedClientIdentifier</c>) and refuses 3.1.1
/// clients with 0x02; for those the CONNECT packet's id is set, which MQTTnet does not expose publicly.
/// </summary>
public static class ClientIdAssigner
{
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Returns the client id the session will have, or null if none can be assigned.</summary>
    public static string? EnsureClientId(ValidatingConnectionEventArgs e)
    {
        if (!string.IsNullOrEmpty(e.ClientId))
        {
            return e.ClientId;
        }

        var assigned = Guid.NewGuid().ToString();
        if (e.ProtocolVersion == MQTTnet.Formatter.MqttProtocolVersion.V500)
        {
            e.AssignedClientIdentifier = assigned;
            return assigned;
        }

        if (ConnectPacketField?.GetValue(e) is MqttConnectPacket packet)
        {
            packet.ClientId = assigned;
            return assigned;
        }

        return null;
    }
}
