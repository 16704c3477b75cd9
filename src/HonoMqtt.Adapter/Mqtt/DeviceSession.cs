using System.Collections.Concurrent;
using System.Net;
using HonoMqtt.Adapter.Auth;
using MQTTnet.Formatter;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>The adapter's state of one MQTT connection: who it is and whether its end has been reported.</summary>
public sealed class DeviceSession(DeviceIdentity? identity, string clientId, MqttProtocolVersion protocolVersion, EndPoint? remote, DateTimeOffset connectedAt)
{
    public const string ItemKey = "hono-mqtt.session";

    private int _ended;
    private int _counted;

    /// <summary>The authenticated device or gateway; null when authentication is not required.</summary>
    public DeviceIdentity? Identity { get; } = identity;

    public string ClientId { get; } = clientId;

    public MqttProtocolVersion ProtocolVersion { get; } = protocolVersion;

    public EndPoint? Remote { get; } = remote;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    /// <summary>True once a "connected" connection event was sent for this session.</summary>
    public bool ConnectedEventSent { get; set; }

    /// <summary>Error subscriptions by (tenant, device) [Hono: one per key, the last one wins].</summary>
    public ConcurrentDictionary<(string TenantId, string DeviceId), ErrorSubscription> ErrorSubscriptions { get; } = new();

    /// <summary>The packet id of the PUBLISH being handled (MQTTnet does not pass it to the publish interceptor).</summary>
    public ushort CurrentPacketId { get; set; }

    /// <summary>SUBSCRIBE packets whose SUBACK codes MQTTnet will write out of order (see <see cref="SubAckOrder"/>).</summary>
    public ConcurrentDictionary<ushort, int[]> SubAckPermutations { get; } = new();

    /// <summary>Packet ids whose PUBACK must not be sent (<c>on-error=skip-ack</c>).</summary>
    public ConcurrentDictionary<ushort, byte> SuppressedPubAcks { get; } = new();

    /// <summary>The connection's channel, when known (it tells whether a packet exceeded the size limit).</summary>
    public GuardedChannel? Channel { get; set; }

    /// <summary>Why the adapter itself closed the connection, if it did.</summary>
    public string? CloseReason { get; set; }

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>True for the one caller that counts the session as established.</summary>
    public bool MarkCounted() => Interlocked.CompareExchange(ref _counted, 1, 0) == 0;

    /// <summary>True for the one caller that takes an established session out of the counts.</summary>
    public bool UnmarkCounted() => Interlocked.CompareExchange(ref _counted, 2, 1) == 1;

    /// <summary>True for the one caller that ends the session (so that its end is reported exactly once).</summary>
    public bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    public override string ToString() => Identity is { } id ? $"{id.DeviceId}@{id.TenantId} ({ClientId})" : $"unauthenticated ({ClientId})";
}
