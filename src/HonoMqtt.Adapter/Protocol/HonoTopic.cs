using System.Diagnostics.CodeAnalysis;
using HonoMqtt.Adapter.Auth;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The I/O-free rules for PUBLISH topics: parsing (spec mqtt-adapter.md §3.1), the QoS check (§5.2) and address
/// resolution (§3.1). Callers apply them in Hono's order: parse, (expiry check,) QoS, resolve.
/// </summary>
public static class HonoTopic
{
    // Texts are Hono's (AbstractVertxBasedMqttProtocolAdapter.checkTopic, VertxBasedMqttProtocolAdapter.mapTopic,
    // AbstractProtocolAdapterBase.validateAddress).
    internal const string MalformedTopicName = "malformed topic name";
    internal const string NoSuchEndpoint = "no such endpoint";
    internal const string TelemetryQos2 = "QoS 2 not supported for telemetry messages";
    internal const string EventNotQos1 = "Only QoS 1 supported for event messages";
    internal const string CommandResponseQos2 = "QoS 2 not supported for command response messages";
    internal const string UnauthenticatedNeedsTenantAndDevice = "unauthenticated client must provide tenant and device ID in message address";
    internal const string TenantOnly = "message address must not contain tenant ID only";
    internal const string OtherTenant = "can only publish for device of same tenant";

    /// <summary>
    /// Parses a PUBLISH topic name.
    /// </summary>
    /// <returns>
    /// <c>false</c> with 400 "malformed topic name" for an empty topic, a leading <c>/</c>, or a bad property bag
    /// (Hono's <c>PropertyBag.fromTopic</c> returns <c>null</c> for all of these); <c>false</c> with
    /// 404 "no such endpoint" if the first segment is not a PUBLISH endpoint (including <c>command_response</c>).
    /// Note that Hono reports the 404 only after its credential-expiry check (401), the 400 before it.
    /// </returns>
    public static bool TryParsePublish(string topic, [NotNullWhen(true)] out PublishTopic? result, out HonoError error)
    {
        result = null;
        error = default;

        if (string.IsNullOrEmpty(topic) || topic[0] == '/'
            || !PropertyBag.TryParse(topic, out var path, out var bag))
        {
            error = HonoError.BadRequest(MalformedTopicName);
            return false;
        }

        var segments = JavaSplit(path);
        HonoEndpoint endpoint;
        switch (segments[0])
        {
            case "telemetry":
            case "t":
                endpoint = HonoEndpoint.Telemetry;
                break;
            case "event":
            case "e":
                endpoint = HonoEndpoint.Event;
                break;
            case "command":
            case "c":
                endpoint = HonoEndpoint.Command;
                break;
            default:
                // VertxBasedMqttProtocolAdapter.mapTopic: "command_response" is a known endpoint type in Hono's
                // metrics, but not one a device may publish to.
                error = new HonoError(404, NoSuchEndpoint);
                return false;
        }

        result = new PublishTopic(
            topic,
            endpoint,
            segments[0],
            SegmentOrNull(segments, 1),
            SegmentOrNull(segments, 2),
            Array.AsReadOnly(segments),
            bag);
        return true;
    }

    /// <summary>
    /// The QoS rule of spec §5.2: telemetry 0/1, event 1 only, command response 0/1.
    /// </summary>
    /// <returns><c>null</c> if the QoS is acceptable, else a 400 error with Hono's text.</returns>
    public static HonoError? CheckQos(HonoEndpoint endpoint, int qos) => endpoint switch
    {
        HonoEndpoint.Telemetry => qos is 0 or 1 ? null : HonoError.BadRequest(TelemetryQos2),
        HonoEndpoint.Event => qos == 1 ? null : HonoError.BadRequest(EventNotQos1),
        HonoEndpoint.Command => qos is 0 or 1 ? null : HonoError.BadRequest(CommandResponseQos2),
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "unknown endpoint"),
    };

    /// <summary>
    /// Resolves the target tenant and device of a PUBLISH (Hono <c>AbstractProtocolAdapterBase.validateAddress</c>).
    /// </summary>
    /// <param name="topic">The parsed topic.</param>
    /// <param name="authenticated">The authenticated device, or <c>null</c> if the adapter does not require
    /// authentication.</param>
    /// <param name="address">The target, with <see cref="ResolvedAddress.GatewayId"/> set when an authenticated
    /// device publishes for another device.</param>
    /// <param name="error">400 if tenant/device are missing, 403 if the tenant is not the authenticated one.</param>
    public static bool TryResolveAddress(PublishTopic topic, DeviceIdentity? authenticated, out ResolvedAddress address, out HonoError error)
    {
        ArgumentNullException.ThrowIfNull(topic);
        address = default;
        error = default;
        var tenant = topic.TenantId;
        var device = topic.DeviceId;

        if (authenticated is null)
        {
            if (tenant is null || device is null)
            {
                error = HonoError.BadRequest(UnauthenticatedNeedsTenantAndDevice);
                return false;
            }

            address = new ResolvedAddress(tenant, device, null);
            return true;
        }

        if (tenant is not null && device is null)
        {
            error = HonoError.BadRequest(TenantOnly);
            return false;
        }

        if (tenant is not null && !string.Equals(tenant, authenticated.TenantId, StringComparison.Ordinal))
        {
            error = new HonoError(403, OtherTenant);
            return false;
        }

        var resolvedDevice = device ?? authenticated.DeviceId;
        var gateway = string.Equals(resolvedDevice, authenticated.DeviceId, StringComparison.Ordinal) ? null : authenticated.DeviceId;
        address = new ResolvedAddress(authenticated.TenantId, resolvedDevice, gateway);
        return true;
    }

    /// <summary>
    /// Java's <c>String.split("/")</c>: keeps empty segments in between, drops trailing empty ones
    /// (Hono's <c>ResourceIdentifier.fromString</c>), so <c>t//</c> has one segment.
    /// </summary>
    internal static string[] JavaSplit(string path)
    {
        // Java returns the input itself when there is no delimiter, so "" splits into [""].
        if (!path.Contains('/'))
        {
            return [path];
        }

        var parts = path.Split('/');
        var length = parts.Length;
        while (length > 0 && parts[length - 1].Length == 0)
        {
            length--;
        }

        return length == parts.Length ? parts : parts[..length];
    }

    private static string? SegmentOrNull(string[] segments, int index) =>
        index < segments.Length && segments[index].Length > 0 ? segments[index] : null;
}
