using Amqp;
using Amqp.Framing;

namespace HonoMqtt.Adapter.Commands.Amqp;

/// <summary>Settles a command received from an external network (restoring the receiver's credit; a no-op for pre-settled deliveries).</summary>
internal sealed class ReceiverCommandSettlement(ReceiverLink link, Message message) : CommandSettlement
{
    protected override void OnAccept() => Run(() => link.Accept(message));

    protected override void OnReject(Error error) => Run(() => link.Reject(message, error));

    protected override void OnRelease() => Run(() => link.Release(message));

    private static void Run(Action dispose)
    {
        try
        {
            dispose();
        }
        catch (Exception e) when (e is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            // the link or connection is gone; the network redelivers or drops the command as it does for lost links
        }
    }
}
