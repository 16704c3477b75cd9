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

    /// <summary>Expensive (bcrypt) password checks running at once; 0 = CPU cores minus one (at least one).</summary>
    public int PasswordCheckConcurrency { get; set; }

    /// <summary>How long a CONNECT may wait for a password-check slot before it is refused as "server unavailable" (ms).</summary>
    public int PasswordCheckQueueTimeout { get; set; } = 10_000;

    /// <summary>Verified (secret, password) pairs remembered; 0 turns the cache off.</summary>
    public int VerifiedCredentialsCacheSize { get; set; } = 100_000;

    /// <summary>A remembered pair is forgotten after this long without use (ms).</summary>
    public int VerifiedCredentialsCacheTimeout { get; set; } = 600_000;

    /// <summary>Interface of the TLS port.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The TLS port; it is opened when <see cref="KeyPath"/> and <see cref="CertPath"/> are both set. 0 picks a free port.</summary>
    public int Port { get; set; } = 8883;

    /// <summary>PEM file with the server's private key (PKCS#8, or PKCS#1/SEC1).</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM file with the server's certificate, optionally followed by its intermediate CA certificates.</summary>
    public string? CertPath { get; set; }

    /// <summary>Enabled TLS versions, Hono's names, comma separated.</summary>
    public string SecureProtocols { get; set; } = "TLSv1.3,TLSv1.2";

    /// <summary>Time a new TLS connection has to complete its handshake (ms); ours, Hono relies on the TLS library.</summary>
    public int TlsHandshakeTimeout { get; set; } = 10_000;

    /// <summary>True when key and certificate are configured: the TLS port is opened.</summary>
    public bool SecurePortEnabled => !string.IsNullOrWhiteSpace(KeyPath) && !string.IsNullOrWhiteSpace(CertPath);

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

        foreach (var error in ValidateTls())
        {
            yield return error;
        }

        if (!InsecurePortEnabled && !SecurePortEnabled)
        {
            yield return "no MQTT port is configured: set hono:mqtt:insecurePortEnabled=true, or hono:mqtt:keyPath and hono:mqtt:certPath for the TLS port";
        }
    }

    private IEnumerable<string> ValidateTls()
    {
        if (Port is < 0 or > 65535)
        {
            yield return $"hono:mqtt:port must be between 0 and 65535 (was {Port})";
        }

        if (!System.Net.IPAddress.TryParse(BindAddress, out _))
        {
            yield return $"hono:mqtt:bindAddress must be an IP address (was '{BindAddress}')";
        }

        if (TlsHandshakeTimeout <= 0)
        {
            yield return $"hono:mqtt:tlsHandshakeTimeout must be positive (was {TlsHandshakeTimeout})";
        }

        if (!Mqtt.TlsProtocols.TryParse(SecureProtocols, out _, out var protocolError))
        {
            yield return $"hono:mqtt:secureProtocols: {protocolError}";
        }

        var hasKey = !string.IsNullOrWhiteSpace(KeyPath);
        var hasCert = !string.IsNullOrWhiteSpace(CertPath);
        if (hasKey != hasCert)
        {
            yield return hasKey
                ? "hono:mqtt:keyPath is set but hono:mqtt:certPath is not: the TLS port needs both"
                : "hono:mqtt:certPath is set but hono:mqtt:keyPath is not: the TLS port needs both";
        }
        else if (hasKey)
        {
            if (Mqtt.ServerCertificateLoader.TryLoad(CertPath!, KeyPath!, out var identity, out var loadError))
            {
                identity.Dispose();
            }
            else
            {
                yield return loadError;
            }
        }

        // Hono: "secure and insecure ports must be configured to bind to different port numbers" (0 picks two free ports).
        if (SecurePortEnabled && InsecurePortEnabled && Port != 0 && Port == InsecurePort)
        {
            yield return $"hono:mqtt:port and hono:mqtt:insecurePort must differ (both are {Port})";
        }
    }
}
