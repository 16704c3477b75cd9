using System.Globalization;
using System.Text.Json;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>The error message published to a device's error subscription [Hono publishError, ErrorSubscription].</summary>
public static class ErrorMessage
{
    /// <summary>
    /// <c>&lt;ep&gt;/&lt;tenant?&gt;/&lt;device?&gt;/&lt;msg-endpoint&gt;/&lt;correlation-id&gt;/&lt;status&gt;</c>: the tenant only if the filter
    /// named it; the device if it differs from the subscription's device, else if the filter named one.
    /// </summary>
    public static string Topic(ErrorSubscriptionFilter filter, string subscriptionDeviceId, string messageDeviceId, string? messageEndpointSegment,
        string? correlationId, int status)
    {
        var device = messageDeviceId != subscriptionDeviceId ? messageDeviceId : filter.DeviceId ?? string.Empty;
        var endpoint = messageEndpointSegment switch
        {
            "telemetry" or "t" or "event" or "e" => messageEndpointSegment,
            "command" => "command-response",
            "c" => "c-s",
            _ => "unknown",
        };
        var correlation = string.IsNullOrEmpty(correlationId) ? "-1" : correlationId;
        return string.Join('/', filter.EndpointSegment, filter.TenantId ?? string.Empty, device, endpoint, correlation,
            status.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// <c>{"code", "message", "timestamp", "correlation-id"}</c>; the timestamp as Java's ISO_INSTANT of a millisecond
    /// instant (UTC, three fraction digits, none when the milliseconds are 0).
    /// </summary>
    public static byte[] Payload(HonoError error, string? correlationId, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var timestamp = utc.Millisecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("code", error.Status);
            json.WriteString("message", error.Message);
            json.WriteString("timestamp", timestamp);
            json.WriteString("correlation-id", correlationId ?? "-1");
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
