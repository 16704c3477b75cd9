using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Connect;

/// <summary>The adapter-wide limit (checked before authentication) and the tenant's max-connections.</summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class ConnectionLimitTests(bool tls)
{
    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.ServerUnavailable)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.UseAnotherServer)]
    public async Task TheAdapterConnectionLimitRefusesFurtherClientsEvenWithBadCredentials(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        await using var adapter = await RunningAdapter.StartAsync(transport: await Transport.CreateAsync(tls), registryJson: TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:connectionEvents:producer"] = "none",
            ["hono:mqtt:maxConnections"] = "1",
        });
        using var first = await adapter.ConnectDeviceAsync(TestRegistry.Username, TestRegistry.Password);

        var (second, result) = await MqttTestClient.ConnectAsync(adapter.DeviceOptions(TestRegistry.Username, "wrong", version));
        second.Dispose();

        result.ResultCode.Should().Be(expected);
        await first.DisconnectAsync();
        await Poll.UntilAsync(() => adapter.Services.GetService(typeof(HonoMqtt.Adapter.Mqtt.SessionTracker)) is HonoMqtt.Adapter.Mqtt.SessionTracker { Count: 0 },
            "the first session has ended");
        using var third = await adapter.ConnectDeviceAsync(TestRegistry.Username, TestRegistry.Password, version);
    }

    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.NotAuthorized)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.QuotaExceeded)]
    public async Task TheTenantsMaxConnectionsRefusesFurtherDevicesOfThatTenant(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        await using var adapter = await RunningAdapter.StartAsync(transport: await Transport.CreateAsync(tls), registryJson: TestRegistry.Simple(tenantExtra: """, "resource-limits": { "max-connections": 1 }"""),
            new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" });
        using var first = await adapter.ConnectDeviceAsync(TestRegistry.Username, TestRegistry.Password);

        var (second, result) = await MqttTestClient.ConnectAsync(adapter.DeviceOptions(TestRegistry.Username, TestRegistry.Password, version));
        second.Dispose();

        result.ResultCode.Should().Be(expected);
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task AConnectedEventThatCannotBeDeliveredRefusesTheConnectAsServerUnavailable(MqttProtocolVersion version)
    {
        // Producer "events", and nobody consumes event/t1: the embedded endpoint has no credit for it.
        await using var adapter = await RunningAdapter.StartAsync(transport: await Transport.CreateAsync(tls), registryJson: TestRegistry.Simple());

        var (client, result) = await MqttTestClient.ConnectAsync(adapter.DeviceOptions(TestRegistry.Username, TestRegistry.Password, version));
        client.Dispose();

        result.ResultCode.Should().Be(MqttClientConnectResultCode.ServerUnavailable);
    }
}
