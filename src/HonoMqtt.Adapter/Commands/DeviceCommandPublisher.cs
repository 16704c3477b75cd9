using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Publishes a routed command to the one session that subscribed (spec mqtt-adapter.md §6.3) and settles it
/// [Hono afterCommandPublished, PendingPubAcks]: QoS 0 accepted once written to the connection, QoS 1 accepted on the
/// device's PUBACK within <c>sendMessageToDeviceTimeout</c>, released otherwise (also when the session is gone, its
/// queue is full, or a bound of <see cref="CommandLimits"/> is reached).
/// </summary>
/// <remarks>
/// MQTTnet's <c>TryEnqueueApplicationMessage</c> goes to that session only, without subscription matching (the adapter
/// keeps no MQTTnet subscriptions at all). The PUBACK arrives through <see cref="Acknowledged"/>.
/// </remarks>
public sealed class DeviceCommandPublisher(
    MqttServerAccessor accessor,
    CommandSessions sessions,
    CommandLimits limits,
    MqttAdapterOptions options,
    TimeProvider timeProvider,
    ILogger<DeviceCommandPublisher> logger)
{
    /// <summary>
    /// Hands the command to the session's send queue; the returned task settles it (after the PUBACK, for QoS 1).
    /// Commands handed over one after the other reach the device in that order.
    /// </summary>
    public async Task<Task> PublishAsync(Command command, CommandTarget target, CommandSettlement settlement)
    {
        var session = target.Entry.Session;
        var subscription = target.Entry.Subscription;
        var state = sessions.Find(session);
        if (state is null || state.IsClosed)
        {
            return Released(command, settlement, "the device's session has ended");
        }

        if (!limits.TryStart(state))
        {
            return Released(command, settlement, $"too many commands pending (per device {limits.PerDevice}, per instance {limits.PerInstance})");
        }

        var handedOver = false;
        try
        {
            MqttSessionStatus status;
            try
            {
                status = await accessor.Server.GetSessionAsync(session.ClientId).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                return Released(command, settlement, "the device's session has ended");
            }

            // After a takeover the client id names a newer connection, which has not subscribed.
            if (status is null || !ReferenceEquals(status.Items[DeviceSession.ItemKey], session))
            {
                return Released(command, settlement, "the device's session has ended");
            }

            var topic = subscription.CommandTopic(command.DeviceId, command.RequestId, command.Name);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(command.Payload)
                .WithQualityOfServiceLevel(subscription.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
                .Build();

            Task settling;
            if (subscription.Qos == 0)
            {
                settling = DeliverAtMostOnceAsync(command, status, message, state, settlement);
            }
            else
            {
                PendingAck pending;
                ushort packetIdentifier;
                lock (state.Gate)
                {
                    if (state.IsClosed)
                    {
                        return Released(command, settlement, "the device's session has ended");
                    }

                    if (!status.TryEnqueueApplicationMessage(message, out var result))
                    {
                        return Released(command, settlement, "the device's send queue is full");
                    }

                    packetIdentifier = result.PacketIdentifier;
                    pending = new PendingAck();
                    state.AddPendingLocked(packetIdentifier, pending);
                }

                settling = AwaitPubAckAsync(command, state, packetIdentifier, pending, settlement);
            }

            handedOver = true;
            logger.CommandPublished(command.ToString(), session.ToString(), topic, subscription.Qos);
            return settling;
        }
        finally
        {
            if (!handedOver)
            {
                limits.Finished(state);
            }
        }
    }

    /// <summary>The device acknowledged a PUBLISH of ours (on its receive loop: only completes the wait).</summary>
    public void Acknowledged(DeviceSession session, ushort packetIdentifier) =>
        sessions.Find(session)?.TakePending(packetIdentifier)?.Acknowledged();

    private async Task DeliverAtMostOnceAsync(Command command, MqttSessionStatus status, MqttApplicationMessage message, SessionCommands state,
        CommandSettlement settlement)
    {
        bool written;
        string? failure = null;
        try
        {
            // Completes once the packet is written to the connection; fails if MQTTnet drops it (queue full).
            var delivery = status.DeliverApplicationMessageAsync(message);
            using var stopTimer = new CancellationTokenSource();
            var timeout = Task.Delay(options.SendMessageToDeviceTimeout > 0 ? TimeSpan.FromMilliseconds(options.SendMessageToDeviceTimeout) : Timeout.InfiniteTimeSpan,
                timeProvider, stopTimer.Token);
            var first = await Task.WhenAny(delivery, state.Ended, timeout).ConfigureAwait(false);
            await stopTimer.CancelAsync().ConfigureAwait(false);
            written = first == delivery && delivery.IsCompletedSuccessfully;
            if (!written)
            {
                _ = delivery.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                failure = first == delivery ? "the device's send queue is full" : "the command could not be written to the device";
            }
        }
        finally
        {
            // Before settling: the application may send the next command as soon as it sees the outcome.
            limits.Finished(state);
        }

        if (written)
        {
            settlement.Accept();
        }
        else
        {
            Release(command, settlement, failure!);
        }
    }

    private async Task AwaitPubAckAsync(Command command, SessionCommands state, ushort packetIdentifier, PendingAck pending, CommandSettlement settlement)
    {
        bool? acknowledged;
        try
        {
            var timeout = options.SendMessageToDeviceTimeout;
            acknowledged = timeout > 0
                ? await pending.Done.WaitAsync(TimeSpan.FromMilliseconds(timeout), timeProvider).ConfigureAwait(false)
                : await pending.Done.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A PUBACK arriving after this is ignored [Hono PendingPubAcks].
            state.TryRemovePending(packetIdentifier, pending);
            acknowledged = null;
        }
        finally
        {
            // Before settling: the application may send the next command as soon as it sees the outcome.
            limits.Finished(state);
        }

        switch (acknowledged)
        {
            case true:
                // Hono settles on any PUBACK; an MQTT 5 reason code is not looked at.
                settlement.Accept();
                break;
            case false:
                Release(command, settlement, "the device's session has ended");
                break;
            default:
                logger.PubAckTimedOut(command.ToString(), state.Session.ToString(), options.SendMessageToDeviceTimeout);
                settlement.Release();
                break;
        }
    }

    private Task Released(Command command, CommandSettlement settlement, string reason)
    {
        Release(command, settlement, reason);
        return Task.CompletedTask;
    }

    private void Release(Command command, CommandSettlement settlement, string reason)
    {
        logger.CommandReleased(command.ToString(), reason);
        settlement.Release();
    }
}
