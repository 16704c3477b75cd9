namespace HonoMqtt.Adapter.Commands;

/// <summary>A QoS 1 command published to a device, waiting for its PUBACK.</summary>
public sealed class PendingAck
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when the device acknowledged it; false when the session ended first.</summary>
    public Task<bool> Done => _done.Task;

    public void Acknowledged() => _done.TrySetResult(true);

    public void SessionEnded() => _done.TrySetResult(false);
}
