using HonoMqtt.Adapter.Protocol;
using MQTTnet;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Command &amp; control on the device side: command subscriptions (filters starting with <c>command/</c> or <c>c/</c>),
/// the device's PUBACKs of commands, and command responses published by devices.
/// </summary>
public interface ICommandSubscriptionHandler
{
    /// <summary>Decides one command filter of a SUBSCRIBE: sets <c>e.Response.ReasonCode</c> and <c>e.ProcessSubscription</c>.</summary>
    Task SubscribeAsync(InterceptingSubscriptionEventArgs e, DeviceSession session);

    /// <summary>Handles one command filter of an UNSUBSCRIBE.</summary>
    Task UnsubscribeAsync(InterceptingUnsubscriptionEventArgs e, DeviceSession session);

    /// <summary>The device acknowledged a PUBLISH the adapter sent it (runs on the device's receive loop: stay cheap).</summary>
    Task PublishAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e);

    /// <summary>A command response published by the device on a <c>command/…/res/…</c> topic; returns the failure, if any.</summary>
    Task<HonoError?> UploadResponseAsync(PublishTopic topic, ResolvedAddress address, MqttApplicationMessage message, DeviceSession session,
        CancellationToken cancellationToken);

    /// <summary>The session ended: drop its subscriptions (without "ttd=0" notifications on shutdown, as Hono does).</summary>
    void SessionEnded(DeviceSession session, bool shutdown);
}
