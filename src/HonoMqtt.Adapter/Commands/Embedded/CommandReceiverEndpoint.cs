using Amqp.Listener;

namespace HonoMqtt.Adapter.Commands.Embedded;

/// <summary>The embedded endpoint's side of an application's sender link on <c>command/…</c>.</summary>
internal sealed class CommandReceiverEndpoint(CommandLinkPump pump) : LinkEndpoint
{
    public override void OnMessage(MessageContext messageContext) =>
        pump.Post(messageContext.Message, new ListenerCommandSettlement(messageContext.Link, messageContext.Message));

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }
}
