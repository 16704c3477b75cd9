using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Registry;

/// <summary>The registry file is reloaded within two seconds of a change; a broken file keeps the last good one.</summary>
public sealed class RegistryReloadTests
{
    private static readonly IDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["hono:connectionEvents:producer"] = "none",
        ["hono:registry:reloadInterval"] = "500",
    };

    private static async Task<MqttClientConnectResultCode> ConnectAsync(RunningAdapter adapter, string password = TestRegistry.Password)
    {
        var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, password));
        client.Dispose();
        return result.ResultCode;
    }

    [Test]
    public async Task ADeviceDisabledInTheFileCannotConnectAnyMore()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), Settings);
        (await ConnectAsync(adapter)).Should().Be(MqttClientConnectResultCode.Success);

        var started = DateTime.UtcNow;
        await adapter.UpdateRegistryAsync(TestRegistry.Simple().Replace("\"enabled\": true ,\n", "\"enabled\": false ,\n")
            .Replace("\"d1\": {\n        \"enabled\": true", "\"d1\": {\n        \"enabled\": false"));

        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(2));
        (await ConnectAsync(adapter)).Should().Be(MqttClientConnectResultCode.NotAuthorized);
    }

    [Test]
    public async Task AChangedPasswordTakesEffectAndABrokenFileKeepsTheLastGoodRegistry()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), Settings);

        await adapter.UpdateRegistryAsync(TestRegistry.Simple().Replace($"\"pwd-plain\": \"{TestRegistry.Password}\"", "\"pwd-plain\": \"new-secret\""));
        (await ConnectAsync(adapter, "new-secret")).Should().Be(MqttClientConnectResultCode.Success);
        (await ConnectAsync(adapter)).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);

        var registry = adapter.Services.GetService(typeof(HonoMqtt.Adapter.Registry.FileDeviceRegistry)) as HonoMqtt.Adapter.Registry.FileDeviceRegistry;
        await File.WriteAllTextAsync(adapter.RegistryPath, "{ \"tenants\": { broken");
        await Poll.UntilAsync(() => registry!.ReloadIfChanged() == false, "the broken file has been looked at");

        (await ConnectAsync(adapter, "new-secret")).Should().Be(MqttClientConnectResultCode.Success, "the last good registry stays in force");
    }
}
