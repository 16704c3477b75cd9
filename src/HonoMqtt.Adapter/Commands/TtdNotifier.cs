using System.Collections.Concurrent;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Sends "time until disconnect" notifications (spec downstream-amqp.md §6.1): <c>ttd=-1</c> when a device is ready for
/// commands, <c>ttd=0</c> when it is not any more. They go to <c>event/&lt;tenant&gt;</c> and wait for the outcome.
/// Notifications for one device go out one after the other, in the order they were asked for, so that a "ttd=0" sent in
/// the background after an UNSUBSCRIBE cannot overtake the "ttd=-1" of a SUBSCRIBE that follows it.
/// </summary>
public sealed class TtdNotifier(
    IDownstreamSender sender,
    IDeviceRegistry registry,
    CommandMessageFactory messages,
    ILogger<TtdNotifier> logger)
{
    private readonly ConcurrentDictionary<(string Tenant, string Device), Task> _last = new();
    private readonly Lock _gate = new();

    public Task<SendOutcome> SendAsync(string tenantId, string deviceId, int ttd, CancellationToken cancellationToken)
    {
        var key = (tenantId, deviceId);
        Task<SendOutcome> send;
        lock (_gate)
        {
            var previous = _last.GetValueOrDefault(key) ?? Task.CompletedTask;
            send = SendAfterAsync(previous, tenantId, deviceId, ttd, cancellationToken);
            _last[key] = send;
        }

        _ = send.ContinueWith(t =>
        {
            lock (_gate)
            {
                _last.TryRemove(new KeyValuePair<(string, string), Task>(key, t));
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return send;
    }

    private async Task<SendOutcome> SendAfterAsync(Task previous, string tenantId, string deviceId, int ttd, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await SendNowAsync(tenantId, deviceId, ttd, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SendOutcome> SendNowAsync(string tenantId, string deviceId, int ttd, CancellationToken cancellationToken)
    {
        var tenant = await registry.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return SendOutcome.Failed(HonoError.TenantDisabledOrNotRegistered);
        }

        // Hono's adapter-base variant asserts the device first and applies its defaults too.
        var assertion = await registry.AssertRegistrationAsync(tenantId, deviceId, null, cancellationToken).ConfigureAwait(false);
        var message = messages.CreateTtdNotification(tenant, assertion.Device, deviceId, ttd);
        var outcome = await sender.SendAsync(message.Properties.To, message, waitForOutcome: true, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            logger.TtdNotSent(ttd, tenantId, deviceId, outcome.ToString());
        }

        return outcome;
    }
}
