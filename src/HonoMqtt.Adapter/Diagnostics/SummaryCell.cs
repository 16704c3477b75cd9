namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// One Micrometer distribution summary or timer (one tag combination): count, sum, and the largest value of the last
/// one to two minutes (Micrometer's <c>_max</c> decays after its 2 minute expiry in the same way).
/// </summary>
internal sealed class SummaryCell(TimeProvider timeProvider)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private long _count;
    private double _sum;
    private double _max;
    private double _previousMax;
    private long _windowStart = timeProvider.GetTimestamp();

    public void Record(double value)
    {
        lock (_gate)
        {
            Rotate();
            _count++;
            _sum += value;
            if (value > _max)
            {
                _max = value;
            }
        }
    }

    public (long Count, double Sum, double Max) Read()
    {
        lock (_gate)
        {
            Rotate();
            return (_count, _sum, Math.Max(_max, _previousMax));
        }
    }

    private void Rotate()
    {
        var elapsed = timeProvider.GetElapsedTime(_windowStart);
        if (elapsed < Window)
        {
            return;
        }

        _previousMax = elapsed < 2 * Window ? _max : 0;
        _max = 0;
        _windowStart = timeProvider.GetTimestamp();
    }
}
