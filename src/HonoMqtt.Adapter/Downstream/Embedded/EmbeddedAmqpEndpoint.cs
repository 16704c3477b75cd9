using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Listener;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// The adapter's own AMQP 1.0 endpoint for business applications, used when no messaging network is configured.
/// Applications attach receivers on any address (<c>telemetry/TENANT</c>, <c>event/TENANT</c>, later
/// <c>command_response/TENANT/REPLY-ID</c>); <see cref="SendAsync"/> delivers each message to one of the receivers on
/// exactly that address that has credit, round-robin. Nothing is queued: without such a receiver a send fails at once
/// with 503 "no consumer available", as Hono does without credit.
/// </summary>
/// <remarks>
/// <para>SASL: PLAIN with <see cref="MessagingOptions.Username"/>/<see cref="MessagingOptions.Password"/> if set,
/// otherwise ANONYMOUS. Either way clients must use SASL (AMQPNetLite clients: <c>SaslProfile.Anonymous</c>).</para>
/// <para>Settlement: transfers go unsettled unless the receiver attached with snd-settle-mode <c>settled</c>. Without
/// <c>waitForOutcome</c> the send still goes unsettled (as Hono sends QoS 0 telemetry) so consumers see one delivery
/// mode; the outcome is ignored, and after <see cref="MessagingOptions.SendMessageTimeout"/> the transfer is settled
/// locally as released, which bounds what the session keeps.</para>
/// </remarks>
public sealed class EmbeddedAmqpEndpoint : IDownstreamSender, IHostedService, IAsyncDisposable
{
    private const int PortProbeAttempts = 5;
    private static readonly Task<SendOutcome> NoConsumer = Task.FromResult(SendOutcome.Failed(HonoError.NoConsumer));

    private readonly MessagingOptions _options;
    private readonly ILogger<EmbeddedAmqpEndpoint> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConsumerRegistry _registry = new();
    private readonly ApplicationLinkProcessor _linkProcessor;
    private readonly IAdapterMetrics? _metrics;
    private readonly Lock _lifecycle = new();
    private ContainerHost? _host;
    private volatile bool _listening;
    private bool _disposed;

    public EmbeddedAmqpEndpoint(MessagingOptions options, ILogger<EmbeddedAmqpEndpoint> logger, TimeProvider timeProvider,
        IAdapterMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        var sendTimeout = TimeSpan.FromMilliseconds(options.SendMessageTimeout);
        _linkProcessor = new ApplicationLinkProcessor(
            _registry,
            (link, address) => new ConsumerLinkEndpoint(link, address, sendTimeout, options.MaxUnsettledPerLink, timeProvider, logger,
                metrics is null ? null : metrics.ReportAmqpTimeout),
            logger);
    }

    /// <summary>The port actually listened on (useful with <see cref="MessagingOptions.EmbeddedPort"/> 0); 0 before start.</summary>
    public int BoundPort { get; private set; }

    /// <summary>True while listening.</summary>
    public bool IsReady => _listening;

    /// <summary>
    /// Takes over attaches of applications that want to send (e.g. commands); null refuses them with
    /// <c>amqp:not-allowed</c>. May be set at any time; it is read on every such attach.
    /// </summary>
    public IApplicationSenderLinkHandler? SenderLinkHandler
    {
        get => _linkProcessor.SenderLinkHandler;
        set => _linkProcessor.SenderLinkHandler = value;
    }

    /// <summary>Opens the listener on <see cref="MessagingOptions.EmbeddedBindAddress"/>:<see cref="MessagingOptions.EmbeddedPort"/>.</summary>
    /// <exception cref="SocketException">The port cannot be bound.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_host is not null)
            {
                throw new InvalidOperationException("The embedded AMQP endpoint is already started.");
            }

            if (!ListenerLinkCredit.IsAvailable)
            {
                _logger.CreditFieldMissing();
            }

