using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>
/// The receiving end of one sender link of the client under test: records each transfer and answers it as the
/// peer's current <see cref="ScriptedAmqpPeer.Answer"/> says. Runs on the listener connection's pump.
/// </summary>
public sealed class ScriptedLinkEndpoint(ScriptedAmqpPeer peer, string target) : LinkEndpoint
{
    public string Target { get; } = target;

    public override void OnMessage(MessageContext messageContext)
    {
        var answer = peer.Answer;
        peer.Record(new ReceivedTransfer(Target, messageContext.Message));
        switch (answer.Kind)
        {
            case PeerAnswerKind.Hold:
                peer.HoldForLater(messageContext);
                break;
            case PeerAnswerKind.CloseConnection:
                messageContext.Link.Session.Connection.Close(TimeSpan.Zero,
                    new Error(ErrorCode.ConnectionForced) { Description = "closed by script" });
                break;
            default:
                Dispose(messageContext, answer);
                break;
        }
    }

    public override void OnFlow(FlowContext flowContext)
    {
    }

    /// <summary>The client settled a delivery itself (e.g. cancelled it as released after a timeout).</summary>
    public override void OnDisposition(DispositionContext dispositionContext) =>
        peer.RecordClientDisposition(dispositionContext.Message, dispositionContext.Settled);

    public override void OnLinkClosed(ListenerLink link, Error error) => peer.Forget(link);

    internal static void Dispose(MessageContext messageContext, PeerAnswer answer) =>
        messageContext.Link.DisposeMessage(messageContext.Message, answer.ToDeliveryState(), true);
}
