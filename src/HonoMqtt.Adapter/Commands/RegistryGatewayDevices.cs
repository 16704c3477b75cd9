using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Commands;

/// <summary><see cref="IGatewayDevices"/> from the file registry, following its reloads.</summary>
public sealed class RegistryGatewayDevices : IGatewayDevices, IDisposable
{
    private readonly FileDeviceRegistry _registry;

    public RegistryGatewayDevices(FileDeviceRegistry registry)
    {
        _registry = registry;
        _registry.Reloaded += OnReloaded;
    }

    public event Action? Changed;

    public IReadOnlyCollection<string> DevicesOf(string tenantId, string gatewayId) => _registry.Current.DevicesActingVia(tenantId, gatewayId);

    public void Dispose() => _registry.Reloaded -= OnReloaded;

    private void OnReloaded(RegistrySnapshot snapshot) => Changed?.Invoke();
}
