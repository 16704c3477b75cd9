using Amqp;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>An unsettled transfer to a consumer, waiting for its disposition or for the send timeout.</summary>
internal sealed class PendingDelivery
{
    private readonly TaskCompletionSource<SendOutcome>? _completion;

    /// <param name="placeholder">The message object handed to AMQPNetLite for this transfer (the lookup key).</param>
    /// <param name="waitForOutcome">Whether a caller awaits <see cref="Outcome"/>.</param>
    public PendingDelivery(Message placeholder, bool waitForOutcome)
    {
        Placeholder = placeholder;
        // Completed from the connection's pump: continuations must not run there.
        _completion = waitForOutcome ? new TaskCompletionSource<SendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public Message Placeholder { get; }

    public bool WaitsForOutcome => _completion is not null;

    /// <summary>The send-timeout timer; set right after the transfer was handed to the link.</summary>
    public ITimer? Timer { get; set; }

    public Task<SendOutcome> Outcome => _completion?.Task ?? Task.FromResult(SendOutcome.Accepted);

    /// <summary>Completes the delivery; the caller must have removed it from the link's unsettled set first.</summary>
    public void Complete(SendOutcome outcome)
    {
        Timer?.Dispose();
        _completion?.TrySetResult(outcome);
    }
}
