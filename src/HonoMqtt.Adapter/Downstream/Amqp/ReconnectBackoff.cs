using HonoMqtt.Adapter.Options;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// Hono's reconnect back-off (<c>HonoConnectionImpl.getReconnectMaxDelay</c>): for the n-th failed attempt the
/// delay is a random value between <c>reconnectMinDelay</c> and <c>min(reconnectMaxDelay, 2^(n-1) × reconnectDelayIncrement)</c>;
/// the attempt right after a connection loss waits <c>reconnectMinDelay</c>.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly long _min;
    private readonly long _max;
    private readonly long _increment;

    public ReconnectBackoff(MessagingOptions options)
    {
        _min = Math.Max(0, options.ReconnectMinDelay);
        _max = Math.Max(_min, options.ReconnectMaxDelay);
        _increment = Math.Max(0, options.ReconnectDelayIncrement);
    }

    public TimeSpan AfterConnectionLoss => TimeSpan.FromMilliseconds(_min);

    /// <summary>The delay after <paramref name="failedAttempts"/> (≥ 1) consecutive failed connection attempts.</summary>
    public TimeSpan AfterFailedAttempt(int failedAttempts)
    {
        var upper = failedAttempts switch
        {
            <= 0 => 0,
            <= 31 => Math.Min(_max, (1L << (failedAttempts - 1)) * _increment),
            _ => _max,
        };
        var delay = upper > _min ? Random.Shared.NextInt64(_min, upper) : _min;
        return TimeSpan.FromMilliseconds(delay);
    }
}
