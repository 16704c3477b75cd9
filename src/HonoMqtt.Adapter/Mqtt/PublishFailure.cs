using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// A failed publish: the error, whether it ends the connection whatever <c>on-error</c> says [Hono isTerminalError],
/// and what is known of the message (for the error topic).
/// </summary>
public readonly record struct PublishFailure(HonoError Error, bool Terminal, string? TenantId, string? DeviceId, string? EndpointSegment);
