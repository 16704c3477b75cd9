namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The endpoints a device may PUBLISH to (Hono <c>MetricsTags.EndpointType.fromString</c>, case-sensitive):
/// <c>telemetry</c>|<c>t</c>, <c>event</c>|<c>e</c>, <c>command</c>|<c>c</c> (command responses only).
/// </summary>
public enum HonoEndpoint
{
    Telemetry,
    Event,
    Command,
}
