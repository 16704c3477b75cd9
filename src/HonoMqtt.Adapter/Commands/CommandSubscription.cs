using System.Diagnostics.CodeAnalysis;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// A device's command subscription, parsed from its topic filter (spec mqtt-adapter.md §6.1; Hono
/// <c>CommandSubscription</c>, <c>AbstractSubscription</c>): <c>command|c / [tenant] / [device|+] / req|q / #</c>.
/// </summary>
/// <param name="Filter">The topic filter as subscribed.</param>
/// <param name="EndpointSegment"><c>command</c> or <c>c</c>, echoed in command topics.</param>
/// <param name="RequestPart"><c>req</c> or <c>q</c>, echoed in command topics.</param>
/// <param name="TenantId">The tenant (the authenticated one unless unauthenticated).</param>
/// <param name="DeviceId">The device commands are for; the subscriber itself for <c>+</c> and for the forms without device.</param>
/// <param name="AuthenticatedDeviceId">The subscriber, or null when the adapter does not authenticate.</param>
/// <param name="ContainsTenantId">The filter names the tenant, so command topics do too.</param>
/// <param name="ContainsDeviceId">The filter names a concrete device, so command topics do too.</param>
/// <param name="IsWildcard">A gateway's <c>+</c> subscription: commands for all devices it may act for, and for itself.</param>
/// <param name="Qos">The granted (= requested) QoS, 0 or 1.</param>
public sealed record CommandSubscription(
    string Filter,
    string EndpointSegment,
    string RequestPart,
    string TenantId,
    string DeviceId,
    string? AuthenticatedDeviceId,
    bool ContainsTenantId,
    bool ContainsDeviceId,
    bool IsWildcard,
    int Qos)
{
    public CommandSubscriptionKey Key => new(TenantId, DeviceId);

    /// <summary>An authenticated gateway subscribed for one specific other device (needs a registration assertion per command).</summary>
    public bool IsGatewayForSpecificDevice => AuthenticatedDeviceId is not null && AuthenticatedDeviceId != DeviceId;

    /// <summary>True if <paramref name="filter"/> is a command filter at all (Hono <c>hasCommandEndpointPrefix</c>).</summary>
    public static bool HasCommandPrefix(string filter) =>
        filter.StartsWith("command/", StringComparison.Ordinal) || filter.StartsWith("c/", StringComparison.Ordinal);

    /// <summary>
    /// Parses a SUBSCRIBE (or UNSUBSCRIBE) topic filter for <paramref name="subscriber"/> (null: unauthenticated).
    /// Fails with a reason for the log when the filter is not one the spec allows; QoS 2 is refused as well
    /// [Hono registerCommandSubscription].
    /// </summary>
    public static bool TryParse(string filter, int qos, DeviceIdentity? subscriber, [NotNullWhen(true)] out CommandSubscription? subscription,
        out string reason)
    {
        subscription = null;
        reason = string.Empty;
        if (string.IsNullOrEmpty(filter) || filter[0] == '/')
        {
            reason = "topic filter or its first segment must not be empty";
            return false;
        }

        var segments = HonoTopic.JavaSplit(filter);
        if (segments.Length != 5 || segments[4] != "#")
        {
            reason = "topic filter does not match pattern: command|c/+/+/req|q/#";
            return false;
        }

        if (segments[0] is not ("command" or "c"))
        {
            reason = "the endpoint needs to be 'command' or 'c'";
            return false;
        }

        if (segments[3] is not ("req" or "q"))
        {
            reason = "the request part needs to be 'req' or 'q'";
            return false;
        }

        if (qos is not (0 or 1))
        {
            reason = "QoS 2 is not supported for command subscriptions";
            return false;
        }

        var tenant = segments[1];
        var device = segments[2];
        if (tenant == "+")
        {
            reason = "the tenant must not be a wildcard";
            return false;
        }

        var wildcard = device == "+";
        var concreteDevice = wildcard || device.Length == 0 ? null : device;
        string tenantId;
        string deviceId;
        if (subscriber is not null)
        {
            if (tenant.Length > 0 && tenant != subscriber.TenantId)
            {
                reason = "tenant in topic filter does not match authenticated device";
                return false;
            }

            tenantId = subscriber.TenantId;
            deviceId = concreteDevice ?? subscriber.DeviceId;
        }
        else
        {
            if (tenant.Length == 0)
            {
                reason = "for unauthenticated devices the tenant needs to be given in the subscription";
                return false;
            }

            if (concreteDevice is null)
            {
                reason = "for unauthenticated devices the device-id needs to be given in the subscription";
                return false;
            }

            tenantId = tenant;
            deviceId = concreteDevice;
        }

        subscription = new CommandSubscription(filter, segments[0], segments[3], tenantId, deviceId, subscriber?.DeviceId,
            ContainsTenantId: tenant.Length > 0, ContainsDeviceId: concreteDevice is not null, IsWildcard: wildcard, qos);
        return true;
    }

    /// <summary>
    /// The topic a command is published on [Hono CommandSubscription.getCommandPublishTopic]: the filter's endpoint and
    /// request part, the tenant if the filter had it, the command's device if the command was routed to a gateway for
    /// another device (else the filter's device, if it had one), the request id (empty for one-way) and the name.
    /// </summary>
    public string CommandTopic(string commandDeviceId, string? requestId, string commandName)
    {
        var tenant = ContainsTenantId ? TenantId : string.Empty;
        var targetedAtGateway = commandDeviceId != DeviceId;
        var device = targetedAtGateway ? commandDeviceId : ContainsDeviceId ? DeviceId : string.Empty;
        return $"{EndpointSegment}/{tenant}/{device}/{RequestPart}/{requestId}/{commandName}";
    }
}
