namespace HonoMqtt.Adapter.Options;

/// <summary>Options of section <c>hono:mqtt</c>; names and units are Hono's.</summary>
public sealed class MqttAdapterOptions
{
    public const string Section = "hono:mqtt";

    /// <summary>Open the plain (non-TLS) MQTT port. Hono's default is false; ours is true for one-command start.</summary>
    public bool InsecurePortEnabled { get; set; } = true;

    public int InsecurePort { get; set; } = 1883;

    public string InsecurePortBindAddress { get; set; } = "127.0.0.1";

    public bool AuthenticationRequired { get; set; } = true;

    /// <summary>Largest accepted payload in bytes; the MQTT packet limit is this plus 128 (Hono's header allowance).</summary>
    public int MaxPayloadSize { get; set; } = 2048;

    /// <summary>How long to wait for a device's PUBACK of a QoS 1 command (ms); 0 waits forever.</summary>
    public int SendMessageToDeviceTimeout { get; set; } = 1000;

    /// <summary>Commands handed to one device connection and not settled yet (QoS 1: no PUBACK yet); beyond it commands are released.</summary>
    public int MaxPendingCommandsPerDevice { get; set; } = 100;

    /// <summary>Commands handed to devices and not settled yet, over the whole instance; beyond it commands are released.</summary>
    public int MaxPendingCommands { get; set; } = 10_000;

    /// <summary>Apply tenant and device <c>defaults</c> to downstream messages.</summary>
    public bool DefaultsEnabled { get; set; } = true;

    /// <summary>Adapter-wide limit of open MQTT connections; 0 means unlimited.</summary>
    public int MaxConnections { get; set; }

    /// <summary>Time a new connection has to send its CONNECT packet (ms).</summary>
    public int ConnectTimeout { get; set; } = 10_000;

    public IEnumerable<string> Validate()
    {
        if (InsecurePort is < 0 or > 65535)
        {
            yield return $"hono:mqtt:insecurePort must be between 0 and 65535 (was {InsecurePort})";
        }

        if (!System.Net.IPAddress.TryParse(InsecurePortBindAddress, out _))
        {
            yield return $"hono:mqtt:insecurePortBindAddress must be an IP address (was '{InsecurePortBindAddress}')";
        }

        if (MaxPayloadSize <= 128)
        {
            yield return $"hono:mqtt:maxPayloadSize must be greater than 128 (was {MaxPayloadSize})";
        }

        if (SendMessageToDeviceTimeout < 0)
        {
            yield return $"hono:mqtt:sendMessageToDeviceTimeout must not be negative (was {SendMessageToDeviceTimeout})";
        }

        if (MaxPendingCommandsPerDevice <= 0)
        {
            yield return $"hono:mqtt:maxPendingCommandsPerDevice must be positive (was {MaxPendingCommandsPerDevice})";
        }

        if (MaxPendingCommands <= 0)
        {
            yield return $"hono:mqtt:maxPendingCommands must be positive (was {MaxPendingCommands})";
        }

        if (MaxConnections < 0)
        {
            yield return $"hono:mqtt:maxConnections must not be negative (was {MaxConnections})";
        }

        if (ConnectTimeout <= 0)
        {
            yield return $"hono:mqtt:connectTimeout must be positive (was {ConnectTimeout})";
        }

        if (!InsecurePortEnabled)
        {
            yield return "no MQTT port is configured: set hono:mqtt:insecurePortEnabled=true";
        }
    }
}
