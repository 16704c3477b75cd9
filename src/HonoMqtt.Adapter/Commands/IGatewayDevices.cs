namespace HonoMqtt.Adapter.Commands;

/// <summary>Which devices a gateway may act for: the addresses a gateway's <c>+</c> subscription needs on an external network.</summary>
public interface IGatewayDevices
{
    /// <summary>Raised when the answer may have changed (the registry was reloaded).</summary>
    event Action? Changed;

    IReadOnlyCollection<string> DevicesOf(string tenantId, string gatewayId);
}
