using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// Our end of a link on which an application receives (we send): keeps its own signed credit
/// (<see cref="ConsumerCredit"/>, never trusting <c>ListenerLink</c>'s), never sends without credit, never queues,
/// and tracks unsettled transfers until their disposition, the send timeout or the link's end.
/// </summary>
/// <remarks>
/// <see cref="OnFlow"/>, <see cref="OnDisposition"/> and <see cref="OnLinkClosed"/> run on the connection's I/O pump;
/// they only update state under <see cref="_gate"/> and complete tasks whose continuations run elsewhere.
/// <see cref="TrySend"/> calls <c>SendMessage</c> under the gate, so no send can interleave with our flow bookkeeping;
/// <c>SendMessage</c> only queues frames, it does not wait for the pump.
/// </remarks>
internal sealed class ConsumerLinkEndpoint : LinkEndpoint
{
    private static readonly Task<SendOutcome> AcceptedTask = Task.FromResult(SendOutcome.Accepted);

    private readonly Lock _gate = new();
    private readonly ConsumerCredit _credit = new();
    private readonly Dictionary<Message, PendingDelivery> _unsettled = new(ReferenceEqualityComparer.Instance);
    private readonly TimeSpan _sendTimeout;
    private readonly int _maxUnsettled;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimerCallback _onTimeout;
    private readonly Action<string>? _timedOut;
    private bool _closed;

    public ConsumerLinkEndpoint(ListenerLink link, string address, TimeSpan sendTimeout, int maxUnsettled, TimeProvider timeProvider, ILogger logger,
        Action<string>? timedOut = null)
    {
        _timedOut = timedOut;
        Link = link;
        Address = address;
        _sendTimeout = sendTimeout;
        _maxUnsettled = maxUnsettled;
        _timeProvider = timeProvider;
        _logger = logger;
        _onTimeout = state => OnTimeout((PendingDelivery)state!);
    }

    public ListenerLink Link { get; }

    /// <summary>The source address the application attached to.</summary>
    public string Address { get; }

    /// <summary>The consumer asked for pre-settled transfers (snd-settle-mode <c>settled</c>).</summary>
    public bool PreSettled => Link.SettleOnSend;

    /// <summary>Current signed credit (0 once closed).</summary>
    public int Credit
    {
        get
        {
            lock (_gate)
            {
                return _closed ? 0 : _credit.Available;
            }
        }
    }

    /// <summary>
    /// Hands one transfer to the link if it has credit. Returns null if this link cannot take it now (no credit, too many
    /// unsettled transfers, closing); otherwise the outcome: at once for pre-settled consumers and when not waiting,
    /// else when the disposition arrives, the send times out or the link ends.
    /// </summary>
    /// <param name="encoded">The encoded message; not consumed (each attempt wraps it anew).</param>
    public Task<SendOutcome>? TrySend(ByteBuffer encoded, bool waitForOutcome)
    {
        var placeholder = new Message();
        PendingDelivery? pending = null;
        lock (_gate)
        {
            if (_closed || (!PreSettled && _unsettled.Count >= _maxUnsettled) || !_credit.TryTake())
            {
                return null;
            }

            if (!PreSettled)
            {
                pending = new PendingDelivery(placeholder, waitForOutcome);
                _unsettled.Add(placeholder, pending);
            }

            try
            {
                Link.SendMessage(placeholder, new ByteBuffer(encoded.Buffer, encoded.Offset, encoded.Length, encoded.Length));
            }
            catch (Exception e) when (e is AmqpException or ObjectDisposedException or InvalidOperationException)
            {
                _credit.Return();
                _unsettled.Remove(placeholder);
                _logger.TransferFailed(Link.Name, Address, e.Message);
                return null;
            }

            if (pending is not null)
            {
                pending.Timer = _timeProvider.CreateTimer(_onTimeout, pending, _sendTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        return pending is { WaitsForOutcome: true } ? pending.Outcome : AcceptedTask;
    }

    public override void OnFlow(FlowContext flowContext)
    {
        lock (_gate)
        {
            var delta = flowContext.Messages;
            _credit.OnFlow(delta, delta > 0 ? 0 : ListenerLinkCredit.Read(Link));
            if (Link.IsDraining)
            {
                CompleteDrain();
            }
        }
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
        var state = dispositionContext.DeliveryState;
        var outcome = DeliveryOutcomes.FromState(state);
        PendingDelivery? pending;
        lock (_gate)
        {
            if (!_unsettled.TryGetValue(dispositionContext.Message, out pending) || (outcome is null && !dispositionContext.Settled))
            {
                return; // already completed (timeout, link end), or a non-terminal state such as received
            }

            _unsettled.Remove(dispositionContext.Message);
        }

        if (!dispositionContext.Settled)
        {
            // rcv-settle-mode second: the consumer waits for us to settle.
            SettleLocally(dispositionContext.Message, state);
        }

        // A settled non-terminal state means "not processed". (Outcomes the library makes up while tearing the link
        // down never get here: the link's closed callback runs first and fails everything unsettled.)
        pending.Complete(outcome ?? SendOutcome.Failed(HonoError.NotProcessed));
    }

    public override void OnLinkClosed(ListenerLink link, Error error) => Close(error);

    /// <summary>Stops sending on this link and fails its unsettled transfers with 503 "not processed". Idempotent.</summary>
    /// <returns>The number of transfers failed by this call.</returns>
    public int Close(Error? error)
    {
        List<PendingDelivery> failed;
        lock (_gate)
        {
            if (_closed && _unsettled.Count == 0)
            {
                return 0;
            }

            _closed = true;
            failed = [.. _unsettled.Values];
            _unsettled.Clear();
        }

        foreach (var pending in failed)
        {
            pending.Complete(SendOutcome.Failed(HonoError.NotProcessed));
        }

        return failed.Count;
    }

    private void OnTimeout(PendingDelivery pending)
    {
        lock (_gate)
        {
            if (!_unsettled.Remove(pending.Placeholder))
            {
                return;
            }
        }

        // Like Hono: settle locally as released, so the session forgets the transfer.
        SettleLocally(pending.Placeholder, new Released());
        _logger.DeliveryTimedOut(Address, _sendTimeout);
        _timedOut?.Invoke(Address);
        pending.Complete(SendOutcome.Failed(HonoError.SendTimeout));
    }

    private void SettleLocally(Message placeholder, DeliveryState? state)
    {
        try
        {
            Link.DisposeMessage(placeholder, state ?? new Released(), settled: true);
        }
        catch (Exception e) when (e is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.TransferFailed(Link.Name, Address, "settling failed: " + e.Message);
        }
    }

    private void CompleteDrain()
    {
        // We hold no messages, so a drain completes at once. The library advances its delivery count by its own
        // credit, which the drain flow itself may have zeroed (it repeats the limit): put ours there first.
        var credit = (uint)Math.Max(_credit.Available, 0);
        if (ListenerLinkCredit.Read(Link) != credit && !ListenerLinkCredit.TryWrite(Link, credit))
        {
            _logger.DrainSkipped(Link.Name, ListenerLinkCredit.Read(Link), (int)credit);
            return;
        }

        Link.CompleteDrain();
        _credit.OnDrained();
    }
}
