using Amqp;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// One message handed to a sender link: holds its in-flight slot until exactly one of the outcome callback,
/// the <c>sendMessageTimeout</c> timer or a failed hand-over completes it.
/// The outcome callback runs on the connection's pump, so completion only sets flags and completes a
/// <see cref="TaskCompletionSource{TResult}"/> created with <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>.
/// </summary>
internal sealed class PendingDelivery
{
    private readonly TaskCompletionSource<SendOutcome>? _outcome;
    private ITimer? _timer;
    private int _completed;
    private int _afterTimeout; // 0: -, 1: abandoned after a timeout, 2: a late outcome arrived

    public PendingDelivery(DownstreamSenderLink link, Message message, bool waitForOutcome)
    {
        Link = link;
        Message = message;
        if (waitForOutcome)
        {
            _outcome = new TaskCompletionSource<SendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public DownstreamSenderLink Link { get; }

    public Message Message { get; }

    public bool WaitsForOutcome => _outcome is not null;

    /// <summary>The outcome; only for deliveries created with <c>waitForOutcome</c>.</summary>
    public Task<SendOutcome> Outcome =>
        _outcome?.Task ?? throw new InvalidOperationException("The delivery was sent without waiting for its outcome.");

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Starts the <c>sendMessageTimeout</c> timer; call after the library took the message.</summary>
    public void StartTimer(TimeProvider timeProvider, TimeSpan timeout)
    {
        var timer = timeProvider.CreateTimer(static state => ((PendingDelivery)state!).Link.OnDeliveryTimeout((PendingDelivery)state),
            this, timeout, Timeout.InfiniteTimeSpan);

        // Full fence: either TryComplete sees the timer, or we see the completion.
        Interlocked.Exchange(ref _timer, timer);
        if (IsCompleted)
        {
            Interlocked.Exchange(ref _timer, null)?.Dispose();
        }
    }

    /// <summary>
    /// Marks a timed-out delivery the library still holds; false if its late outcome already arrived.
    /// </summary>
    public bool TryMarkAbandoned() => Interlocked.CompareExchange(ref _afterTimeout, 1, 0) == 0;

    /// <summary>Records a late outcome; true if the delivery had been marked abandoned.</summary>
    public bool LateOutcomeArrived() => Interlocked.Exchange(ref _afterTimeout, 2) == 1;

    /// <summary>Completes the delivery once; returns false if it was already completed.</summary>
    public bool TryComplete(SendOutcome outcome)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        Interlocked.Exchange(ref _timer, null)?.Dispose();
        Link.ReleaseSlot();
        _outcome?.TrySetResult(outcome);
        return true;
    }
}
