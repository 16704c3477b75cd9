using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Connect;

/// <summary>The adapter-wide limit (checked before authentication) and the tenant's max-connections.</summary>
public sealed class ConnectionLimitTests
{
    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.ServerUnavailable)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.UseAnotherServer)]
    public async Task TheAdapterConnectionLimitRefusesFurtherClientsEvenWithBadCredentials(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:connectionEvents:producer"] = "none",
            ["hono:mqtt:maxConnections"] = "1",
        });
        using var first = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        var (second, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, "wrong", version));
        second.Dispose();

        result.ResultCode.Should().Be(expected);
        await first.DisconnectAsync();
        await Poll.UntilAsync(() => adapter.Services.GetService(typeof(HonoMqtt.Adapter.Mqtt.SessionTracker)) is HonoMqtt.Adapter.Mqtt.SessionTracker { Count: 0 },
            "the first session has ended");
        using var third = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, version);
    }

    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.NotAuthorized)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.QuotaExceeded)]
    public async Task TheTenantsMaxConnectionsRefusesFurtherDevicesOfThatTenant(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(tenantExtra: """, "resource-limits": { "max-connections": 1 }"""),
            new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" });
        using var first = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        var (second, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, version));
        second.Dispose();

        result.ResultCode.Should().Be(expected);
    }
}
