using HonoMqtt.Adapter.Downstream;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands.Amqp;

/// <summary>
/// Commands that arrive on Hono's tenant address <c>command/&lt;tenant&gt;</c> of an external network (any instance may
/// consume them) for a device this instance has no subscription for: they go, unchanged, to the device's address
/// <c>command/&lt;tenant&gt;/&lt;device&gt;</c>, which only the instance holding the device's session consumes. The
/// original is settled with the outcome of that transfer. Commands arriving on a device address are never forwarded.
/// </summary>
public sealed class CommandForwarder(IDownstreamSender sender, ILogger<CommandForwarder> logger)
{
    public async Task ForwardAsync(Command command, CommandSettlement settlement)
    {
        var address = CommandAddress.ForDevice(command.TenantId, command.DeviceId);
        var copy = global::Amqp.Message.Decode(command.Message.Encode());
        copy.Properties ??= new global::Amqp.Framing.Properties();
        copy.Properties.To = address;
        var outcome = await sender.SendAsync(address, copy, waitForOutcome: true, CancellationToken.None).ConfigureAwait(false);
        logger.CommandForwarded(command.ToString(), address, outcome.ToString());
        if (outcome.Succeeded)
        {
            settlement.Accept();
        }
        else if (outcome.Error!.Value.Status == 503)
        {
            settlement.Release();
        }
        else
        {
            settlement.Reject(CommandParser.Rejection(CommandParser.BadRequestCondition, outcome.Error.Value.Message));
        }
    }
}
