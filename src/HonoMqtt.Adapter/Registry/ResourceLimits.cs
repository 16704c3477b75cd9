namespace HonoMqtt.Adapter.Registry;

/// <summary>A tenant's <c>resource-limits</c>; <c>-1</c> means unlimited, TTLs are in seconds.</summary>
public sealed record ResourceLimits(
    long MaxConnections = -1,
    long MaxTtl = -1,
    long MaxTtlTelemetryQos0 = -1,
    long MaxTtlTelemetryQos1 = -1,
    long MaxTtlCommandResponse = -1,
    PeriodicLimit? DataVolume = null,
    PeriodicLimit? ConnectionDuration = null)
{
    public static ResourceLimits Unlimited { get; } = new();
}
