using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Error subscriptions (<c>error/[tenant]/[device|+]/#</c>, QoS 0) and the error messages published to them when a
/// device's publish fails [Hono AbstractVertxBasedMqttProtocolAdapter registerErrorSubscription / publishError].
/// </summary>
public sealed partial class ErrorSubscriptions(
    IDeviceRegistry registry,
    MqttServerAccessor server,
    TimeProvider timeProvider,
    ILogger<ErrorSubscriptions> logger)
{
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(2);

    public async Task SubscribeAsync(InterceptingSubscriptionEventArgs e, DeviceSession session)
    {
        // MQTTnet keeps no subscription of its own: error messages are delivered to this session directly.
        e.ProcessSubscription = false;
        var subscription = await TryCreateAsync(e.TopicFilter.Topic, (int)e.TopicFilter.QualityOfServiceLevel, session, e.CancellationToken)
            .ConfigureAwait(false);
        if (subscription is null)
        {
            e.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
            return;
        }

        session.ErrorSubscriptions[(subscription.TenantId, subscription.DeviceId)] = subscription;
        e.Response.ReasonCode = MqttSubscribeReasonCode.GrantedQoS0;
        LogSubscribed(session.ToString(), e.TopicFilter.Topic);
    }

    public void Unsubscribe(InterceptingUnsubscriptionEventArgs e, DeviceSession session)
    {
        e.ProcessUnsubscription = false;
        var removed = ErrorSubscriptionFilter.TryParse(e.Topic, out var filter) &&
                      Key(filter, session) is { } key && session.ErrorSubscriptions.TryRemove(key, out _);

        // Hono answers 0x80 (not 0x11 "no subscription existed") when there was none.
        e.Response.ReasonCode = removed ? MqttUnsubscribeReasonCode.Success : MqttUnsubscribeReasonCode.UnspecifiedError;
    }

    /// <summary>
    /// Publishes the error of a failed publish to the subscription for the message's device, else the one for the
    /// authenticated device; returns false if the session has no matching subscription.
    /// </summary>
    public async Task<bool> PublishAsync(DeviceSession session, string? messageTenantId, string? messageDeviceId, string? endpointSegment,
        string? correlationId, HonoError error)
    {
        var subscription = Find(session, messageTenantId, messageDeviceId);
        if (subscription is null)
        {
            return false;
        }

        var deviceOfMessage = messageDeviceId ?? subscription.DeviceId;
        var topic = ErrorMessage.Topic(subscription.Filter, subscription.DeviceId, deviceOfMessage, endpointSegment, correlationId, error.Status);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(ErrorMessage.Payload(error, correlationId, timeProvider.GetUtcNow()))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
            .Build();
        var delivered = await server.DeliverAsync(session.ClientId, message, DeliveryBound).ConfigureAwait(false);
        LogPublished(session.ToString(), topic, delivered);
        return true;
    }

    public bool HasSubscription(DeviceSession session, string? messageTenantId, string? messageDeviceId) =>
        Find(session, messageTenantId, messageDeviceId) is not null;

    private static ErrorSubscription? Find(DeviceSession session, string? tenantId, string? deviceId)
    {
        if (session.ErrorSubscriptions.IsEmpty)
        {
            return null;
        }

        var tenant = tenantId ?? session.Identity?.TenantId;
        if (tenant is null)
        {
            return null;
        }

        if (deviceId is not null && session.ErrorSubscriptions.TryGetValue((tenant, deviceId), out var forDevice))
        {
            return forDevice;
        }

        return session.Identity is { } id && session.ErrorSubscriptions.TryGetValue((id.TenantId, id.DeviceId), out var own) ? own : null;
    }

    private async Task<ErrorSubscription?> TryCreateAsync(string filterText, int qos, DeviceSession session, CancellationToken cancellationToken)
    {
        if (qos != 0 || !ErrorSubscriptionFilter.TryParse(filterText, out var filter) || Key(filter, session) is not { } key)
        {
            return null;
        }

        // A gateway subscribing for one of its devices needs the registry's consent [Hono registerErrorSubscription].
        if (session.Identity is { } id && key.DeviceId != id.DeviceId)
        {
            var assertion = await registry.AssertRegistrationAsync(key.TenantId, key.DeviceId, id.DeviceId, cancellationToken).ConfigureAwait(false);
            if (!assertion.Succeeded)
            {
                return null;
            }
        }

        return new ErrorSubscription(filter, key.TenantId, key.DeviceId);
    }

    /// <summary>The (tenant, device) a filter is for, or null if the session may not use it [Hono AbstractSubscription].</summary>
    private static (string TenantId, string DeviceId)? Key(ErrorSubscriptionFilter filter, DeviceSession session)
    {
        if (session.Identity is not { } id)
        {
            // Unauthenticated clients must name tenant and a concrete device.
            return filter is { TenantId: { } t, DeviceId: { } d } ? (t, d) : null;
        }

        if (filter.TenantId is { } tenant && tenant != id.TenantId)
        {
            return null;
        }

        return (id.TenantId, filter.DeviceId ?? id.DeviceId);
    }

    [LoggerMessage(251, LogLevel.Debug, "Error subscription of {Session}: {Filter}")]
    private partial void LogSubscribed(string session, string filter);

    [LoggerMessage(252, LogLevel.Debug, "Error message for {Session} on {Topic} (delivered: {Delivered})")]
    private partial void LogPublished(string session, string topic, bool delivered);
}
