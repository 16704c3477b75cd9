using Amqp.Framing;
using Amqp.Listener;
using HonoMqtt.Adapter.Downstream.Embedded;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands.Embedded;

/// <summary>
/// Takes the attaches of applications that send commands to the embedded endpoint: on <c>command/&lt;tenant&gt;</c>
/// (Hono's address; each message names its device in <c>to</c>) and on <c>command/&lt;tenant&gt;/&lt;device&gt;</c>
/// (the per-device address of external networks; <c>to</c> may then be left out). Every other sender is refused.
/// </summary>
public sealed class EmbeddedCommandReceiver(
    CommandDispatcher dispatcher,
    BackgroundWork background,
    ILogger<EmbeddedCommandReceiver> logger) : IApplicationSenderLinkHandler
{
    /// <summary>Hono client's default initial credit of a command receiver.</summary>
    public const int InitialCredit = 200;

    public bool TryAttach(AttachContext attachContext)
    {
        if (attachContext.Attach.Target is not Target { Address: { } address } || !CommandAddress.TryParse(address, out var tenantId, out var deviceId))
        {
            return false;
        }

        var link = attachContext.Link;
        var pump = new CommandLinkPump(tenantId, deviceId is null ? null : address, dispatcher, forward: null, background, logger);
        link.AddClosedCallback((_, error) =>
        {
            pump.Complete();
            logger.CommandLinkClosed(link.Name, address, error?.ToString() ?? "no error");
        });
        attachContext.Complete(new CommandReceiverEndpoint(pump), InitialCredit);
        logger.CommandLinkAttached(link.Name, address);
        return true;
    }
}
