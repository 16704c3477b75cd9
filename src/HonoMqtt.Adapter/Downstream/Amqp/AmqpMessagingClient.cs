using Amqp;
using Amqp.Sasl;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// The client for an external AMQP 1.0 messaging network (<c>hono:messaging</c>): one connection and session,
/// one lazily attached sender link per address, reconnect forever with Hono's back-off.
/// </summary>
/// <remarks>
/// <para>One owner task connects, waits for the loss of the connection and reconnects; library callbacks only
/// signal it. <see cref="StartAsync"/> does not wait for the connection; <see cref="IsReady"/> tells whether it is up.</para>
/// <para><see cref="SendAsync"/> never throws for expected failures (only <see cref="OperationCanceledException"/>
/// when the caller cancels): not connected → 503; more than <c>maxUnsettledPerLink</c> deliveries in flight on the link →
/// 503 "no consumer available"; otherwise the outcome, mapped as in Hono. Messages are never re-sent.</para>
/// </remarks>
public sealed class AmqpMessagingClient : IDownstreamSender, IHostedService, IAsyncDisposable
{
    private readonly MessagingOptions _options;
    private readonly ILogger<AmqpMessagingClient> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly AddressRewriter _rewriter;
    private readonly ConnectionFactory _factory;
    private readonly Address _address;
    private readonly LinkSettings _linkSettings;
    private readonly ReconnectBackoff _backoff;
    private readonly ResiliencePipeline<AmqpConnectionScope?> _connectPipeline;
    private readonly AmqpSendCounters _counters;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _lifecycle = new();
    private AmqpConnectionScope? _scope;
    private Task? _owner;
    private bool _disposed;

    public AmqpMessagingClient(MessagingOptions options, ILogger<AmqpMessagingClient> logger, TimeProvider timeProvider,
        IAdapterMetrics? metrics = null)
    {
        _counters = new AmqpSendCounters(metrics);
        ArgumentNullException.ThrowIfNull(options);
        if (options.UsesEmbeddedEndpoint)
        {
            throw new ArgumentException("hono:messaging:host is required for the external AMQP network", nameof(options));
        }

        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _rewriter = AddressRewriter.Identity;
        if (options.AddressRewriteRule is { Length: > 0 } rule)
        {
            _rewriter = AddressRewriter.TryCreate(rule, out var rewriter, out var error)
                ? rewriter
                : throw new ArgumentException($"hono:messaging:addressRewriteRule is invalid: {error}", nameof(options));
        }

        ContainerId = string.IsNullOrWhiteSpace(options.Name) ? $"hono-mqtt-{Environment.MachineName}" : options.Name;
        var user = string.IsNullOrEmpty(options.Username) ? null : options.Username;
        _address = new Address(options.Host, options.Port, user, user is null ? null : options.Password ?? string.Empty, "/", "amqp");
        _factory = new ConnectionFactory();
        _factory.AMQP.ContainerId = ContainerId;
        _factory.AMQP.IdleTimeout = options.IdleTimeout > 0 ? options.IdleTimeout : -1;
        if (user is null)
        {
            _factory.SASL.Profile = SaslProfile.Anonymous;
        }

        _linkSettings = new LinkSettings(options.MaxUnsettledPerLink, TimeSpan.FromMilliseconds(options.SendMessageTimeout),
            TimeSpan.FromMilliseconds(options.LinkEstablishmentTimeout), timeProvider);
        _backoff = new ReconnectBackoff(options);
        _connectPipeline = BuildConnectPipeline();
    }

    /// <summary>The AMQP container id sent in <c>open</c>.</summary>
    public string ContainerId { get; }

    /// <inheritdoc />
    public bool IsReady => Volatile.Read(ref _scope) is { IsOpen: true };

    /// <summary>Sends refused because the link had <c>maxUnsettledPerLink</c> deliveries in flight (Hono's <c>hono.amqp.nocredit</c>).</summary>
    public long NoCreditCount => _counters.NoCredit;

    /// <summary>Deliveries without an outcome within <c>sendMessageTimeout</c>, QoS 0 included (Hono's <c>hono.amqp.timeout</c>).</summary>
    public long TimeoutCount => _counters.Timeouts;

    /// <summary>Deliveries sent whose outcome is not known yet, over all links.</summary>
    public int InFlightCount => _counters.InFlight;

    /// <summary>Connections established so far (1 after the first connect; +1 per reconnect).</summary>
    public long ConnectCount => _counters.Connects;

    /// <summary>The current connection, if any (tests).</summary>
    internal AmqpConnectionScope? CurrentScope => Volatile.Read(ref _scope);

    /// <inheritdoc />
    public Task<SendOutcome> SendAsync(string address, Message message, bool waitForOutcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();

        var scope = Volatile.Read(ref _scope);
        if (scope is not { IsOpen: true })
        {
            _logger.NotConnected(address);
            return Task.FromResult(SendOutcome.Failed(HonoError.TemporarilyUnavailable));
        }

        return scope.SendAsync(address, message, waitForOutcome, cancellationToken);
    }

