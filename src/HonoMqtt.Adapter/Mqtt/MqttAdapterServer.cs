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
    private readonly ErrorSubscriptions _errors;
    private readonly Limits.TenantUsage _usage;
    private readonly Registry.IDeviceRegistry _registry;
    private readonly ILogger<MqttAdapterServer> _logger;
    private readonly GuardedTcpServerAdapter? _plainListener;
    private readonly GuardedTcpServerAdapter? _tlsListener;
    private readonly ServerIdentity? _tlsIdentity;
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
        ErrorSubscriptions errors,
        Limits.TenantUsage usage,
        Registry.IDeviceRegistry registry,
        MqttServerAccessor accessor,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _commands = commands;
        _errors = errors;
        _usage = usage;
        _registry = registry;
        _options = options;
        _connect = connect;
        _publish = publish;
        _sessions = sessions;
        _connectionEvents = connectionEvents;
        _logger = loggerFactory.CreateLogger<MqttAdapterServer>();

        // Hono: the packet limit is maxPayloadSize plus 128 bytes for the variable header [MAX_MSG_SIZE_VARIABLE_HEADER_SIZE].
        var maxRemainingLength = options.MaxPayloadSize + 128;
        var listeners = new List<IMqttServerAdapter>();
        if (options.InsecurePortEnabled)
        {
            var endpoint = new IPEndPoint(IPAddress.Parse(options.InsecurePortBindAddress), options.InsecurePort);
            _plainListener = Listener(endpoint, null);
            listeners.Add(_plainListener);
        }

        if (options.SecurePortEnabled)
        {
            // Validated at start-up (MqttAdapterOptions.Validate); a failure here means the files changed since.
            if (!ServerCertificateLoader.TryLoad(options.CertPath!, options.KeyPath!, out _tlsIdentity, out var error) ||
                !TlsProtocols.TryParse(options.SecureProtocols, out var protocols, out error))
            {
                throw new InvalidOperationException(error);
            }

            var handshake = new TlsServerHandshake(_tlsIdentity, protocols, TimeSpan.FromMilliseconds(options.TlsHandshakeTimeout), timeProvider);
            _tlsListener = Listener(new IPEndPoint(IPAddress.Parse(options.BindAddress), options.Port), handshake);
            listeners.Add(_tlsListener);
        }

        GuardedTcpServerAdapter Listener(IPEndPoint endpoint, TlsServerHandshake? tls) =>
            new(endpoint, maxRemainingLength, loggerFactory.CreateLogger<GuardedTcpServerAdapter>(), tls)
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
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, listeners,
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
        _server.InterceptingInboundPacketAsync += OnInterceptingInboundPacketAsync;
    }

    /// <summary>The plain MQTT port actually bound (0 if it is not open).</summary>
    public int InsecurePort => _plainListener?.BoundPort ?? 0;

    /// <summary>The TLS port actually bound (0 if it is not open).</summary>
    public int SecurePort => _tlsListener?.BoundPort ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _server.StartAsync().ConfigureAwait(false);
        if (_plainListener is { } plain)
        {
            LogListening(plain.Endpoint.Address, plain.BoundPort, _options.MaxPayloadSize, _options.AuthenticationRequired);
        }

        if (_tlsListener is { } secure)
        {
            LogListeningTls(secure.Endpoint.Address, secure.BoundPort, _options.SecureProtocols, _tlsIdentity!.Certificate.Subject,
                _tlsIdentity.Certificate.NotAfter.ToUniversalTime());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        foreach (var listener in new[] { _plainListener, _tlsListener })
        {
            if (listener is not null)
            {
                await listener.StopListeningAsync().ConfigureAwait(false);
            }
        }

        await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);

        // Sessions MQTTnet did not report (e.g. still between CONNACK and its connected event) end here.
        foreach (var session in _sessions.All)
        {
            EndSession(session, "shutdown");
        }

        // Every session's "disconnected" event goes out before this service is done, whatever order the host
        // stops the others in (the messaging network stops after us).
        await _connectionEvents.DrainAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsStarted)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _server.Dispose();
        _tlsIdentity?.Dispose();
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (_stopping)
        {
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            return;
        }

        _connections.TryGetValue(e.ChannelAdapter, out var context);
        var session = await _connect.HandleAsync(e, context?.Channel).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        e.SessionItems[DeviceSession.ItemKey] = session;
        _pendingByClientId[session.ClientId] = session;
        if (context is not null)
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

        if (Protocol.ErrorSubscriptionFilter.IsErrorFilter(filter))
        {
            return _errors.SubscribeAsync(e, session);
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

        if (e.SessionItems[DeviceSession.ItemKey] is DeviceSession errorSession && Protocol.ErrorSubscriptionFilter.IsErrorFilter(e.Topic))
        {
            _errors.Unsubscribe(e, errorSession);
            return Task.CompletedTask;
        }

        e.ProcessUnsubscription = false;
        e.Response.ReasonCode = MqttUnsubscribeReasonCode.UnspecifiedError;
        return Task.CompletedTask;
    }

    private static Task OnInterceptingInboundPacketAsync(InterceptingPacketEventArgs e)
    {
        // The publish interceptor does not get the packet id; it runs right after this one on the same receive loop.
        if (e.Packet is MqttPublishPacket publish && e.SessionItems[DeviceSession.ItemKey] is DeviceSession session)
        {
            session.CurrentPacketId = publish.PacketIdentifier;
        }
        else if (e.Packet is MqttSubscribePacket subscribe && SubAckOrder.Permutation(subscribe) is { } permutation &&
                 e.SessionItems[DeviceSession.ItemKey] is DeviceSession subscriber)
        {
            subscriber.SubAckPermutations[subscribe.PacketIdentifier] = permutation;
        }

        return Task.CompletedTask;
    }

    private static Task OnInterceptingOutboundPacketAsync(InterceptingPacketEventArgs e)
    {
        if (e.Packet is MqttSubAckPacket subAck && e.SessionItems[DeviceSession.ItemKey] is DeviceSession { SubAckPermutations.IsEmpty: false } s &&
            s.SubAckPermutations.TryRemove(subAck.PacketIdentifier, out var permutation))
        {
            subAck.ReasonCodes = SubAckOrder.Restore(subAck.ReasonCodes, permutation);
            return Task.CompletedTask;
        }

        if (e.Packet is MqttPubAckPacket ack && e.SessionItems[DeviceSession.ItemKey] is DeviceSession { SuppressedPubAcks.IsEmpty: false } session &&
            session.SuppressedPubAcks.TryRemove(ack.PacketIdentifier, out _))
        {
            e.ProcessPacket = false;   // on-error=skip-ack
            return Task.CompletedTask;
        }

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
        if (session.Identity is { } identity && _registry.GetTenantAsync(identity.TenantId, CancellationToken.None) is { IsCompletedSuccessfully: true } tenant)
        {
            _usage.SessionEnded(session, tenant.Result);
        }

        _commands.SessionEnded(session, shutdown: _stopping);
        _connectionEvents.Disconnected(session, reason);
        LogSessionEnded(session.ToString(), reason);
    }

    [LoggerMessage(231, LogLevel.Information,
        "MQTT listening on {Address}:{Port} (max payload {MaxPayloadSize} bytes, authentication required: {AuthenticationRequired})")]
    private partial void LogListening(IPAddress address, int port, int maxPayloadSize, bool authenticationRequired);

    [LoggerMessage(233, LogLevel.Information, "MQTT over TLS listening on {Address}:{Port} ({Protocols}, certificate {Subject}, valid until {NotAfter:u})")]
    private partial void LogListeningTls(IPAddress address, int port, string protocols, string subject, DateTime notAfter);

    [LoggerMessage(232, LogLevel.Information, "Session ended: {Session} ({Reason})")]
    private partial void LogSessionEnded(string session, string reason);

    private sealed class ConnectionContext(GuardedChannel channel)
    {
        public GuardedChannel Channel { get; } = channel;

        public DeviceSession? Session { get; set; }
    }
}
