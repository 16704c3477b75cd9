using System.Collections.Concurrent;
using System.Net;
using HonoMqtt.Adapter.ConnectionEvents;
using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Hosts MQTTnet's server on our own listener and connects its events to the handlers. Each connection's end is
/// reported exactly once, from whichever comes first: MQTTnet's disconnect event or the end of the connection itself.
/// </summary>
public sealed partial class MqttAdapterServer : IHostedService, IAsyncDisposable
{
    private readonly MqttAdapterOptions _options;
    private readonly ConnectHandler _connect;
    private readonly PublishHandler _publish;
    private readonly SessionTracker _sessions;
    private readonly IConnectionEventProducer _connectionEvents;
    private readonly ICommandSubscriptionHandler _commands;
    private readonly ILogger<MqttAdapterServer> _logger;
    private readonly GuardedTcpServerAdapter _plainListener;
    private readonly MqttServer _server;
    private readonly ConcurrentDictionary<IMqttChannelAdapter, ConnectionContext> _connections = new();
    private readonly ConcurrentDictionary<string, DeviceSession> _pendingByClientId = new(StringComparer.Ordinal);
    private volatile bool _stopping;

    public MqttAdapterServer(
        MqttAdapterOptions options,
        ConnectHandler connect,
        PublishHandler publish,
        SessionTracker sessions,
        IConnectionEventProducer connectionEvents,
        ICommandSubscriptionHandler commands,
        MqttServerAccessor accessor,
        ILoggerFactory loggerFactory)
    {
        _commands = commands;
        _options = options;
        _connect = connect;
        _publish = publish;
        _sessions = sessions;
        _connectionEvents = connectionEvents;
        _logger = loggerFactory.CreateLogger<MqttAdapterServer>();

        // Hono: the packet limit is maxPayloadSize plus 128 bytes for the variable header [MAX_MSG_SIZE_VARIABLE_HEADER_SIZE].
        var endpoint = new IPEndPoint(IPAddress.Parse(options.InsecurePortBindAddress), options.InsecurePort);
        _plainListener = new GuardedTcpServerAdapter(endpoint, options.MaxPayloadSize + 128, loggerFactory.CreateLogger<GuardedTcpServerAdapter>())
        {
            ConnectionOpened = (adapter, channel) => _connections[adapter] = new ConnectionContext(channel),
            ConnectionClosed = OnConnectionClosed,
        };

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultCommunicationTimeout(TimeSpan.FromMilliseconds(options.ConnectTimeout))
            .WithMaxPendingMessagesPerClient(100)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropNewMessage)
            .Build();

