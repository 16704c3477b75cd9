using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>Ready while the messaging network (or the embedded endpoint) takes messages.</summary>
public sealed class MessagingReadinessCheck(IDownstreamSender sender) : IReadinessCheck
{
    public string Name => "messaging-network";

    public bool IsReady => sender.IsReady;
}

/// <summary>Ready once the registry file is loaded (it is, once the registry exists: the first load is strict).</summary>
public sealed class RegistryReadinessCheck(IDeviceRegistry registry) : IReadinessCheck
{
    public string Name => "device-registry";

    public bool IsReady => registry is not FileDeviceRegistry file || file.Current is not null;
}
