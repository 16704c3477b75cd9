using System.Text.Json;
using Amqp;
using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>
/// The whole adapter against a real AMQP 1.0 broker that takes Hono's addresses as they are (the Qpid Proton example
/// broker: it queues every message it accepts until a consumer attaches). A fresh broker per test (it starts in
/// milliseconds), so no queue content leaks from one test into the next.
/// </summary>
[CancelAfter(60_000)]
public sealed class ProtonBrokerEndToEndTests
{
    private const string Tenant = "proton-tenant";

    private ProtonBroker _broker = null!;

    [SetUp]
    public async Task StartBroker() => _broker = await ProtonBroker.StartAsync();

    [TearDown]
    public async Task StopBroker() => await _broker.DisposeAsync();

    private async Task<RunningAdapter> StartAdapterAsync(string producer = "events")
    {
        var adapter = await RunningAdapter.StartAsync(BrokerScenario.Registry(Tenant), BrokerScenario.Messaging(_broker.Port, producer));
        await BrokerScenario.UntilConnectedAsync(adapter);
        return adapter;
    }

    private Task<AmqpTestReceiver> AttachAsync(string source) => AmqpTestReceiver.AttachAsync(_broker.Address, source);

    private static void ShouldBeHonoMessage(Message message, string endpoint, int qos, string topic)
    {
        message.Properties.To.Should().Be($"{endpoint}/{Tenant}");
        message.Properties.MessageId.Should().NotBeNull();
        message.Properties.CreationTime.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        message.ApplicationProperties["device_id"].Should().BeOfType<string>().And.Be("d1");
        message.ApplicationProperties["qos"].Should().BeOfType<int>().And.Be(qos);
        message.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
        message.ApplicationProperties["orig_address"].Should().Be(topic);
        message.ApplicationProperties.Map.ContainsKey("tenant_id").Should().BeFalse();
        (message.Header?.Durable ?? false).Should().Be(endpoint == "event", "events are durable, telemetry is not");
    }

    [Test]
    public async Task TelemetryAndEventsFromAnMqttNetDeviceReachTheApplicationWithHonosProperties()
    {
        await using var adapter = await StartAdapterAsync(producer: "none");
        await using var telemetry = await AttachAsync($"telemetry/{Tenant}");
        await using var events = await AttachAsync($"event/{Tenant}");
        using var device = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant);

        await BrokerScenario.PublishAsync(device, "telemetry", """{"temp":0}""", MqttQualityOfServiceLevel.AtMostOnce);
        await BrokerScenario.PublishAsync(device, "t/?content-type=application%2Fjson", """{"temp":1}""", MqttQualityOfServiceLevel.AtLeastOnce);
        await BrokerScenario.PublishAsync(device, "event", "door open", MqttQualityOfServiceLevel.AtLeastOnce);

        var qos0 = await telemetry.NextAsync(BrokerScenario.Deadline);
        ShouldBeHonoMessage(qos0, "telemetry", 0, "telemetry");
        qos0.Properties.ContentType.ToString().Should().Be("application/octet-stream");
        BrokerScenario.BodyText(qos0).Should().Be("""{"temp":0}""");

        var qos1 = await telemetry.NextAsync(BrokerScenario.Deadline);
        ShouldBeHonoMessage(qos1, "telemetry", 1, "t/?content-type=application%2Fjson");
        qos1.Properties.ContentType.ToString().Should().Be("application/json");
        BrokerScenario.BodyText(qos1).Should().Be("""{"temp":1}""");

