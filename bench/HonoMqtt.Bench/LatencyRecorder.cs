using System.Diagnostics;

namespace HonoMqtt.Bench;

/// <summary>
/// Counts received messages and their end-to-end latency (receive time minus the send timestamp carried in the first
/// 8 bytes of the payload; sender and receiver share this process's clock) while a measurement window is open.
/// </summary>
public sealed class LatencyRecorder
{
    private const int MaxSamples = 4_000_000;
    private readonly long[] _samples = new long[MaxSamples];
    private long _count;
    private long _received;
    private long _total;
    private volatile bool _open;

    /// <summary>Messages received while the window was open.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages received at all (window open or not).</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Open()
    {
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _received, 0);
        _open = true;
    }

    public void Close() => _open = false;

    public void Record(ReadOnlySpan<byte> payload)
    {
        Interlocked.Increment(ref _total);
        if (!_open || payload.Length < 8)
        {
            return;
        }

        var sent = BitConverter.ToInt64(payload[..8]);
        var elapsed = Stopwatch.GetTimestamp() - sent;
        Interlocked.Increment(ref _received);
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < MaxSamples)
        {
            _samples[index] = elapsed;
        }
    }

    /// <summary>The latency percentile in milliseconds, or NaN without samples.</summary>
    public (double P50, double P99) Percentiles()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), MaxSamples);
        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }

        var sorted = _samples.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        double Ms(double q) => sorted[Math.Min(n - 1, (int)(q * n))] * 1000.0 / Stopwatch.Frequency;
        return (Ms(0.50), Ms(0.99));
    }
}
