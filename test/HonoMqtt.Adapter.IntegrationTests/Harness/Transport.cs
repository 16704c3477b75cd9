using HonoMqtt.Adapter.IntegrationTests.Tls;
using MQTTnet;
using MQTTnet.Formatter;

namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>A device's way to the adapter: the plain port, or the TLS port with the test PKI's server identity.</summary>
public sealed class Transport
{
    private Transport(TestPki? pki) => Pki = pki;

    public TestPki? Pki { get; }

    public bool IsTls => Pki is not null;

    public static async Task<Transport> CreateAsync(bool tls) => new(tls ? await TestPki.GetAsync() : null);

    /// <summary>Adds what the adapter needs to open its TLS port (both ports are open then).</summary>
    public Dictionary<string, string?> Settings(IDictionary<string, string?>? settings = null)
    {
        var result = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (Pki is not null)
        {
            result["hono:mqtt:port"] = "0";
            result["hono:mqtt:certPath"] = Pki.ServerCert;
            result["hono:mqtt:keyPath"] = Pki.ServerKey;
        }

        return result;
    }

    public MqttClientOptions Options(RunningAdapter adapter, string? username, string? password, MqttProtocolVersion version, string? clientId = null) =>
        Pki is null
            ? MqttTestClient.Options(adapter.MqttPort, username, password, version, clientId)
            : TlsClient.Options(Pki, adapter.MqttTlsPort, username: username, password: password, version: version, clientId: clientId);

    public override string ToString() => IsTls ? "TLS" : "plain TCP";
}
