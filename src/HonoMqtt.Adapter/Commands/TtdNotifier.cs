using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Sends "time until disconnect" notifications (spec downstream-amqp.md §6.1): <c>ttd=-1</c> when a device is ready for
/// commands, <c>ttd=0</c> when it is not any more. They go to <c>event/&lt;tenant&gt;</c> and wait for the outcome.
/// </summary>
public sealed class TtdNotifier(
    IDownstreamSender sender,
    IDeviceRegistry registry,
    CommandMessageFactory messages,
    ILogger<TtdNotifier> logger)
{
    public async Task<SendOutcome> SendAsync(string tenantId, string deviceId, int ttd, CancellationToken cancellationToken)
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
