using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// One cached sender link (snd-settle-mode unsettled, rcv-settle-mode first) to one target address, with a bound
/// of <c>maxUnsettledPerLink</c> deliveries in flight. The attach is started once, on first use, and shared by all
/// concurrent first users. Callbacks from the library run on the connection pump: they only complete tasks,
/// touch counters and log.
/// </summary>
internal sealed class DownstreamSenderLink
{
    private static readonly OutcomeCallback OnOutcomeCallback = OnOutcome;
    private static readonly Task<SendOutcome> AcceptedTask = Task.FromResult(SendOutcome.Accepted);
    private static readonly Task<SendOutcome> NoConsumerTask = Task.FromResult(SendOutcome.Failed(HonoError.NoConsumer));
    private static readonly Task<SendOutcome> UnavailableTask = Task.FromResult(SendOutcome.Failed(HonoError.TemporarilyUnavailable));

    private readonly Session _session;
    private readonly LinkSettings _settings;
    private readonly AmqpSendCounters _counters;
    private readonly ILogger _logger;
    private readonly Action<DownstreamSenderLink> _onClosed;
    private readonly Lazy<Task<HonoError?>> _attach;
    private readonly TaskCompletionSource<HonoError?> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SenderLink? _link;
    private int _inFlight;
    private int _abandoned;
    private int _full;
    private int _closed;

    public DownstreamSenderLink(Session session, string key, string name, string target, LinkSettings settings,
        AmqpSendCounters counters, ILogger logger, Action<DownstreamSenderLink> onClosed)
    {
        _session = session;
        Key = key;
        Name = name;
        Target = target;
        _settings = settings;
        _counters = counters;
        _logger = logger;
        _onClosed = onClosed;
        _attach = new Lazy<Task<HonoError?>>(AttachAsync);
    }

    /// <summary>The cache key: the Hono address before rewriting.</summary>
    public string Key { get; }

    public string Name { get; }

    public string Target { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Deliveries whose outcome is still awaited (they hold a slot).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Timed-out deliveries the library still holds because they were already transferred (see <see cref="OnDeliveryTimeout"/>).</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>Attaches the link on first call; completes with null once attached, or with the failure.</summary>
    public Task<HonoError?> EnsureAttachedAsync() => _attach.Value;

    public Task<SendOutcome> SendAsync(Message message, bool waitForOutcome, CancellationToken cancellationToken)
    {
        var link = Volatile.Read(ref _link);
        if (link is null || IsClosed)
        {
            return UnavailableTask;
        }

        if (!TryReserveSlot())
        {
            _counters.CountNoCredit(Key);
            _logger.SendFailed(Target, HonoError.NoConsumer.ToString());
            return NoConsumerTask;
        }

        var pending = new PendingDelivery(this, message, waitForOutcome);
        try
        {
            // The callback overload: SendAsync hangs forever on "rejected" without an error (AMQPNetLite 2.5.5).
            link.Send(message, OnOutcomeCallback, pending);
        }
        catch (Exception e) when (IsClosing(link))
        {
            pending.TryComplete(SendOutcome.Failed(HonoError.TemporarilyUnavailable));
            _logger.SendFailed(Target, $"{HonoError.TemporarilyUnavailable} ({e.Message})");
            return UnavailableTask;
        }
        catch (Exception e)
        {
            // e.g. a message that cannot be encoded: our bug, not the network's.
            pending.TryComplete(SendOutcome.Failed(HonoError.InternalError));
            _logger.SendBug(Target, e);
            return Task.FromResult(SendOutcome.Failed(HonoError.InternalError));
        }

        pending.StartTimer(_settings.TimeProvider, _settings.SendTimeout);
        return waitForOutcome ? AwaitOutcomeAsync(pending, cancellationToken) : AcceptedTask;
    }

    /// <summary>Closes the link without waiting for the peer; pending deliveries complete with 503.</summary>
    public void CloseQuietly()
    {
        MarkClosed();
        try
        {
            Volatile.Read(ref _link)?.Close(TimeSpan.Zero);
        }
        catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException)
        {
            // already closing or the session is gone: nothing left to release
        }
    }

    internal void ReleaseSlot()
    {
        var left = Interlocked.Decrement(ref _inFlight);
        _counters.AddInFlight(-1);
        if (left <= _settings.MaxInFlight / 2 && Volatile.Read(ref _full) != 0 && Interlocked.Exchange(ref _full, 0) != 0)
        {
            _logger.LinkRecovered(Target);
        }
    }

    /// <summary>The <c>sendMessageTimeout</c> timer fired (thread pool, not the pump).</summary>
    internal void OnDeliveryTimeout(PendingDelivery pending)
    {
        var link = Volatile.Read(ref _link);
        var closing = link is null || IsClosed || IsClosing(link);
        if (!pending.TryComplete(SendOutcome.Failed(closing ? HonoError.TemporarilyUnavailable : HonoError.SendTimeout)))
        {
            return;
        }

        _counters.CountTimeout(Key);
        if (!pending.WaitsForOutcome)
        {
            _logger.UnwaitedSendFailed(Target, HonoError.SendTimeout.ToString());
        }

        if (closing || link is null)
        {
            return;
        }

        if (pending.Message.DeliveryTag is null)
        {
            // Still queued in the link for lack of credit: drop it so it is not sent after we reported a failure.
            CancelQueued(link, pending.Message);
            return;
        }

        // Already transferred. SenderLink.Cancel must not be used here: in 2.5.5 it removes the delivery from the
        // link's queue although it sits in the session's unsettled list, which corrupts that list (the oldest one:
        // every other unsettled delivery of the session loses its outcome; the newest: NullReferenceException).
        // So the library keeps it until the peer settles it; a late outcome is ignored. If the peer keeps that many
        // deliveries unsettled, the link is recycled, which releases them all safely.
        if (pending.TryMarkAbandoned() && Interlocked.Increment(ref _abandoned) >= _settings.MaxInFlight)
        {
            _logger.SendFailed(Target, $"{_settings.MaxInFlight} deliveries without outcome after the timeout; re-attaching the link");
            CloseQuietly();
        }
    }

