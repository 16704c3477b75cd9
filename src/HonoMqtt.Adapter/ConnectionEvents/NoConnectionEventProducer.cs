using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Mqtt;

namespace HonoMqtt.Adapter.ConnectionEvents;

/// <summary>Producer type <c>none</c>.</summary>
public sealed class NoConnectionEventProducer : IConnectionEventProducer
{
    public Task<SendOutcome> ConnectedAsync(DeviceSession session, CancellationToken cancellationToken) => Task.FromResult(SendOutcome.Accepted);

    public void Disconnected(DeviceSession session, string reason)
    {
    }
}
