using Amqp.Framing;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Settles one command delivery towards the application: exactly once, whoever calls first (the device's PUBACK, the
/// PUBACK timeout, the session's end). Implementations dispose the AMQP delivery on whatever link it came on.
/// </summary>
public abstract class CommandSettlement
{
    private int _settled;

    /// <summary>How the delivery was settled, once it is (for tests and logs).</summary>
    public string? Outcome { get; private set; }

    public bool IsSettled => Volatile.Read(ref _settled) != 0;

    public void Accept()
    {
        if (TrySettle("accepted"))
        {
            OnAccept();
        }
    }

    public void Reject(Error error)
    {
        if (TrySettle($"rejected ({error.Condition}: {error.Description})"))
        {
            OnReject(error);
        }
    }

    public void Release()
    {
        if (TrySettle("released"))
        {
            OnRelease();
        }
    }

    protected abstract void OnAccept();

    protected abstract void OnReject(Error error);

    protected abstract void OnRelease();

    private bool TrySettle(string outcome)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return false;
        }

        Outcome = outcome;
        return true;
    }
}