        var alarm = await events.NextAsync(BrokerScenario.Deadline);
        ShouldBeHonoMessage(alarm, "event", 1, "event");
        BrokerScenario.BodyText(alarm).Should().Be("door open");
        alarm.MessageAnnotations.Map.ContainsKey(new Symbol("x-opt-retain")).Should().BeFalse();
    }

    [Test]
    public async Task ConnectedAndDisconnectedEventsArriveOnTheTenantsEventAddress()
    {
        await using var adapter = await StartAdapterAsync();
        await using var events = await AttachAsync($"event/{Tenant}");

        using (var device = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant, clientId: "proton-client"))
        {
            await device.DisconnectAsync();
        }

        foreach (var cause in new[] { "connected", "disconnected" })
        {
            var message = await events.NextAsync(BrokerScenario.Deadline);
            message.Properties.To.Should().Be($"event/{Tenant}");
            message.Properties.ContentType.ToString().Should().Be(BrokerScenario.NotificationType);
            message.Header.Durable.Should().BeTrue();
            message.ApplicationProperties["device_id"].Should().Be("d1");
            message.ApplicationProperties["qos"].Should().BeOfType<int>().And.Be(1);
            var body = JsonDocument.Parse(BrokerScenario.BodyText(message)).RootElement;
            body.GetProperty("cause").GetString().Should().Be(cause);
            body.GetProperty("remote-id").GetString().Should().Be("proton-client");
        }
    }

    [Test]
    public async Task AQoS1PublishIsPubAckedOnceTheBrokerHasAcceptedItEvenWithoutAConsumer()
    {
        await using var adapter = await StartAdapterAsync(producer: "none");
        using var device = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant);

        // Nobody consumes yet: the broker accepts and queues the event, and that is what the PUBACK means.
        var result = await BrokerScenario.PublishAsync(device, "event", "stored", MqttQualityOfServiceLevel.AtLeastOnce)
            .WaitAsync(BrokerScenario.Deadline);
        result.IsSuccess.Should().BeTrue();

        await using var events = await AttachAsync($"event/{Tenant}");
        BrokerScenario.BodyText(await events.NextAsync(BrokerScenario.Deadline)).Should().Be("stored");
    }

    [Test]
    public async Task WithoutTheBrokerAQoS1PublishIsNotPubAckedAndTheDeviceIsDisconnected()
    {
        await using var adapter = await StartAdapterAsync(producer: "none");
        using var device = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant);
        await BrokerScenario.PublishAsync(device, "event", "before", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(BrokerScenario.Deadline);

        await _broker.StopAsync();
        await Poll.UntilAsync(() => !BrokerScenario.MessagingClient(adapter).IsReady, "the adapter noticed the broker's loss", BrokerScenario.Deadline);
        var disconnected = MqttTestClient.DisconnectedAsync(device);
        var publish = BrokerScenario.PublishAsync(device, "event", "lost", MqttQualityOfServiceLevel.AtLeastOnce);

        await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(publish, disconnected, "the broker is gone");
    }

    [Test]
    public async Task MosquittoPubQoS1EventSucceedsAndReachesTheApplication()
    {
        await using var adapter = await StartAdapterAsync();
        await using var events = await AttachAsync($"event/{Tenant}");

        var result = await MosquittoClients.PublishAsync(new MosquittoOptions
        {
            Port = adapter.MqttPort, Username = BrokerScenario.Username(1, Tenant), Password = BrokerScenario.Password(1), Topic = "event", Qos = 1,
            ClientId = "mosquitto-device",
        }, "window open");

        result.Succeeded.Should().BeTrue(result.ToString());
        var messages = new List<Message>();
        for (var i = 0; i < 3; i++)
        {
            messages.Add(await events.NextAsync(BrokerScenario.Deadline));   // connected, the event, disconnected
        }

        var alarm = messages.Single(m => m.Properties.ContentType.ToString() != BrokerScenario.NotificationType);
        ShouldBeHonoMessage(alarm, "event", 1, "event");
        BrokerScenario.BodyText(alarm).Should().Be("window open");
        messages.Select(m => m.Properties.ContentType.ToString()).Should().Equal(
            BrokerScenario.NotificationType, "application/octet-stream", BrokerScenario.NotificationType);
    }
}
