using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Command &amp; control on the device side [Hono onSubscribe, onUnsubscribe, registerCommandSubscription]: a command
/// subscription is granted (with the requested QoS) only once it is registered, the network delivers its commands to
/// this instance and the "ttd=-1" notification has been accepted downstream; UNSUBSCRIBE and the end of the session
/// (not the adapter's shutdown) take it out again with a "ttd=0" notification. MQTTnet keeps no subscription of its own
/// (<c>ProcessSubscription = false</c>): commands go to one session by <see cref="DeviceCommandPublisher"/>.
/// </summary>
/// <remarks>
/// MQTTnet hands over the filters of one SUBSCRIBE one at a time (ordered by QoS, highest first); each is decided on
/// its own, so of two filters with the same key the one handled last is in force.
/// </remarks>
public sealed class CommandSubscriptionHandler(
    IDeviceRegistry registry,
    CommandRegistrations registrations,
    CommandSessions sessions,
    ICommandConsumers consumers,
    TtdNotifier notifier,
    DeviceCommandPublisher publisher,
    CommandResponseUploader responses,
    BackgroundWork background,
    ILogger<CommandSubscriptionHandler> logger) : ICommandSubscriptionHandler
{
    public async Task SubscribeAsync(InterceptingSubscriptionEventArgs e, DeviceSession session)
    {
        e.ProcessSubscription = false;
        var qos = (int)e.TopicFilter.QualityOfServiceLevel;
        bool granted;
        try
        {
            granted = await TrySubscribeAsync(e.TopicFilter.Topic, qos, session, e.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (e.CancellationToken.IsCancellationRequested)
        {
            granted = false; // the connection is going away: MQTTnet sends no SUBACK
        }
        catch (Exception ex)
        {
            logger.CommandFailed(ex);
            granted = false;
        }

        e.Response.ReasonCode = !granted ? MqttSubscribeReasonCode.UnspecifiedError
            : qos == 1 ? MqttSubscribeReasonCode.GrantedQoS1 : MqttSubscribeReasonCode.GrantedQoS0;
    }

    /// <remarks>
    /// Must complete synchronously: MQTTnet 5.2 runs the unsubscription interceptor while it holds a
    /// <c>ReaderWriterLockSlim</c> write lock (<c>MqttClientSubscriptionsManager.Unsubscribe</c>), which a continuation on
    /// another thread cannot release; the connection then dies with a <c>SynchronizationLockException</c>. So the
    /// subscription is taken out of force here, and its consumers and the "ttd=0" notification follow in the background.
    /// </remarks>
    public Task UnsubscribeAsync(InterceptingUnsubscriptionEventArgs e, DeviceSession session)
    {
        e.ProcessUnsubscription = false;
        e.Response.ReasonCode = MqttUnsubscribeReasonCode.UnspecifiedError; // Hono answers 0x80 when there is no such subscription
        if (CommandSubscription.TryParse(e.Topic, 0, session.Identity, out var subscription, out _)
            && sessions.Find(session) is { } state
            && state.TryRemove(subscription.Key, out var entry))
        {
            e.Response.ReasonCode = MqttUnsubscribeReasonCode.Success;
            var wasCurrent = registrations.TryRemove(entry!);
            background.Run(() => EndAsync(entry!, notify: wasCurrent, "unsubscribe"));
        }

        return Task.CompletedTask;
    }

    public Task PublishAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        if (e.SessionItems[DeviceSession.ItemKey] is DeviceSession session)
        {
            publisher.Acknowledged(session, e.PublishPacket.PacketIdentifier);
        }

        return Task.CompletedTask;
    }

    public Task<HonoError?> UploadResponseAsync(PublishTopic topic, ResolvedAddress address, MqttApplicationMessage message, DeviceSession session,
        CancellationToken cancellationToken) => responses.UploadAsync(topic, address, message, session, cancellationToken);

    public void SessionEnded(DeviceSession session, bool shutdown)
    {
        // Runs inside MQTTnet's connect lock on a takeover: the rest happens in the background.
        if (sessions.Remove(session) is not { } state)
        {
            return;
        }

        var (subscriptions, pending) = state.Close();
        foreach (var waiting in pending)
        {
            waiting.SessionEnded();
        }

        foreach (var entry in subscriptions)
        {
            var wasCurrent = registrations.TryRemove(entry);
            background.Run(() => EndAsync(entry, notify: wasCurrent && !shutdown, shutdown ? "shutdown" : "session ended"));
        }
    }

    private async Task<bool> TrySubscribeAsync(string filter, int qos, DeviceSession session, CancellationToken cancellationToken)
    {
        if (!CommandSubscription.TryParse(filter, qos, session.Identity, out var subscription, out var reason))
        {
            return Refused(filter, qos, session, reason);
        }

        if (session.Identity is { } identity)
        {
            // Hono asserts the registration of the device itself, of the gateway for a "+" subscription, or of the
            // device on behalf of the gateway; unauthenticated subscriptions are not checked at SUBSCRIBE time.
            var gatewayId = subscription.IsGatewayForSpecificDevice ? identity.DeviceId : null;
            var assertion = await registry.AssertRegistrationAsync(subscription.TenantId, subscription.DeviceId, gatewayId, cancellationToken)
                .ConfigureAwait(false);
            if (!assertion.Succeeded)
            {
                return Refused(filter, qos, session, assertion.Error!.Value.ToString());
            }

            if (gatewayId is not null && assertion.AuthorizedGateways.Count > 1)
            {
                registrations.SetLastKnownGateway(subscription.TenantId, subscription.DeviceId, gatewayId);
            }
        }

        if (sessions.GetOrAdd(session) is not { IsClosed: false } state)
        {
            return Refused(filter, qos, session, "the session has ended");
        }

        var lease = await consumers.AcquireAsync(subscription, cancellationToken).ConfigureAwait(false);
        if (lease.Lease is not { } acquired)
        {
            return Refused(filter, qos, session, $"commands cannot be received: {lease.Error}");
        }

        var entry = new SubscriptionEntry(session, subscription, registrations.NextSequence(), acquired);
        if (!state.TryAdd(entry, registrations.Register, out var replaced))
        {
            await acquired.ReleaseAsync().ConfigureAwait(false);
            return Refused(filter, qos, session, "the session has ended");
        }

        if (replaced is not null)
        {
            // Hono registers a new consumer and does not close the replaced one: no "ttd=0" in between.
            background.Track(replaced.Lease.ReleaseAsync());
        }

        var notified = await notifier.SendAsync(subscription.TenantId, subscription.DeviceId, CommandMessageFactory.TtdUnlimited, cancellationToken)
            .ConfigureAwait(false);
        if (!notified.Succeeded)
        {
            if (state.TryRemove(entry))
            {
                registrations.TryRemove(entry);
                await acquired.ReleaseAsync().ConfigureAwait(false);
            }

            return Refused(filter, qos, session, $"the ready notification was not accepted: {notified}");
        }

        logger.Subscribed(filter, qos, session.ToString(), subscription.Key.ToString());
        return true;
    }

    /// <summary>
    /// Ends a subscription already taken out of the registrations: its consumers first, then "ttd=0" if
    /// <paramref name="notify"/> (it was in force and the adapter is not shutting down).
    /// </summary>
    private async Task EndAsync(SubscriptionEntry entry, bool notify, string reason)
    {
        await entry.Lease.ReleaseAsync().ConfigureAwait(false);
        logger.Unsubscribed(entry.Subscription.Filter, entry.Session.ToString(), reason);
        if (notify)
        {
            await notifier.SendAsync(entry.Subscription.TenantId, entry.Subscription.DeviceId, CommandMessageFactory.TtdDisconnected, CancellationToken.None)
                .ConfigureAwait(false);
        }
    }

    private bool Refused(string filter, int qos, DeviceSession session, string reason)
    {
        logger.SubscriptionRefused(filter, qos, session.ToString(), reason);
        return false;
    }
}
