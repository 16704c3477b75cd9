using Amqp.Listener;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// Takes over attaches of applications that want to <em>send</em> to the embedded endpoint (e.g. commands on
/// <c>command/TENANT</c>). Without a handler, or when it declines, such attaches are refused with
/// <c>amqp:not-allowed</c>.
/// </summary>
public interface IApplicationSenderLinkHandler
{
    /// <summary>
    /// Runs on the connection's I/O pump: must not block. Return true to take the attach over; the handler must then
    /// call <see cref="AttachContext.Complete(LinkEndpoint, int)"/> or <see cref="AttachContext.Complete(Amqp.Framing.Error)"/>.
    /// Return false to have it refused with <c>amqp:not-allowed</c>.
    /// </summary>
    bool TryAttach(AttachContext attachContext);
}
