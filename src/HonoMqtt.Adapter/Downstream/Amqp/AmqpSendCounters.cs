namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>Cheap counters shared by all links of one client (later exported as <c>hono.amqp.*</c> metrics).</summary>
internal sealed class AmqpSendCounters
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

    public void CountNoCredit() => Interlocked.Increment(ref _noCredit);

    public void CountTimeout() => Interlocked.Increment(ref _timeouts);

    public void CountConnect() => Interlocked.Increment(ref _connects);

    public void AddInFlight(int delta) => Interlocked.Add(ref _inFlight, delta);
}
