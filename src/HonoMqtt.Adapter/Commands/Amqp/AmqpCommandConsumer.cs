using Amqp;
using Amqp.Sasl;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Downstream.Amqp;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands.Amqp;

/// <summary>
/// Command reception from an external AMQP 1.0 network (docs/architecture.md, "Command routing"): its own connection
/// (same <c>hono:messaging</c> options as the messaging client) and, while subscriptions of this instance need them,
/// receiver links on <c>command/&lt;tenant&gt;/&lt;device&gt;</c> for every device this instance holds a subscription for
/// (for a gateway's <c>+</c>: the gateway and each device it may act for), plus Hono's <c>command/&lt;tenant&gt;</c>,
/// whose commands for devices of other instances are forwarded to their device addresses (<see cref="CommandForwarder"/>).
/// The broker or router does the routing between instances: only the instance holding a device's session consumes its address.
/// </summary>
public sealed class AmqpCommandConsumer : ICommandConsumers, IHostedService, IAsyncDisposable
{
    /// <summary>Hono client's default initial credit of a command receiver (tenant addresses).</summary>
    public const int TenantCredit = 200;

    private readonly MessagingOptions _options;
    private readonly CommandDispatcher _dispatcher;
    private readonly CommandForwarder _forwarder;
    private readonly BackgroundWork _background;
    private readonly IGatewayDevices _gatewayDevices;
    private readonly CommandLimits _limits;
    private readonly ILogger<AmqpCommandConsumer> _logger;
    private readonly AddressRewriter _rewriter;
    private readonly ReconnectBackoff _backoff;
    private readonly ConnectionFactory _factory;
    private readonly Address _address;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CommandReceiver> _receivers = new(StringComparer.Ordinal);
    private readonly HashSet<Lease> _wildcardLeases = [];
    private readonly CancellationTokenSource _stopping = new();
    private Session? _session;
    private Task? _owner;

    public AmqpCommandConsumer(MessagingOptions options, CommandDispatcher dispatcher, CommandForwarder forwarder, BackgroundWork background,
        IGatewayDevices gatewayDevices, CommandLimits limits, ILogger<AmqpCommandConsumer> logger)
    {
        _options = options;
        _dispatcher = dispatcher;
        _forwarder = forwarder;
        _background = background;
        _gatewayDevices = gatewayDevices;
        _limits = limits;
        _logger = logger;
        _rewriter = options.AddressRewriteRule is { Length: > 0 } rule && AddressRewriter.TryCreate(rule, out var rewriter, out _)
            ? rewriter
            : AddressRewriter.Identity;
        _backoff = new ReconnectBackoff(options);
        var user = string.IsNullOrEmpty(options.Username) ? null : options.Username;
        _address = new Address(options.Host, options.Port, user, user is null ? null : options.Password ?? string.Empty, "/", "amqp");
        _factory = new ConnectionFactory();
        _factory.AMQP.ContainerId = (string.IsNullOrWhiteSpace(options.Name) ? $"hono-mqtt-{Environment.MachineName}" : options.Name) + "-commands";
        _factory.AMQP.IdleTimeout = options.IdleTimeout > 0 ? options.IdleTimeout : -1;
        if (user is null)
        {
            _factory.SASL.Profile = SaslProfile.Anonymous;
        }

        _gatewayDevices.Changed += OnGatewayDevicesChanged;
    }

