using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.ConnectionEvents;

/// <summary>Producer type <c>logging</c>: one line per connect and disconnect, unauthenticated sessions included.</summary>
public sealed partial class LoggingConnectionEventProducer(ConnectionEventsOptions options, ILogger<LoggingConnectionEventProducer> logger)
    : IConnectionEventProducer
{
    private readonly LogLevel _level = options.LogLevel.Equals("debug", StringComparison.OrdinalIgnoreCase) ? LogLevel.Debug : LogLevel.Information;

    public Task<SendOutcome> ConnectedAsync(DeviceSession session, CancellationToken cancellationToken)
    {
        Log(logger, _level, "connected", session.ClientId, session.Identity?.TenantId, session.Identity?.DeviceId, null);
        return Task.FromResult(SendOutcome.Accepted);
    }

    public void Disconnected(DeviceSession session, string reason) =>
        Log(logger, _level, "disconnected", session.ClientId, session.Identity?.TenantId, session.Identity?.DeviceId, reason);

    [LoggerMessage(EventId = 301, Message = "Connection event {Cause}: remote-id {RemoteId}, adapter hono-mqtt, tenant {TenantId}, device {DeviceId}, reason {Reason}")]
    private static partial void Log(ILogger logger, LogLevel level, string cause, string remoteId, string? tenantId, string? deviceId, string? reason);
}
