namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// A parsed PUBLISH topic name (spec mqtt-adapter.md §3.1; Hono <c>ResourceIdentifier.fromString</c>).
/// </summary>
/// <param name="OriginalTopic">The topic name as received, property bag included.</param>
/// <param name="Endpoint">The endpoint the first segment names.</param>
/// <param name="EndpointSegment">The first segment verbatim (<c>telemetry</c>, <c>t</c>, …), e.g. for error topics.</param>
/// <param name="TenantId">Segment 1, or <c>null</c> if absent or empty.</param>
/// <param name="DeviceId">Segment 2, or <c>null</c> if absent or empty.</param>
/// <param name="Segments">
/// All segments of the topic without its property bag, split on <c>/</c> like Java's <c>String.split</c>:
/// empty segments in between are kept as <c>""</c>, trailing empty segments are dropped
/// (so <c>t</c>, <c>t/</c> and <c>t//</c> are the same topic).
/// </param>
/// <param name="Properties">The property bag (<see cref="PropertyBag.Empty"/> if there is none).</param>
public sealed record PublishTopic(
    string OriginalTopic,
    HonoEndpoint Endpoint,
    string EndpointSegment,
    string? TenantId,
    string? DeviceId,
    IReadOnlyList<string> Segments,
    PropertyBag Properties);
