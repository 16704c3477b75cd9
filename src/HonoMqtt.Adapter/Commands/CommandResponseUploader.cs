using System.Buffers;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using MQTTnet;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// A command response published by a device (spec mqtt-adapter.md §6.4) [Hono uploadCommandResponseMessage]: the
/// topic's request id and status, the tenant's checks, then the response on <c>command_response/&lt;tenant&gt;/&lt;reply-id&gt;</c>,
/// waiting for its outcome (the PUBACK of a QoS 1 response follows <c>accepted</c>). The adapter keeps no record of
/// requests: a response is forwarded whenever its request id decodes, late or not.
/// </summary>
public sealed class CommandResponseUploader(
    IDeviceRegistry registry,
    IDownstreamSender sender,
    CommandMessageFactory messages,
    CommandRegistrations registrations)
{
    /// <summary>Runs after the publish pipeline parsed the topic, checked QoS, resolved the address and asserted it.</summary>
    public async Task<HonoError?> UploadAsync(PublishTopic topic, ResolvedAddress address, MqttApplicationMessage message, DeviceSession session,
        CancellationToken cancellationToken)
    {
        if (!CommandResponseTopic.TryParse(topic, out var requestId, out var status, out var topicError))
        {
            return topicError;
        }

        // A request id naming Kafka did not come from this adapter, which has only the AMQP network to answer on.
        if (!RequestId.TryDecode(requestId, address.DeviceId, out var correlationId, out var replyToId, out var kafka) || kafka)
        {
            return HonoError.BadRequest(CommandResponseTopic.InvalidData);
        }

        var tenant = await registry.GetTenantAsync(address.TenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is not { Enabled: true })
        {
            return HonoError.TenantDisabledOrNotRegistered;
        }

        if (!tenant.IsAdapterEnabled())
        {
            return HonoError.AdapterDisabled;
        }

        var assertion = await registry.AssertRegistrationAsync(address.TenantId, address.DeviceId, address.GatewayId, cancellationToken)
            .ConfigureAwait(false);
        if (!assertion.Succeeded)
        {
            return assertion.Error;
        }

        // Hono records the last known gateway of devices with several authorized gateways [updateLastGateway].
        if (assertion.AuthorizedGateways.Count > 1)
        {
            registrations.SetLastKnownGateway(address.TenantId, address.DeviceId, address.GatewayId ?? address.DeviceId);
        }

        var response = messages.CreateCommandResponse(tenant, assertion.Device!, correlationId, replyToId, status,
            ContentTypeOf(topic.Properties, message), message.Payload.ToArray());
        var outcome = await sender.SendAsync(response.Properties.To, response, waitForOutcome: true, cancellationToken).ConfigureAwait(false);
        return outcome.Error;
    }

    /// <summary>The property bag's <c>content-type</c> first, then MQTT 5's property [MqttContext.contentType].</summary>
    private static string? ContentTypeOf(PropertyBag bag, MqttApplicationMessage message) =>
        bag.Get(PropertyBag.ContentType) is { Length: > 0 } fromBag ? fromBag : string.IsNullOrEmpty(message.ContentType) ? null : message.ContentType;
}
