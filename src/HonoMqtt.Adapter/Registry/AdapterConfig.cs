namespace HonoMqtt.Adapter.Registry;

/// <summary>An entry of a tenant's <c>adapters</c> array.</summary>
public sealed record AdapterConfig(string Type, bool Enabled, bool DeviceAuthenticationRequired);
