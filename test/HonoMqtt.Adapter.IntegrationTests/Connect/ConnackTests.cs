using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Connect;

/// <summary>Every CONNACK row of the spec that the registry can produce, for MQTT 3.1.1 and 5.0, on both ports.</summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class ConnackTests(bool tls)
{
    private static readonly string Registry = TestRegistry.Simple(moreTenants: """
        , "disabled-tenant": { "enabled": false },
          "no-mqtt": { "adapters": [ { "type": "hono-http", "enabled": true } ] },
          "mqtt-off": { "adapters": [ { "type": "hono-mqtt" } ] },
          "mqtt-on": { "adapters": [ { "type": "hono-mqtt", "enabled": true } ] }
        """, moreDevices: """
        , "disabled-tenant": { "d": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "p" } ] } ] } },
          "no-mqtt": { "d": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "p" } ] } ] } },
          "mqtt-off": { "d": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "p" } ] } ] } },
          "mqtt-on": {
            "d": { "credentials": [ { "type": "hashed-password", "auth-id": "a", "secrets": [ { "pwd-plain": "p" } ] } ] },
            "off": { "enabled": false, "credentials": [ { "type": "hashed-password", "auth-id": "off", "secrets": [ { "pwd-plain": "p" } ] } ] },
            "cred-off": { "credentials": [ { "type": "hashed-password", "auth-id": "cred-off", "enabled": false, "secrets": [ { "pwd-plain": "p" } ] } ] },
            "secret-off": { "credentials": [ { "type": "hashed-password", "auth-id": "secret-off", "secrets": [ { "pwd-plain": "p", "enabled": false } ] } ] },
            "expired": { "credentials": [ { "type": "hashed-password", "auth-id": "expired", "secrets": [ { "pwd-plain": "p", "not-after": "2020-01-01T00:00:00Z" } ] } ] }
          }
        """);

    private RunningAdapter _adapter = null!;
    private Transport _transport = null!;

    [OneTimeSetUp]
    public async Task StartAdapter()
    {
        _transport = await Transport.CreateAsync(tls);
        _adapter = await RunningAdapter.StartAsync(Registry, _transport.Settings(new Dictionary<string, string?>
        {
            ["hono:connectionEvents:producer"] = "none",
        }));
    }

    [OneTimeTearDown]
    public async Task StopAdapter() => await _adapter.DisposeAsync();

    private MqttClientOptions Options(string? username, string? password, MqttProtocolVersion version, string? clientId = null) =>
        _transport.Options(_adapter, username, password, version, clientId);

    private async Task<MqttClientConnectResultCode> ConnectAsync(string? username, string? password, MqttProtocolVersion version)
    {
        var (client, result) = await MqttTestClient.ConnectAsync(Options(username, password, version));
        using (client)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }
        }

        return result.ResultCode;
    }

    // 3.1.1 return codes travel as MQTTnet's 5.0 names: 0x03 → ServerUnavailable, 0x04 → BadUserNameOrPassword, 0x05 → NotAuthorized.
    [TestCase("a1@t1", "pw1", MqttClientConnectResultCode.Success, MqttClientConnectResultCode.Success, TestName = "valid credentials")]
    [TestCase("a1@t1", "wrong", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "wrong password")]
    [TestCase("nobody@t1", "pw1", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "unknown auth-id")]
    [TestCase("a1@unknown", "pw1", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "unknown tenant")]
    [TestCase("a1", "pw1", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "username without tenant")]
    [TestCase(null, null, MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "no credentials")]
    [TestCase("a@disabled-tenant", "wrong", MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.NotAuthorized, TestName = "tenant disabled (checked before the password)")]
    [TestCase("a@no-mqtt", "p", MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.NotAuthorized, TestName = "adapters list without hono-mqtt")]
    [TestCase("a@mqtt-off", "p", MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.NotAuthorized, TestName = "hono-mqtt entry without enabled")]
    [TestCase("a@mqtt-on", "p", MqttClientConnectResultCode.Success, MqttClientConnectResultCode.Success, TestName = "hono-mqtt entry enabled")]
    [TestCase("off@mqtt-on", "p", MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.NotAuthorized, TestName = "device disabled")]
    [TestCase("cred-off@mqtt-on", "p", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "credentials disabled")]
    [TestCase("secret-off@mqtt-on", "p", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "secret disabled")]
    [TestCase("expired@mqtt-on", "p", MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.BadUserNameOrPassword, TestName = "secret expired")]
    public async Task ConnackCodeFollowsHonosTable(string? username, string? password, MqttClientConnectResultCode v311, MqttClientConnectResultCode v5)
    {
        (await ConnectAsync(username, password, MqttProtocolVersion.V311)).Should().Be(v311, "MQTT 3.1.1");
        (await ConnectAsync(username, password, MqttProtocolVersion.V500)).Should().Be(v5, "MQTT 5.0");
    }

    [Test]
    public async Task EmptyPasswordWithBase64UsernameAuthenticates()
    {
        var username = Convert.ToBase64String(Encoding.UTF8.GetBytes("a1@t1:pw1"));

        (await ConnectAsync(username, "", MqttProtocolVersion.V311)).Should().Be(MqttClientConnectResultCode.Success);
    }

    [Test]
    public async Task Mqtt31ClientsAreRefused()
    {
        (await ConnectAsync("a1@t1", "pw1", MqttProtocolVersion.V310)).Should().Be(MqttClientConnectResultCode.UnsupportedProtocolVersion);
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task SessionPresentIsAlwaysZero(MqttProtocolVersion version)
    {
        var options = Options("a1@t1", "pw1", version, clientId: "persistent-" + version);
        options.CleanSession = false;
        options.SessionExpiryInterval = 3600;
        for (var i = 0; i < 2; i++)
        {
            var (client, result) = await MqttTestClient.ConnectAsync(options);
            using (client)
            {
                result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
                result.IsSessionPresent.Should().BeFalse();
                await client.DisconnectAsync();
            }
        }
    }

    [Test]
    public async Task EmptyClientIdIsAcceptedForMqtt311AndMqtt5()
    {
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            var options = Options("a1@t1", "pw1", version, clientId: "");
            var (client, result) = await MqttTestClient.ConnectAsync(options);
            using (client)
            {
                result.ResultCode.Should().Be(MqttClientConnectResultCode.Success, version.ToString());
                await client.DisconnectAsync();
            }
        }
    }
}