    /// <summary>True while connected (subscriptions can be served).</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _session is not null;
            }
        }
    }

    /// <summary>The Hono addresses receivers are open on (tests and diagnostics).</summary>
    public IReadOnlyCollection<string> Addresses
    {
        get
        {
            lock (_gate)
            {
                return [.. _receivers.Keys];
            }
        }
    }

    private TimeSpan LinkTimeout => TimeSpan.FromMilliseconds(_options.LinkEstablishmentTimeout);

    public async Task<ConsumerLeaseResult> AcquireAsync(CommandSubscription subscription, CancellationToken cancellationToken)
    {
        var lease = new Lease(this, subscription);
        IReadOnlyList<CommandReceiver> receivers;
        lock (_gate)
        {
            if (_session is null)
            {
                return ConsumerLeaseResult.Failed(HonoError.TemporarilyUnavailable);
            }

            receivers = Take(AddressesOf(subscription));
            lease.Receivers.AddRange(receivers);
            if (subscription.IsWildcard)
            {
                _wildcardLeases.Add(lease);
            }
        }

        HonoError? error;
        try
        {
            var results = await Task.WhenAll(receivers.Select(r => r.Ready)).WaitAsync(LinkTimeout, cancellationToken).ConfigureAwait(false);
            error = results.FirstOrDefault(r => r is not null);
        }
        catch (TimeoutException)
        {
            error = new HonoError(503, "the messaging network did not attach the command receivers in time");
        }
        catch (OperationCanceledException)
        {
            await lease.ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        if (error is not null)
        {
            await lease.ReleaseAsync().ConfigureAwait(false);
            return ConsumerLeaseResult.Failed(error.Value);
        }

        return new ConsumerLeaseResult(lease, null);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _owner = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_owner is { } owner)
        {
            await owner.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _gatewayDevices.Changed -= OnGatewayDevicesChanged;
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The addresses a subscription needs: each device's, and the tenant's (Hono's form).</summary>
    private List<string> AddressesOf(CommandSubscription subscription)
    {
        var devices = new List<string> { subscription.DeviceId };
        if (subscription.IsWildcard)
        {
            devices.AddRange(_gatewayDevices.DevicesOf(subscription.TenantId, subscription.DeviceId));
        }

        var addresses = devices.Select(d => CommandAddress.ForDevice(subscription.TenantId, d)).ToList();
        addresses.Add(CommandAddress.ForTenant(subscription.TenantId));
        return addresses;
    }

    /// <summary>Counts a reference on the receivers of <paramref name="addresses"/>, attaching new ones; under the lock.</summary>
    private List<CommandReceiver> Take(IEnumerable<string> addresses)
    {
        var result = new List<CommandReceiver>();
        foreach (var address in addresses)
        {
            if (!_receivers.TryGetValue(address, out var receiver))
            {
                receiver = NewReceiver(address);
                _receivers[address] = receiver;
                if (_session is { } session)
                {
                    receiver.Attach(session);
                }
            }

            receiver.References++;
            result.Add(receiver);
        }

        return result;
    }

    /// <summary>Gives references back; receivers nobody needs any more are closed (the returned task waits for that).</summary>
    private Task Give(IEnumerable<CommandReceiver> receivers)
    {
        var closing = new List<Task>();
        lock (_gate)
        {
            foreach (var receiver in receivers)
            {
                if (--receiver.References == 0 && _receivers.Remove(receiver.Address))
                {
                    closing.Add(receiver.CloseAsync(LinkTimeout));
                }
            }
        }

        return Task.WhenAll(closing);
    }

    private CommandReceiver NewReceiver(string address)
    {
        CommandAddress.TryParse(address, out var tenantId, out var deviceId);
        var perDevice = deviceId is not null;
        return new CommandReceiver(
            address,
            _rewriter.Rewrite(address),
            perDevice ? Math.Min(TenantCredit, _limits.PerDevice) : TenantCredit,
            () => new CommandLinkPump(tenantId!, perDevice ? address : null, _dispatcher, perDevice ? null : _forwarder.ForwardAsync, _background, _logger),
            OnReceiverLost,
            _logger);
    }

    /// <summary>A link closed by the peer while still needed: attach it again after a pause, if still on that connection.</summary>
    private void OnReceiverLost(CommandReceiver receiver, Session session)
    {
        _background.Run(async () =>
        {
            await Task.Delay(_backoff.AfterFailedAttempt(3), _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_gate)
            {
                if (!_stopping.IsCancellationRequested && ReferenceEquals(_session, session) && _receivers.TryGetValue(receiver.Address, out var current)
                    && ReferenceEquals(current, receiver))
                {
                    receiver.Attach(session);
                }
            }
        });
    }

    /// <summary>The registry changed: a gateway's <c>+</c> subscriptions follow the devices it may act for now.</summary>
    private void OnGatewayDevicesChanged()
    {
        var released = new List<CommandReceiver>();
        lock (_gate)
        {
            foreach (var lease in _wildcardLeases)
            {
                var wanted = AddressesOf(lease.Subscription).ToHashSet(StringComparer.Ordinal);
                var have = lease.Receivers.Select(r => r.Address).ToHashSet(StringComparer.Ordinal);
                lease.Receivers.AddRange(Take(wanted.Except(have)));
                var gone = lease.Receivers.Where(r => !wanted.Contains(r.Address)).ToList();
                lease.Receivers.RemoveAll(gone.Contains);
                released.AddRange(gone);
            }
        }

        _background.Track(Give(released));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            Connection? connection = null;
            try
            {
                _logger.Connecting(_options.Host!, _options.Port);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(_options.ConnectTimeout);
                connection = await _factory.CreateAsync(_address, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
                var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.AddClosedCallback((_, error) => lost.TrySetResult(error?.ToString() ?? "closed"));
                var session = new Session(connection);
                session.AddClosedCallback((_, error) => lost.TrySetResult(error?.ToString() ?? "session ended"));
                lock (_gate)
                {
                    _session = session;
                    foreach (var receiver in _receivers.Values)
                    {
                        receiver.Attach(session);
                    }
                }

                failures = 0;
                _logger.Connected(_options.Host!, _options.Port);
                var reason = await lost.Task.WaitAsync(stop).ConfigureAwait(false);
                _logger.ConnectionLost(_options.Host!, _options.Port, reason);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // stopping
            }
            catch (Exception e) when (e is AmqpException or IOException or System.Net.Sockets.SocketException or OperationCanceledException
                                           or TimeoutException or InvalidOperationException or ObjectDisposedException)
            {
                failures++;
                _logger.ConnectionLost(_options.Host!, _options.Port, e.Message);
            }
            finally
            {
                lock (_gate)
                {
                    _session = null;
                    foreach (var receiver in _receivers.Values)
                    {
                        receiver.ConnectionLost();
                    }
                }

                CloseQuietly(connection);
            }

            if (!stop.IsCancellationRequested)
            {
                var delay = failures == 0 ? _backoff.AfterConnectionLoss : _backoff.AfterFailedAttempt(failures);
                await Task.Delay(delay, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static void CloseQuietly(Connection? connection)
    {
        try
        {
            connection?.Close(TimeSpan.Zero);
        }
        catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException or IOException)
        {
            // already closed
        }
    }

    /// <summary>The receivers one subscription holds.</summary>
    private sealed class Lease(AmqpCommandConsumer owner, CommandSubscription subscription) : ICommandConsumerLease
    {
        private int _released;

        public CommandSubscription Subscription { get; } = subscription;

        /// <summary>Changed under the owner's lock only.</summary>
        public List<CommandReceiver> Receivers { get; } = [];

        public Task ReleaseAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return Task.CompletedTask;
            }

            List<CommandReceiver> receivers;
            lock (owner._gate)
            {
                owner._wildcardLeases.Remove(this);
                receivers = [.. Receivers];
                Receivers.Clear();
            }

            return owner.Give(receivers);
        }
    }
}
