using System.Text.Json.Nodes;

namespace HonoMqtt.Adapter.Registry;

/// <summary>The parts of a Hono device object the adapter uses.</summary>
public sealed record DeviceInfo(
    string DeviceId,
    bool Enabled,
    JsonObject? Defaults,
    IReadOnlyList<string> Via,
    IReadOnlyList<string> ViaGroups,
    IReadOnlyList<string> MemberOf);
