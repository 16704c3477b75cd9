namespace HonoMqtt.Adapter.Tests.Diagnostics;

/// <summary>A clock that only moves when the test says so (timestamps only; no timers).</summary>
internal sealed class SteppedTimeProvider : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
