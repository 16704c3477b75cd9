using System.Diagnostics.CodeAnalysis;

namespace HonoMqtt.Adapter.Commands;

/// <summary>Command addresses: Hono's <c>command/&lt;tenant&gt;</c> and our per-device <c>command/&lt;tenant&gt;/&lt;device&gt;</c>.</summary>
public static class CommandAddress
{
    public static string ForTenant(string tenantId) => $"command/{tenantId}";

    public static string ForDevice(string tenantId, string deviceId) => $"command/{tenantId}/{deviceId}";

    /// <summary>Parses <c>command/&lt;tenant&gt;</c> (device null) or <c>command/&lt;tenant&gt;/&lt;device&gt;</c>.</summary>
    public static bool TryParse(string address, [NotNullWhen(true)] out string? tenantId, out string? deviceId)
    {
        tenantId = null;
        deviceId = null;
        var segments = address.Split('/');
        if (segments[0] != "command" || segments.Length is < 2 or > 3 || segments.Any(s => s.Length == 0))
        {
            return false;
        }

        tenantId = segments[1];
        deviceId = segments.Length == 3 ? segments[2] : null;
        return true;
    }
}