            var bindAddress = IPAddress.Parse(_options.EmbeddedBindAddress);
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var port = _options.EmbeddedPort != 0 ? _options.EmbeddedPort : ProbeFreePort(bindAddress);
                var host = CreateHost(bindAddress, port);
                try
                {
                    host.Open();
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse
                                                && _options.EmbeddedPort == 0 && attempt < PortProbeAttempts)
                {
                    // Someone took the probed port before we bound it.
                    CloseQuietly(host);
                    _logger.PortTaken(port, attempt);
                    continue;
                }

                _host = host;
                BoundPort = port;
                _listening = true;
                _logger.Listening(_options.EmbeddedBindAddress, port, _options.Username is null ? "ANONYMOUS" : "PLAIN");
                return Task.CompletedTask;
            }
        }
    }

    /// <summary>Closes the listener and every application connection; unsettled sends fail with 503 "not processed".</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        ContainerHost? host;
        lock (_lifecycle)
        {
            host = _host;
            _host = null;
            _listening = false;
        }

        if (host is null)
        {
            return Task.CompletedTask;
        }

        CloseQuietly(host); // closes the listen socket and sends close to every connection without waiting
        foreach (var endpoint in _registry.All())
        {
            _registry.Remove(endpoint);
            endpoint.Close(null);
        }

        _logger.Stopped();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lifecycle)
        {
            _disposed = true;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Fails at once with 503 "no consumer available" when not listening or when no receiver on exactly
    /// <paramref name="address"/> has credit. Pre-settled consumers count as accepted on send.
    /// Cancelling only stops the wait; the transfer itself is not recalled.
    /// </remarks>
    public Task<SendOutcome> SendAsync(string address, Message message, bool waitForOutcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();

        var group = _listening ? _registry.Find(address) : null;
        var members = group?.Members;
        if (group is null || members is not { Length: > 0 })
        {
            _metrics?.ReportAmqpNoCredit(address);
            return NoConsumer;
        }

        var encoded = message.Encode();
        var start = group.NextStart(members.Length);
        for (var i = 0; i < members.Length; i++)
        {
            var outcome = members[(start + i) % members.Length].TrySend(encoded, waitForOutcome);
            if (outcome is not null)
            {
                return outcome.IsCompleted ? outcome : outcome.WaitAsync(cancellationToken);
            }
        }

        _metrics?.ReportAmqpNoCredit(address);
        return NoConsumer;
    }

    /// <summary>The summed positive credit of the receivers on <paramref name="address"/> (diagnostics and tests).</summary>
    internal int GetCredit(string address) =>
        _registry.Find(address)?.Members.Sum(member => Math.Max(member.Credit, 0)) ?? 0;

    /// <summary>The number of receivers attached on <paramref name="address"/> (diagnostics and tests).</summary>
    internal int GetConsumerCount(string address) => _registry.Find(address)?.Members.Length ?? 0;

    private static int ProbeFreePort(IPAddress bindAddress)
    {
        // AMQPNetLite does not expose its listen socket, so we ask the OS for a free port first and bind that;
        // StartAsync retries if another process takes it in between.
        using var probe = new Socket(bindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(bindAddress, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static void CloseQuietly(ContainerHost host)
    {
        try
        {
            host.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or AmqpException)
        {
            // closing is best effort
        }
    }

    private ContainerHost CreateHost(IPAddress bindAddress, int port)
    {
        var host = new ContainerHost(new Address(bindAddress.ToString(), port, null, null, "/", "amqp"));
        var listener = host.Listeners[0];
        listener.AMQP.ContainerId = string.IsNullOrWhiteSpace(_options.Name) ? "hono-mqtt-" + Environment.MachineName : _options.Name;
        if (_options.IdleTimeout > 0)
        {
            listener.AMQP.IdleTimeout = _options.IdleTimeout;
        }

        if (_options.Username is { } username)
        {
            listener.SASL.EnablePlainMechanism(username, _options.Password ?? string.Empty);
        }
        else
        {
            listener.SASL.EnableAnonymousMechanism = true;
        }

        host.RegisterLinkProcessor(_linkProcessor);
        return host;
    }
}
