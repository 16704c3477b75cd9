using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Downstream;

/// <summary>The result of handing one message to the messaging network.</summary>
public readonly record struct SendOutcome(HonoError? Error)
{
    public static SendOutcome Accepted => default;

    public bool Succeeded => Error is null;

    public static SendOutcome Failed(HonoError error) => new(error);

    public override string ToString() => Error is { } e ? e.ToString() : "accepted";
}
