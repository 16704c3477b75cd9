using System.Threading.Channels;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.ConnectionEvents;

/// <summary>
/// Producer type <c>events</c>: connection events as Hono events on <c>event/&lt;tenant&gt;</c>, for authenticated
/// sessions only. "disconnected" events are queued and sent by one loop, which drains the queue on shutdown.
/// </summary>
public sealed partial class EventsConnectionEventProducer(
    IDownstreamSender sender,
    IDeviceRegistry registry,
    DownstreamMessageFactory messages,
    ILogger<EventsConnectionEventProducer> logger) : IConnectionEventProducer, IHostedService
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryBound = TimeSpan.FromSeconds(5);

    private readonly Channel<(DeviceSession Session, string Reason)> _queue =
        Channel.CreateUnbounded<(DeviceSession, string)>(new UnboundedChannelOptions { SingleReader = true });

    private Task? _loop;
    private int _queued;
    private int _sending;
    private volatile bool _drainedOnce;
    private volatile bool _stopping;

    public async Task<SendOutcome> ConnectedAsync(DeviceSession session, CancellationToken cancellationToken)
    {
        if (session.Identity is not { } identity)
        {
            return SendOutcome.Accepted;
        }

        var tenant = await registry.GetTenantAsync(identity.TenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return SendOutcome.Failed(HonoError.TenantDisabledOrNotRegistered);
        }

        var message = messages.CreateConnectionEvent(tenant, identity.DeviceId, "connected", session.ClientId, null);
        var outcome = await sender.SendAsync(message.Properties.To, message, waitForOutcome: true, cancellationToken).ConfigureAwait(false);
        if (outcome.Succeeded)
        {
            session.ConnectedEventSent = true;
        }
        else
        {
            LogNotSent("connected", identity.TenantId, identity.DeviceId, outcome.ToString());
        }

        return outcome;
    }

    public void Disconnected(DeviceSession session, string reason)
    {
        if (session is { Identity: not null, ConnectedEventSent: true })
        {
            if (_queue.Writer.TryWrite((session, reason)))
            {
                Interlocked.Increment(ref _queued);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(SendLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Waits until the queue is empty and nothing is being sent. The queue stays open: the MQTT server calls this
    /// after it has ended every session, and the host stops this service later, so no report can arrive too late.
    /// </summary>
    public async Task DrainAsync(TimeSpan bound)
    {
        _drainedOnce = true;
        _stopping = true;   // shutting down: send what is queued, but no more waiting for a consumer to come back
        var deadline = DateTime.UtcNow + bound;
        while (Volatile.Read(ref _queued) > 0 || Volatile.Read(ref _sending) != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                LogDrainIncomplete(Volatile.Read(ref _queued) + Volatile.Read(ref _sending));
                return;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>Runs after the MQTT server has stopped (hosted services stop in reverse order): sends what is queued.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The MQTT server has usually drained already (and waited its bound); then only a short last look.
        await DrainAsync(_drainedOnce ? TimeSpan.FromSeconds(1) : DrainBound).ConfigureAwait(false);
        _stopping = true;
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                LogDrainIncomplete(Volatile.Read(ref _queued));
            }
        }
    }

    private async Task SendLoopAsync()
    {
        await foreach (var (session, reason) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Interlocked.Exchange(ref _sending, 1);
            Interlocked.Decrement(ref _queued);
            var identity = session.Identity!;
            try
            {
                var tenant = await registry.GetTenantAsync(identity.TenantId, CancellationToken.None).ConfigureAwait(false);
                if (tenant is null)
                {
                    LogNotSent("disconnected", identity.TenantId, identity.DeviceId, "tenant no longer registered");
                    continue;
                }

                var data = new Dictionary<string, string> { ["reason"] = reason };
                var message = messages.CreateConnectionEvent(tenant, identity.DeviceId, "disconnected", session.ClientId, data);
                var outcome = await SendWithRetriesAsync(message).ConfigureAwait(false);
                if (!outcome.Succeeded)
                {
                    LogNotSent("disconnected", identity.TenantId, identity.DeviceId, outcome.ToString());
                }
            }
            catch (Exception e)
            {
                LogSendFailed(e, identity.TenantId, identity.DeviceId);
            }
            finally
            {
                Interlocked.Exchange(ref _sending, 0);
            }
        }
    }

    /// <summary>
    /// The device is gone and cannot retry, so the adapter does, for a while: a consumer's credit may be used up
    /// for a moment during a burst of disconnects, or the network may be reconnecting. Messages are built once and
    /// sent again only after a failure that was reported as not accepted.
    /// </summary>
    private async Task<SendOutcome> SendWithRetriesAsync(Amqp.Message message)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        var deadline = DateTime.UtcNow + RetryBound;
        while (true)
        {
            var outcome = await sender.SendAsync(message.Properties.To, message, waitForOutcome: true, CancellationToken.None).ConfigureAwait(false);
            if (outcome.Succeeded || _stopping || outcome.Error!.Value.Status != 503 || DateTime.UtcNow + delay > deadline ||
                outcome.Error.Value.Message == HonoError.SendTimeout.Message)
            {
                return outcome;
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    [LoggerMessage(311, LogLevel.Warning, "Connection event {Cause} for device {DeviceId} of tenant {TenantId} not delivered: {Outcome}")]
    private partial void LogNotSent(string cause, string tenantId, string deviceId, string outcome);

    [LoggerMessage(312, LogLevel.Error, "Sending the disconnected event for device {DeviceId} of tenant {TenantId} failed")]
    private partial void LogSendFailed(Exception exception, string tenantId, string deviceId);

    [LoggerMessage(313, LogLevel.Warning, "Shutdown: {Count} disconnected events could not be sent in time")]
    private partial void LogDrainIncomplete(int count);
}