        // Each connection's packet writer starts this big and grows for larger packets (up to WriterBufferSizeMax).
        // MQTTnet's 4 KB default is most of an idle connection's memory; the adapter mostly writes CONNACKs and
        // PUBACKs (docs/benchmarks.md: 14 → 9.3 KB RSS per idle connection).
        serverOptions.WriterBufferSize = 256;
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, [_plainListener],
            new MqttNetLoggerAdapter(loggerFactory.CreateLogger("MQTTnet")));
        _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        _server.ClientConnectedAsync += OnClientConnectedAsync;
        _server.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        _server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        accessor.Set(_server);
        _server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        _server.InterceptingUnsubscriptionAsync += OnInterceptingUnsubscriptionAsync;
        _server.ClientAcknowledgedPublishPacketAsync += e => _commands.PublishAcknowledgedAsync(e);
        _server.InterceptingOutboundPacketAsync += OnInterceptingOutboundPacketAsync;
    }

    /// <summary>The plain MQTT port actually bound.</summary>
    public int InsecurePort => _plainListener.BoundPort;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _server.StartAsync().ConfigureAwait(false);
        LogListening(_plainListener.Endpoint.Address, _plainListener.BoundPort, _options.MaxPayloadSize, _options.AuthenticationRequired);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await _plainListener.StopListeningAsync().ConfigureAwait(false);
        await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);

        // Sessions MQTTnet did not report (e.g. still between CONNACK and its connected event) end here.
        foreach (var session in _sessions.All)
        {
            EndSession(session, "shutdown");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsStarted)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _server.Dispose();
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (_stopping)
        {
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            return;
        }

        var session = await _connect.HandleAsync(e).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        e.SessionItems[DeviceSession.ItemKey] = session;
        _pendingByClientId[session.ClientId] = session;
        if (_connections.TryGetValue(e.ChannelAdapter, out var context))
        {
            context.Session = session;
            session.Channel = context.Channel;
        }
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        if (_pendingByClientId.TryRemove(e.ClientId, out var session))
        {
            // On a takeover MQTTnet may keep the old session's items; make sure they name the new session.
            e.SessionItems[DeviceSession.ItemKey] = session;
            _sessions.Established(session);
        }

        return Task.CompletedTask;
    }

    private Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // Runs inside MQTTnet's connect lock on a takeover: only cheap, non-blocking work here.
        if (e.SessionItems[DeviceSession.ItemKey] is DeviceSession session)
        {
            var reason = e.DisconnectType switch
            {
                MqttClientDisconnectType.Clean => "client-disconnect",
                MqttClientDisconnectType.Takeover => "takeover",
                _ => _stopping ? "shutdown" : session.CloseReason ?? (session.Channel?.PacketLimitExceeded == true ? "packet-too-large" : "connection-lost"),
            };
            EndSession(session, reason);
        }

        return Task.CompletedTask;
    }

    private void OnConnectionClosed(IMqttChannelAdapter adapter)
    {
        // The last word on a connection: if MQTTnet never reported its end (e.g. it failed between the validator
        // and the CONNACK), the session ends here, so that every "connected" gets its "disconnected".
        if (_connections.TryRemove(adapter, out var context) && context.Session is { } session)
        {
            EndSession(session, _stopping ? "shutdown" : context.Channel.PacketLimitExceeded ? "packet-too-large" : "connection-lost");
        }
    }

    private async Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        e.ProcessPublish = false;

        // Will messages (and injected ones) come with a token that cannot be cancelled: Hono never publishes Wills.
        if (!e.CancellationToken.CanBeCanceled || e.SessionItems[DeviceSession.ItemKey] is not DeviceSession session)
        {
            return;
        }

        await _publish.HandleAsync(e, session).ConfigureAwait(false);
    }

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[DeviceSession.ItemKey] is not DeviceSession session)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
            return Task.CompletedTask;
        }

        // Filters starting with command/ or c/ are command subscriptions; nothing else is a valid filter yet [Hono onSubscribe].
        var filter = e.TopicFilter.Topic;
        if (filter.StartsWith("command/", StringComparison.Ordinal) || filter.StartsWith("c/", StringComparison.Ordinal))
        {
            return _commands.SubscribeAsync(e, session);
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
        return Task.CompletedTask;
    }

    private Task OnInterceptingUnsubscriptionAsync(InterceptingUnsubscriptionEventArgs e)
    {
        if (e.SessionItems[DeviceSession.ItemKey] is DeviceSession session &&
            (e.Topic.StartsWith("command/", StringComparison.Ordinal) || e.Topic.StartsWith("c/", StringComparison.Ordinal)))
        {
            return _commands.UnsubscribeAsync(e, session);
        }

        e.ProcessUnsubscription = false;
        e.Response.ReasonCode = MqttUnsubscribeReasonCode.UnspecifiedError;
        return Task.CompletedTask;
    }

    private Task OnInterceptingOutboundPacketAsync(InterceptingPacketEventArgs e)
    {
        if (e.Packet is MqttConnAckPacket connAck)
        {
            // Hono keeps no session state: session present is always 0, and there is no retained-message store.
            connAck.IsSessionPresent = false;
            connAck.RetainAvailable = false;
            connAck.MaximumQoS = MqttQualityOfServiceLevel.AtLeastOnce;
        }

        return Task.CompletedTask;
    }

    private void EndSession(DeviceSession session, string reason)
    {
        if (!session.TryEnd())
        {
            return;
        }

        _pendingByClientId.TryRemove(new KeyValuePair<string, DeviceSession>(session.ClientId, session));
        _sessions.Remove(session);
        _commands.SessionEnded(session, shutdown: _stopping);
        _connectionEvents.Disconnected(session, reason);
        LogSessionEnded(session.ToString(), reason);
    }

    [LoggerMessage(231, LogLevel.Information,
        "MQTT listening on {Address}:{Port} (max payload {MaxPayloadSize} bytes, authentication required: {AuthenticationRequired})")]
    private partial void LogListening(IPAddress address, int port, int maxPayloadSize, bool authenticationRequired);

    [LoggerMessage(232, LogLevel.Information, "Session ended: {Session} ({Reason})")]
    private partial void LogSessionEnded(string session, string reason);

    private sealed class ConnectionContext(GuardedChannel channel)
    {
        public GuardedChannel Channel { get; } = channel;

        public DeviceSession? Session { get; set; }
    }
}
