using System.Diagnostics.CodeAnalysis;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// A parsed error subscription filter [Hono ErrorSubscription.validateTopic]: exactly four segments
/// <c>error|e / [tenant] / [device|+] / #</c>.
/// </summary>
public sealed record ErrorSubscriptionFilter(string EndpointSegment, string? TenantId, string? DeviceId, bool AnyDevice)
{
    public static bool IsErrorFilter(string filter) =>
        filter.StartsWith("error/", StringComparison.Ordinal) || filter.StartsWith("e/", StringComparison.Ordinal);

    public static bool TryParse(string filter, [NotNullWhen(true)] out ErrorSubscriptionFilter? result)
    {
        result = null;
        var segments = filter.Split('/');
        if (segments.Length != 4 || segments[3] != "#" || segments[0] is not ("error" or "e"))
        {
            return false;
        }

        var tenant = segments[1].Length == 0 ? null : segments[1];
        var device = segments[2].Length == 0 ? null : segments[2];
        if (tenant is "+" or "#" || device is "#")
        {
            return false;
        }

        result = new ErrorSubscriptionFilter(segments[0], tenant, device == "+" ? null : device, device == "+");
        return true;
    }
}
