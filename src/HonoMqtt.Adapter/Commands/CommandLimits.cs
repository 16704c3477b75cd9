using HonoMqtt.Adapter.Options;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// Bounds the commands handed to devices and not settled yet: per device connection
/// (<c>hono:mqtt:maxPendingCommandsPerDevice</c>) and for the whole instance (<c>hono:mqtt:maxPendingCommands</c>).
/// A command beyond either bound is released, the outcome the spec gives every command that cannot be delivered.
/// </summary>
public sealed class CommandLimits(MqttAdapterOptions options)
{
    private int _inFlight;

    public int PerDevice => options.MaxPendingCommandsPerDevice;

    public int PerInstance => options.MaxPendingCommands;

    /// <summary>Commands in flight on this instance.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a command for <paramref name="state"/>; false (and nothing counted) if a bound is reached.</summary>
    public bool TryStart(SessionCommands state)
    {
        if (Interlocked.Increment(ref _inFlight) > PerInstance)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }

        if (!state.TryStartCommand(PerDevice))
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }

        return true;
    }

    public void Finished(SessionCommands state)
    {
        state.CommandFinished();
        Interlocked.Decrement(ref _inFlight);
    }
}