    /// <summary>Starts the owner task that connects and reconnects; returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_owner is null && !_stopping.IsCancellationRequested)
            {
                _owner = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Ends the owner task, closing links and the connection; pending sends complete with 503.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? owner;
        lock (_lifecycle)
        {
            owner = _owner;
        }

        // Outside the lock: Cancel runs the owner loop's continuation inline.
        _stopping.Cancel();

        if (owner is not null)
        {
            await owner.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // _stopping is not disposed: it has no timer, and a late StopAsync must still be able to call Cancel.
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            var delay = TimeSpan.Zero;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _timeProvider, stop).ConfigureAwait(false);
                    }

                    delay = _backoff.AfterConnectionLoss;
                    var scope = await _connectPipeline.ExecuteAsync(static (self, ct) => self.ConnectOnceAsync(ct), this, stop)
                        .ConfigureAwait(false);
                    if (scope is null)
                    {
                        continue;
                    }

                    // On stop the scope stays published until CloseCurrentAsync closes it.
                    Volatile.Write(ref _scope, scope);
                    var error = await scope.Lost.WaitAsync(stop).ConfigureAwait(false);
                    Volatile.Write(ref _scope, null);
                    _logger.ConnectionLost(_options.Host!, _options.Port, error?.Condition, error?.Description);
                    scope.Abandon();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    _logger.OwnerLoopFailed(e);
                    delay = TimeSpan.FromMilliseconds(Math.Max(_options.ReconnectMaxDelay, 100));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await CloseCurrentAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseCurrentAsync()
    {
        var scope = Interlocked.Exchange(ref _scope, null);
        if (scope is null)
        {
            return;
        }

        try
        {
            await scope.CloseAsync(TimeSpan.FromMilliseconds(_options.ConnectTimeout), CancellationToken.None).ConfigureAwait(false);
            _logger.ConnectionClosed(_options.Host!, _options.Port);
        }
        catch (Exception e)
        {
            _logger.OwnerLoopFailed(e);
        }
    }

    /// <summary>One connection attempt; failures are logged and returned as null (Polly retries on null).</summary>
    private async ValueTask<AmqpConnectionScope?> ConnectOnceAsync(CancellationToken stop)
    {
        var host = _options.Host!;
        _logger.Connecting(host, _options.Port, ContainerId, _address.User is null ? "ANONYMOUS" : "PLAIN");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.ConnectTimeout), _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        var attempt = new ConnectAttempt();
        Task<Connection>? connecting = null;
        try
        {
            connecting = _factory.CreateAsync(_address, linked.Token, attempt);

            // WaitAsync as well: the library's token does not cover the SASL exchange, which can hang on a silent peer.
            var connection = await connecting.WaitAsync(linked.Token).ConfigureAwait(false);
            attempt.Release();
            try
            {
                var scope = new AmqpConnectionScope(connection, _rewriter.Rewrite, _linkSettings, _counters, _logger);
                _counters.CountConnect();
                _logger.Connected(host, _options.Port);
                return scope;
            }
            catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException)
            {
                connection.Close(TimeSpan.Zero);
                _logger.ConnectFailed(host, _options.Port, e.Message);
                return null;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            attempt.Abort();
            CloseWhenEstablished(connecting);
            throw;
        }
        catch (OperationCanceledException)
        {
            attempt.Abort();
            CloseWhenEstablished(connecting);
            _logger.ConnectTimedOut(host, _options.Port, _options.ConnectTimeout);
            return null;
        }
        catch (Exception e)
        {
            _logger.ConnectFailed(host, _options.Port, e.Message);
            return null;
        }
    }

    /// <summary>An attempt given up on may still complete: close that connection and observe any failure.</summary>
    private static void CloseWhenEstablished(Task<Connection>? connecting)
    {
        if (connecting is null || connecting.IsCanceled)
        {
            return;
        }

        _ = connecting.ContinueWith(static t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                try
                {
                    t.Result.Close(TimeSpan.Zero);
                }
                catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException or IOException)
                {
                    // closed anyway
                }
            }
            else
            {
                _ = t.Exception;
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private ResiliencePipeline<AmqpConnectionScope?> BuildConnectPipeline()
    {
        var retry = new RetryStrategyOptions<AmqpConnectionScope?>
        {
            // A failed attempt is a null result (a value, not an exception); stopping is an OperationCanceledException.
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome is { Exception: null, Result: null }),
            MaxRetryAttempts = int.MaxValue,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(_backoff.AfterFailedAttempt(args.AttemptNumber + 1)),
            OnRetry = args =>
            {
                _logger.ReconnectScheduled((long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1);
                return ValueTask.CompletedTask;
            },
        };
        return new ResiliencePipelineBuilder<AmqpConnectionScope?> { TimeProvider = _timeProvider }.AddRetry(retry).Build();
    }
}
