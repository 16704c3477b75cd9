using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace HonoMqtt.Adapter.Commands.Embedded;

/// <summary>Settles a command an application sent to the embedded endpoint (restoring the link's credit).</summary>
internal sealed class ListenerCommandSettlement(ListenerLink link, Message message) : CommandSettlement
{
    protected override void OnAccept() => Dispose(new Accepted());

    protected override void OnReject(Error error) => Dispose(new Rejected { Error = error });

    protected override void OnRelease() => Dispose(new Released());

    private void Dispose(DeliveryState state)
    {
        try
        {
            link.DisposeMessage(message, state, settled: true);
        }
        catch (Exception e) when (e is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            // the application is gone; its delivery went with it
        }
    }
}