    private static void CancelQueued(SenderLink link, Message message)
    {
        try
        {
            link.Cancel(message);
        }
        catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException or NullReferenceException)
        {
            // the link closed meanwhile; it releases its queue itself
        }
    }

    private static void OnOutcome(ILink sender, Message message, Outcome outcome, object state)
    {
        // Runs on the connection pump: no blocking, no library calls.
        var pending = (PendingDelivery)state;
        var self = pending.Link;
        var result = AmqpOutcomeMapper.FromOutcome(outcome, sender is Link link && IsClosing(link));
        if (!pending.TryComplete(result))
        {
            if (pending.LateOutcomeArrived())
            {
                Interlocked.Decrement(ref self._abandoned);
            }

            return;
        }

        if (!result.Succeeded && !pending.WaitsForOutcome)
        {
            self._logger.UnwaitedSendFailed(self.Target, result.ToString());
        }
    }

    /// <summary>
    /// The link, its session or its connection is ending. The session counts too: when the peer ends the session or the
    /// connection (e.g. a broker shutting down), AMQPNetLite marks the session ended before its links, and a send in
    /// between fails in the session ("Operation 'Send' is not valid under state: End", or the peer's error) while the
    /// link still looks attached. That is the network going away (503), not a bug of ours.
    /// </summary>
    private static bool IsClosing(Link link) =>
        link.IsClosed || link.LinkState >= LinkState.DetachPipe
        || link.Session is { } session && (session.IsClosed || session.SessionState >= SessionState.EndReceived || session.Connection.IsClosed);

    private async Task<SendOutcome> AwaitOutcomeAsync(PendingDelivery pending, CancellationToken cancellationToken)
    {
        var outcome = await pending.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            _logger.SendFailed(Target, outcome.ToString());
        }

        return outcome;
    }

    private bool TryReserveSlot()
    {
        if (Interlocked.Increment(ref _inFlight) > _settings.MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            if (Interlocked.Exchange(ref _full, 1) == 0)
            {
                _logger.LinkFull(Target, _settings.MaxInFlight);
            }

            return false;
        }

        _counters.AddInFlight(1);
        return true;
    }

    private async Task<HonoError?> AttachAsync()
    {
        try
        {
            var attach = new Attach
            {
                Source = new Source(),
                // Events are durable: a broker that creates queues on attach (RabbitMQ's "/queue/...") then creates a
                // durable one, so that accepted events survive a broker restart. Peers that route ignore the hint.
                Target = new Target { Address = Target, Durable = Key.StartsWith("event/", StringComparison.Ordinal) ? 1u : 0u },
                SndSettleMode = SenderSettleMode.Unsettled,
                RcvSettleMode = ReceiverSettleMode.First,
            };
            var link = new SenderLink(_session, Name, attach, OnAttached);
            Volatile.Write(ref _link, link);
            link.AddClosedCallback(OnLinkClosed);
        }
        catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException)
        {
            // the session or connection is gone
            MarkClosed();
            _logger.LinkRefused(Target, (e as AmqpException)?.Error?.Condition, e.Message);
            return HonoError.TemporarilyUnavailable;
        }

        try
        {
            var error = await _attached.Task.WaitAsync(_settings.AttachTimeout, _settings.TimeProvider).ConfigureAwait(false);
            if (error is null)
            {
                _logger.LinkAttached(Name, Target);
            }

            return error;
        }
        catch (TimeoutException)
        {
            _attached.TrySetResult(HonoError.TemporarilyUnavailable); // a late detach is then not logged as a refusal
            _logger.LinkAttachTimedOut(Target, (int)_settings.AttachTimeout.TotalMilliseconds);
            CloseQuietly();
            return HonoError.TemporarilyUnavailable;
        }
    }

    private void OnAttached(ILink link, Attach remote)
    {
        // A refusing peer answers with a null terminus and then detaches with the reason: wait for OnLinkClosed.
        if (remote.Target is not null)
        {
            _attached.TrySetResult(null);
        }
    }

    private void OnLinkClosed(IAmqpObject sender, Error? error)
    {
        // Evict first: whoever sees the refusal may retry at once and must then get a fresh link.
        var wasClosed = IsClosed;
        MarkClosed();
        if (_attached.TrySetResult(AmqpOutcomeMapper.FromAttachError(error)))
        {
            _logger.LinkRefused(Target, error?.Condition, error?.Description);
        }
        else if (!_session.IsClosed && !wasClosed)
        {
            _logger.LinkClosed(Target, error?.Condition, error?.Description);
        }
    }

    private void MarkClosed()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _onClosed(this);
        }
    }
}
