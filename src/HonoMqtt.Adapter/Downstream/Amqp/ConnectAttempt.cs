using System.Net.Sockets;
using Amqp.Handler;
using EventId = Amqp.Handler.EventId;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// Handler for one connection attempt that captures the library's socket, so that a timed-out attempt can be torn
/// down. Needed because <c>ConnectionFactory.CreateAsync</c>'s token does not cover the SASL exchange: against a peer
/// that accepts TCP and then stays silent, the attempt (and its socket) would otherwise live until the peer closes.
/// </summary>
internal sealed class ConnectAttempt : IHandler
{
    private readonly object _lock = new();
    private Socket? _socket;
    private bool _aborted;

    public bool CanHandle(EventId id) => id == EventId.SocketConnect;

    public void Handle(Event protocolEvent)
    {
        if (protocolEvent.Id != EventId.SocketConnect || protocolEvent.Context is not Socket socket)
        {
            return;
        }

        lock (_lock)
        {
            if (!_aborted)
            {
                _socket = socket;
                return;
            }
        }

        socket.Dispose();
    }

    /// <summary>Closes the socket (now, or as soon as it is connected); the pending attempt then fails.</summary>
    public void Abort()
    {
        Socket? socket;
        lock (_lock)
        {
            _aborted = true;
            socket = _socket;
            _socket = null;
        }

        socket?.Dispose();
    }

    /// <summary>The attempt succeeded: stop tracking the socket, which now belongs to the connection.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _socket = null;
        }
    }
}
