using HonoMqtt.Adapter.Diagnostics;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>Cheap counters shared by all links of one client, also reported as Hono's <c>hono.amqp.*</c> meters.</summary>
internal sealed class AmqpSendCounters(IAdapterMetrics? metrics = null)
{
    private long _noCredit;
    private long _timeouts;
    private long _connects;
    private int _inFlight;

    /// <summary>Sends refused at once because the link had <c>maxUnsettledPerLink</c> deliveries in flight.</summary>
    public long NoCredit => Interlocked.Read(ref _noCredit);

    /// <summary>Deliveries (waited-for or not) without an outcome within <c>sendMessageTimeout</c>.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Successful connection establishments (the first one included).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Deliveries handed to the library whose outcome is not known yet, over all links.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <param name="address">The Hono address (before rewriting): it gives the meters' <c>type</c> and <c>tenant</c>.</param>
    public void CountNoCredit(string address)
    {
        Interlocked.Increment(ref _noCredit);
        metrics?.ReportAmqpNoCredit(address);
    }

    public void CountTimeout(string address)
    {
        Interlocked.Increment(ref _timeouts);
        metrics?.ReportAmqpTimeout(address);
    }

    public void CountConnect() => Interlocked.Increment(ref _connects);

    public void AddInFlight(int delta) => Interlocked.Add(ref _inFlight, delta);
}
