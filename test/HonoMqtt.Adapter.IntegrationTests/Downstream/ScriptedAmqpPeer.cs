using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Framing;
using Amqp.Handler;
using Amqp.Listener;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>
/// A scripted AMQP 1.0 peer on AMQPNetLite's listener side (<see cref="ContainerHost"/> + <see cref="ILinkProcessor"/>)
/// on a free loopback port. It accepts sender links on any address (or refuses / ignores attaches, see
/// <see cref="Attach"/>), grants <see cref="InitialCredit"/>, answers transfers as <see cref="Answer"/> says and
/// records messages, link targets, SASL principals and container ids.
/// </summary>
public sealed class ScriptedAmqpPeer : ILinkProcessor, IHandler, IDisposable
{
    private readonly string? _user;
    private readonly string? _password;
    private readonly ConcurrentQueue<ReceivedTransfer> _received = new();
    private readonly ConcurrentQueue<string> _attachTargets = new();
    private readonly ConcurrentQueue<string?> _principals = new();
    private readonly ConcurrentQueue<string> _containerIds = new();
    private readonly ConcurrentQueue<MessageContext> _held = new();
    private readonly ConcurrentQueue<string?> _clientDispositions = new();
    private readonly ConcurrentDictionary<ListenerLink, byte> _links = new();
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly object _hostLock = new();
    private ContainerHost? _host;
    private int _connectionsOpened;

    private ScriptedAmqpPeer(int port, string? user, string? password)
    {
        Port = port;
        _user = user;
        _password = password;
    }

    public int Port { get; }

    /// <summary>How the next transfers are answered (read per transfer).</summary>
    public PeerAnswer Answer { get; set; } = PeerAnswer.Accept;

    /// <summary>How the next attaches are answered.</summary>
    public AttachAnswer Attach { get; set; } = AttachAnswer.Accept;

    /// <summary>Credit granted on attach (0 = the client never gets credit until <see cref="GrantCredit"/>).</summary>
    public int InitialCredit { get; set; } = 1000;

    public IReadOnlyCollection<ReceivedTransfer> Received => _received;

    /// <summary>Target address of every attach received, in order (refused ones included).</summary>
    public IReadOnlyCollection<string> AttachTargets => _attachTargets;

    /// <summary>SASL principal name per attach (null when anonymous).</summary>
    public IReadOnlyCollection<string?> Principals => _principals;

    /// <summary>Container id from each <c>open</c> received.</summary>
    public IReadOnlyCollection<string> ContainerIds => _containerIds;

    /// <summary>Message ids of deliveries the client settled itself (cancelled).</summary>
    public IReadOnlyCollection<string?> ClientDispositions => _clientDispositions;

    public int HeldCount => _held.Count;

    public int OpenLinkCount => _links.Count;

    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    public int OpenConnectionCount => _connections.Keys.Count(c => !c.IsClosed);

    /// <summary>Starts a peer on a free loopback port; with <paramref name="user"/> only SASL PLAIN is offered, else ANONYMOUS.</summary>
    public static ScriptedAmqpPeer Start(string? user = null, string? password = null)
    {
        var peer = new ScriptedAmqpPeer(FreePort(), user, password);
        peer.Open();
        return peer;
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Stops listening and closes every connection (the port stays reserved for <see cref="Restart"/>).</summary>
    public void Stop()
    {
        lock (_hostLock)
        {
            _host?.Close();
            _host = null;
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restart()
    {
        Stop();
        Open();
    }

    /// <summary>Closes all client connections with <c>amqp:connection:forced</c>; keeps listening.</summary>
    public void CloseConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            if (!connection.IsClosed)
            {
                connection.Close(TimeSpan.Zero, new Error(ErrorCode.ConnectionForced) { Description = "closed by script" });
            }
        }
    }

    /// <summary>Detaches every open link with <paramref name="condition"/>; the connection stays open.</summary>
    public void DetachLinks(string condition = ErrorCode.DetachForced)
    {
        foreach (var link in _links.Keys)
        {
            link.Close(TimeSpan.Zero, new Error(condition) { Description = "detached by script" });
        }
    }

    /// <summary>Grants <paramref name="credit"/> on every open link.</summary>
    public void GrantCredit(int credit)
    {
        foreach (var link in _links.Keys)
        {
            link.SetCredit(credit, false);
        }
    }

    /// <summary>Answers every held message with <paramref name="answer"/>.</summary>
    public int AnswerHeld(PeerAnswer answer)
    {
        var count = 0;
        while (_held.TryDequeue(out var context))
        {
            ScriptedLinkEndpoint.Dispose(context, answer);
            count++;
        }

        return count;
    }

    public void Dispose() => Stop();

    void ILinkProcessor.Process(AttachContext attachContext)
    {
        var target = (attachContext.Attach.Target as Target)?.Address ?? string.Empty;
        _attachTargets.Enqueue(target);
        _principals.Enqueue(((ListenerConnection)attachContext.Link.Session.Connection).Principal?.Identity?.Name);
        var script = Attach;
        if (script.Ignore)
        {
            return;
        }

        if (script.Refusal is { } error)
        {
            attachContext.Complete(error);
            return;
        }

        if (attachContext.Attach.Role)
        {
            attachContext.Complete(new Error(ErrorCode.NotAllowed) { Description = "this peer only receives" });
            return;
        }

        _links[attachContext.Link] = 0;
        attachContext.Complete(new ScriptedLinkEndpoint(this, target), InitialCredit);
    }

    bool IHandler.CanHandle(EventId id) => id == EventId.ConnectionRemoteOpen;

    void IHandler.Handle(Event protocolEvent)
    {
        if (protocolEvent.Context is Open open)
        {
            _containerIds.Enqueue(open.ContainerId);
        }

        _connections[protocolEvent.Connection] = 0;
        Interlocked.Increment(ref _connectionsOpened);
    }

    internal void Record(ReceivedTransfer transfer) => _received.Enqueue(transfer);

    internal void HoldForLater(MessageContext context) => _held.Enqueue(context);

    internal void RecordClientDisposition(Message message, bool settled)
    {
        if (settled)
        {
            _clientDispositions.Enqueue(message.Properties?.MessageId);
        }
    }

    internal void Forget(ListenerLink link) => _links.TryRemove(link, out _);

    private void Open()
    {
        lock (_hostLock)
        {
            var host = new ContainerHost(new Address("127.0.0.1", Port, null, null, "/", "amqp"));
            var listener = host.Listeners[0];
            if (_user is not null)
            {
                listener.SASL.EnablePlainMechanism(_user, _password ?? string.Empty);
            }
            else
            {
                listener.SASL.EnableAnonymousMechanism = true;
            }

            listener.HandlerFactory = _ => this;
            host.RegisterLinkProcessor(this);
            host.Open();
            _host = host;
        }
    }
}
