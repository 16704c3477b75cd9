using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Connect;

/// <summary>The tenant's data-volume and connection-duration limits, at CONNECT and per message.</summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class ResourceLimitTests(bool tls)
{
    private static readonly string Since = DateTimeOffset.UtcNow.AddDays(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly IDictionary<string, string?> NoConnectionEvents = new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" };

    [Test]
    public async Task MessagesBeyondTheDataVolumeAreRefusedWith429AndThenConnectsAreRefused()
    {
        var registry = TestRegistry.Simple(tenantExtra: $$"""
            , "resource-limits": { "data-volume": { "effective-since": "{{Since}}", "max-bytes": 10, "period": { "mode": "days", "no-of-days": 30 } } }
            """);
        await using var adapter = await RunningAdapter.StartAsync(transport: await Transport.CreateAsync(tls), registryJson: registry, NoConnectionEvents);
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        using var device = await adapter.ConnectDeviceAsync(TestRegistry.Username, TestRegistry.Password, MqttProtocolVersion.V500);

        var first = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/?on-error=ignore").WithPayload("12345678")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var second = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/?on-error=ignore").WithPayload("12345678")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        first.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        second.ReasonCode.Should().Be(MqttClientPublishReasonCode.QuotaExceeded);
        second.ReasonString.Should().Be("tenant's accumulated message data volume exceeds configured maximum value");
        (await telemetry.NextAsync()).Should().NotBeNull();
        telemetry.TryTake(out var _).Should().BeFalse("the second message is not forwarded");

        foreach (var (version, expected) in new[]
                 {
                     (MqttProtocolVersion.V311, MqttClientConnectResultCode.NotAuthorized), (MqttProtocolVersion.V500, MqttClientConnectResultCode.QuotaExceeded),
                 })
        {
            var (client, result) = await MqttTestClient.ConnectAsync(adapter.DeviceOptions(TestRegistry.Username, TestRegistry.Password, version));
            client.Dispose();
            result.ResultCode.Should().Be(expected, version.ToString());
        }
    }

    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.NotAuthorized)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.QuotaExceeded)]
    public async Task AnExhaustedConnectionDurationRefusesConnects(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        var registry = TestRegistry.Simple(tenantExtra: $$"""
            , "resource-limits": { "connection-duration": { "effective-since": "{{Since}}", "max-minutes": 0, "period": { "mode": "days", "no-of-days": 30 } } }
            """);
        await using var adapter = await RunningAdapter.StartAsync(transport: await Transport.CreateAsync(tls), registryJson: registry, NoConnectionEvents);

        var (client, result) = await MqttTestClient.ConnectAsync(adapter.DeviceOptions(TestRegistry.Username, TestRegistry.Password, version));
        client.Dispose();

        result.ResultCode.Should().Be(expected);
    }
}
