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

    /// <summary>Apply tenant and device <c>defaults</c> to downstream messages.</summary>
    public bool DefaultsEnabled { get; set; } = true;

    /// <summary>Adapter-wide limit of open MQTT connections; 0 means unlimited.</summary>
    public int MaxConnections { get; set; }

    /// <summary>Time a new connection has to send its CONNECT packet (ms).</summary>
    public int ConnectTimeout { get; set; } = 10_000;

    /// <summary>Expensive (bcrypt) password checks running at once; 0 = one per CPU core.</summary>
    public int PasswordCheckConcurrency { get; set; }

    /// <summary>How long a CONNECT may wait for a password-check slot before it is refused as "server unavailable" (ms).</summary>
    public int PasswordCheckQueueTimeout { get; set; } = 10_000;

    /// <summary>Verified (secret, password) pairs remembered; 0 turns the cache off.</summary>
    public int VerifiedCredentialsCacheSize { get; set; } = 100_000;

    /// <summary>A remembered pair is forgotten after this long without use (ms).</summary>
    public int VerifiedCredentialsCacheTimeout { get; set; } = 600_000;

    public IEnumerable<string> Validate()
    {
        if (PasswordCheckConcurrency < 0 || PasswordCheckQueueTimeout <= 0 || VerifiedCredentialsCacheSize < 0 || VerifiedCredentialsCacheTimeout <= 0)
        {
            yield return "hono:mqtt:passwordCheckConcurrency, verifiedCredentialsCacheSize must not be negative; " +
                         "passwordCheckQueueTimeout, verifiedCredentialsCacheTimeout must be positive";
        }

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
