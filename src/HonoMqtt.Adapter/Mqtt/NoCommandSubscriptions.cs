using HonoMqtt.Adapter.Protocol;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>Command &amp; control switched off: command subscriptions fail, command responses are refused.</summary>
public sealed class NoCommandSubscriptions : ICommandSubscriptionHandler
{
    public Task SubscribeAsync(InterceptingSubscriptionEventArgs e, DeviceSession session)
    {
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(InterceptingUnsubscriptionEventArgs e, DeviceSession session)
    {
        e.ProcessUnsubscription = false;
        e.Response.ReasonCode = MqttUnsubscribeReasonCode.UnspecifiedError;
        return Task.CompletedTask;
    }

    public Task PublishAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e) => Task.CompletedTask;

    public Task<HonoError?> UploadResponseAsync(PublishTopic topic, ResolvedAddress address, MqttApplicationMessage message, DeviceSession session,
        CancellationToken cancellationToken) => Task.FromResult<HonoError?>(new HonoError(404, "command & control is not enabled"));

    public void SessionEnded(DeviceSession session, bool shutdown)
    {
    }
}
