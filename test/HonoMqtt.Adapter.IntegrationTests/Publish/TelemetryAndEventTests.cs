using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Publish;

/// <summary>Telemetry and events from authenticated devices, through the embedded endpoint to business applications.</summary>
public sealed class TelemetryAndEventTests
{
    private const string Tenant = TestRegistry.Tenant;

    private static async Task<(RunningAdapter Adapter, AmqpTestReceiver Telemetry, AmqpTestReceiver Events)> StartAsync(string? registry = null)
    {
        var adapter = await RunningAdapter.StartAsync(registry ?? TestRegistry.Simple());
        var telemetry = await adapter.AttachReceiverAsync($"telemetry/{Tenant}");
        var events = await adapter.AttachReceiverAsync($"event/{Tenant}");
        return (adapter, telemetry, events);
    }

    private static Task PublishAsync(IMqttClient client, string topic, string payload, MqttQualityOfServiceLevel qos, bool retain = false,
        string? contentType = null) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain).WithContentType(contentType).Build());

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task QoS0TelemetryReachesTheApplicationWithHonosProperties(MqttProtocolVersion version)
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, version);

        await PublishAsync(device, "telemetry", """{"temp":5}""", MqttQualityOfServiceLevel.AtMostOnce);
        var message = await telemetry.NextAsync();

        message.Properties.To.Should().Be($"telemetry/{Tenant}");
        message.Properties.ContentType.ToString().Should().Be("application/octet-stream");
        message.Properties.MessageId.Should().NotBeNull();
        message.Properties.CreationTime.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromSeconds(30));
        message.ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
        message.ApplicationProperties["qos"].Should().BeOfType<int>().And.Be(0);
        message.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
        message.ApplicationProperties["orig_address"].Should().Be("telemetry");
        message.ApplicationProperties.Map.ContainsKey("tenant_id").Should().BeFalse();
        (message.Header?.Durable ?? false).Should().BeFalse();
        message.MessageAnnotations.Map.ContainsKey(new Symbol("x-opt-retain")).Should().BeFalse();
        Encoding.UTF8.GetString(((Data)message.BodySection).Binary).Should().Be("""{"temp":5}""");
    }

    [Test]
    public async Task QoS1EventIsPubAckedOnlyAfterTheApplicationAcceptedIt()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        (await events.NextAsync()).Properties.ContentType.ToString().Should().Be("application/vnd.eclipse-hono-dc-notification+json");
        events.AutoAccept = false;

        var publish = PublishAsync(device, "event/?content-type=text%2Fplain", "alarm", MqttQualityOfServiceLevel.AtLeastOnce);
        var message = await events.NextAsync();

        publish.IsCompleted.Should().BeFalse("the PUBACK must wait for the application's disposition");
        message.Header.Durable.Should().BeTrue();
        message.Properties.ContentType.ToString().Should().Be("text/plain");
        message.ApplicationProperties["qos"].Should().Be(1);
        message.ApplicationProperties["orig_address"].Should().Be("event/?content-type=text%2Fplain");
        events.Link.Accept(message);
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task QoS1TelemetryThatTheApplicationReleasesIsNotPubAcked()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        var disconnected = MqttTestClient.DisconnectedAsync(device);
        telemetry.AutoAccept = false;

        var publish = PublishAsync(device, "t", "x", MqttQualityOfServiceLevel.AtLeastOnce);
        telemetry.Link.Release(await telemetry.NextAsync());

        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        var act = () => publish;
        await act.Should().ThrowAsync<Exception>("a released message must not be acknowledged to the device");
    }

    [Test]
    public async Task RetainedTelemetryCarriesTheRetainAnnotationAndDeviceTopicFormsWork()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);

        await PublishAsync(device, $"t/{Tenant}/{TestRegistry.Device}", "1", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        await PublishAsync(device, $"telemetry//{TestRegistry.Device}", "2", MqttQualityOfServiceLevel.AtLeastOnce);

        var first = await telemetry.NextAsync();
        first.MessageAnnotations[new Symbol("x-opt-retain")].Should().Be(true);
        first.ApplicationProperties["qos"].Should().Be(1);
        first.ApplicationProperties["orig_address"].Should().Be($"t/{Tenant}/{TestRegistry.Device}");
        var second = await telemetry.NextAsync();
        second.ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
        second.MessageAnnotations.Map.ContainsKey(new Symbol("x-opt-retain")).Should().BeFalse();
    }

    [Test]
    public async Task Mqtt5ContentTypePropertyIsUsedWhenThePropertyBagHasNone()
    {
        var (adapter, telemetry, events) = await StartAsync();
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password, MqttProtocolVersion.V500);

        await PublishAsync(device, "telemetry", "{}", MqttQualityOfServiceLevel.AtLeastOnce, contentType: "application/json");
        await PublishAsync(device, "telemetry/?content-type=text%2Fcsv", "a,b", MqttQualityOfServiceLevel.AtLeastOnce, contentType: "application/json");

        (await telemetry.NextAsync()).Properties.ContentType.ToString().Should().Be("application/json");
        (await telemetry.NextAsync()).Properties.ContentType.ToString().Should().Be("text/csv");
    }

    [Test]
    public async Task TenantAndDeviceDefaultsAndTheTenantsMaxTtlApply()
    {
        var registry = TestRegistry.Simple(
            tenantExtra: """, "defaults": { "customer": "acme", "ttl": 100, "level": 1 }, "resource-limits": { "max-ttl": 60 } """,
            deviceExtra: """, "defaults": { "level": 2, "content-type": "application/json" } """);
        var (adapter, telemetry, events) = await StartAsync(registry);
        await using var _ = adapter;
        await using var __ = telemetry;
        await using var ___ = events;
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        await events.NextAsync();   // connected

        await PublishAsync(device, "event/?hono-ttl=30", "{}", MqttQualityOfServiceLevel.AtLeastOnce);
        await PublishAsync(device, "event", "{}", MqttQualityOfServiceLevel.AtLeastOnce);

        var withDeviceTtl = await events.NextAsync();
        withDeviceTtl.Header.Ttl.Should().Be(30_000u, "a device TTL below the tenant's max-ttl wins");
        withDeviceTtl.Properties.ContentType.ToString().Should().Be("application/json");
        withDeviceTtl.ApplicationProperties["customer"].Should().Be("acme");
        withDeviceTtl.ApplicationProperties["level"].Should().Be(2, "device defaults override tenant defaults");
        withDeviceTtl.ApplicationProperties.Map.ContainsKey("ttl").Should().BeFalse();
        var withDefaultTtl = await events.NextAsync();
        withDefaultTtl.Header.Ttl.Should().Be(60_000u, "the default ttl of 100 s is capped by max-ttl");
    }
}
