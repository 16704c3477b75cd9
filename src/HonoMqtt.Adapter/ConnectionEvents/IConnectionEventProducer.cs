using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Mqtt;

namespace HonoMqtt.Adapter.ConnectionEvents;

/// <summary>Reports device sessions as Hono connection events (or logs them, or nothing).</summary>
public interface IConnectionEventProducer
{
    /// <summary>Reports a new authenticated session; awaited before the CONNACK (a failure refuses the connection).</summary>
    Task<SendOutcome> ConnectedAsync(DeviceSession session, CancellationToken cancellationToken);

    /// <summary>Reports the end of a session without blocking the caller (MQTTnet may hold its connect lock).</summary>
    void Disconnected(DeviceSession session, string reason);

    /// <summary>Waits (at most <paramref name="bound"/>) until every reported end has been sent; new reports are still taken.</summary>
    Task DrainAsync(TimeSpan bound) => Task.CompletedTask;
}
