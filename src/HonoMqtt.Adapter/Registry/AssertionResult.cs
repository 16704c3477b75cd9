using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Registry;

/// <summary>The outcome of asserting a device's registration (optionally on behalf of a gateway).</summary>
public readonly record struct AssertionResult(DeviceInfo? Device, HonoError? Error, IReadOnlyList<string> AuthorizedGateways)
{
    public bool Succeeded => Error is null;

    public static AssertionResult Failed(HonoError error) => new(null, error, []);
}
