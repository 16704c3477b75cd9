using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// What happens to a valid command before it reaches a device [Hono command router + AbstractVertxBasedMqttProtocolAdapter
/// .createCommandConsumer; spec downstream-amqp.md §7.1/§7.2, mqtt-adapter.md §6.3]: tenant and device checks, routing to
/// a subscription of this instance, the gateway's assertion, then <see cref="DeviceCommandPublisher"/>.
/// </summary>
public sealed class CommandDispatcher(
    IDeviceRegistry registry,
    CommandRegistrations registrations,
    DeviceCommandPublisher publisher,
    Limits.TenantUsage usage,
    ILogger<CommandDispatcher> logger)
{
    /// <summary>
    /// Dispatches <paramref name="command"/>; the returned task settles it. <paramref name="forward"/> takes commands no
    /// subscription of this instance can take (null: they are released, "no consumer").
    /// </summary>
    public async Task<Task> DispatchAsync(Command command, CommandSettlement settlement, Func<Command, CommandSettlement, Task>? forward,
        CancellationToken cancellationToken)
    {
        var tenant = await registry.GetTenantAsync(command.TenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is not { Enabled: true })
        {
            return Reject(settlement, "tenant is disabled or not registered");
        }

        var assertion = await registry.AssertRegistrationAsync(command.TenantId, command.DeviceId, null, cancellationToken).ConfigureAwait(false);
        if (!assertion.Succeeded)
        {
            return Reject(settlement, "device is disabled or not registered");
        }

        if (registrations.Route(command.TenantId, command.DeviceId, assertion.AuthorizedGateways) is not { } target)
        {
            if (forward is not null)
            {
                return forward(command, settlement);
            }

            logger.CommandReleased(command.ToString(), "no subscription for the device or an authorized gateway");
            settlement.Release();
            return Task.CompletedTask;
        }

        var subscription = target.Entry.Subscription;
        if (subscription.IsGatewayForSpecificDevice)
        {
            // The gateway may have lost its authority for the device since it subscribed.
            var viaGateway = await registry.AssertRegistrationAsync(command.TenantId, command.DeviceId, subscription.AuthenticatedDeviceId, cancellationToken)
                .ConfigureAwait(false);
            if (!viaGateway.Succeeded)
            {
                return Reject(settlement, viaGateway.Error!.Value.Message);
            }
        }
        else if (target.ViaGateway)
        {
            // Hono asserts the gateway's own registration before publishing; a failure releases the command.
            var gateway = await registry.AssertRegistrationAsync(command.TenantId, subscription.DeviceId, null, cancellationToken).ConfigureAwait(false);
            if (!gateway.Succeeded)
            {
                logger.CommandReleased(command.ToString(), "the gateway is disabled or not registered");
                settlement.Release();
                return Task.CompletedTask;
            }
        }

        // The tenant's data volume covers commands too; Hono rejects with hono:bad-request [spec downstream-amqp.md §7.1].
        var exceeded = await usage.DataVolumeExceededAsync(tenant, command.Payload.Length, cancellationToken).ConfigureAwait(false);
        usage.AddPayload(tenant, command.Payload.Length);
        if (exceeded)
        {
            return Reject(settlement, "tenant's accumulated message data volume exceeds configured maximum value");
        }

        return await publisher.PublishAsync(command, target, settlement).ConfigureAwait(false);
    }

    private Task Reject(CommandSettlement settlement, string description)
    {
        logger.CommandRejected(CommandParser.BadRequestCondition, description);
        settlement.Reject(CommandParser.Rejection(CommandParser.BadRequestCondition, description));
        return Task.CompletedTask;
    }
}
