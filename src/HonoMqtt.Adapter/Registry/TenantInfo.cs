using System.Text.Json.Nodes;

namespace HonoMqtt.Adapter.Registry;

/// <summary>The parts of a Hono tenant object the adapter uses.</summary>
public sealed record TenantInfo(
    string TenantId,
    bool Enabled,
    IReadOnlyList<AdapterConfig>? Adapters,
    JsonObject? Defaults,
    int MinimumMessageSize,
    ResourceLimits Limits,
    JsonArray? TrustedCa)
{
    public const string MqttAdapterType = "hono-mqtt";

    /// <summary>Another name of the tenant, for SNI-based tenant selection (the first label of the TLS host name).</summary>
    public string? Alias { get; init; }

    /// <summary>Tenants of one group may share trust anchors' subject DNs; their devices then select the tenant by SNI.</summary>
    public string? TrustAnchorGroup { get; init; }

    /// <summary>The parsed <c>trusted-ca</c> entries (all of them, whatever their validity period).</summary>
    public IReadOnlyList<Auth.TrustAnchor> TrustAnchors { get; init; } = [];

    /// <summary>
    /// Hono's rule [TenantObject.isAdapterEnabled]: no <c>adapters</c> array means all adapters are enabled;
    /// an array without an entry of our type means disabled; an entry's <c>enabled</c> defaults to false.
    /// (A disabled tenant is reported as such, not by this method.)
    /// </summary>
    public bool IsAdapterEnabled(string type = MqttAdapterType)
    {
        if (Adapters is null)
        {
            return true;
        }

        foreach (var adapter in Adapters)
        {
            if (adapter.Type == type)
            {
                return adapter.Enabled;
            }
        }

        return false;
    }
}
