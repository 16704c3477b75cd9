using System.Text.Json;
using Amqp;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Downstream;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>
/// The whole adapter against <see cref="ScriptedAmqpPeer"/> as its messaging network: what a device observes (PUBACK,
/// disconnect, CONNACK) for every answer the network can give. Without an error subscription Hono's default error
/// handling closes the device's connection instead of acknowledging a message the network did not accept.
/// </summary>
[CancelAfter(60_000)]
public sealed class ScriptedPeerEndToEndTests
{
    private const string Tenant = "scripted";

    /// <summary>Low, so that the "no answer" cases take a fraction of a second.</summary>
    private const int SendTimeoutMs = 300;

    private ScriptedAmqpPeer _peer = null!;

    [SetUp]
    public void StartPeer() => _peer = ScriptedAmqpPeer.Start();

    [TearDown]
    public void StopPeer() => _peer.Dispose();

    private async Task<RunningAdapter> StartAdapterAsync(string producer = "none", int sendMessageTimeout = SendTimeoutMs)
    {
        var adapter = await RunningAdapter.StartAsync(BrokerScenario.Registry(Tenant), BrokerScenario.Messaging(_peer.Port, producer, sendMessageTimeout));
        await BrokerScenario.UntilConnectedAsync(adapter);
        return adapter;
    }

    private static PeerAnswer AnswerNamed(string answer) => answer switch
    {
        "rejected (resource-limit-exceeded)" => PeerAnswer.Reject(ErrorCode.ResourceLimitExceeded, "queue full"),
        "rejected (no error)" => PeerAnswer.RejectWithoutError,
        "released" => PeerAnswer.Release,
        "modified" => PeerAnswer.Modify(undeliverableHere: false),
        "modified (undeliverable here)" => PeerAnswer.Modify(undeliverableHere: true),
        "no answer" => PeerAnswer.Hold,
        _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, null),
    };

    private static Task<IMqttClient> ConnectAsync(RunningAdapter adapter) => BrokerScenario.ConnectDeviceAsync(adapter, Tenant);

    private ReceivedTransfer[] ReceivedFrom(string topic) =>
        _peer.Received.Where(r => r.Message.ApplicationProperties?["orig_address"] as string == topic).ToArray();

    [Test]
    [Combinatorial]
    public async Task AQoS1PublishTheNetworkDoesNotAcceptIsNotPubAckedAndTheConnectionIsClosed(
        [Values("telemetry", "event")] string topic,
        [Values("rejected (resource-limit-exceeded)", "rejected (no error)", "released", "modified", "modified (undeliverable here)", "no answer")]
        string answer)
    {
        await using var adapter = await StartAdapterAsync();
        using var device = await ConnectAsync(adapter);
        var disconnected = MqttTestClient.DisconnectedAsync(device);
        _peer.Answer = AnswerNamed(answer);

        var publish = BrokerScenario.PublishAsync(device, topic, "payload", MqttQualityOfServiceLevel.AtLeastOnce);

        await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(publish, disconnected, $"the network answered {answer}");
        ReceivedFrom(topic).Should().ContainSingle("the message did reach the network, which answered {0}", answer)
            .Which.Target.Should().Be($"{topic}/{Tenant}");
    }

    [TestCase("telemetry")]
    [TestCase("event")]
    public async Task AQoS1PublishIsPubAckedOnlyAfterTheNetworkAcceptedIt(string topic)
    {
        await using var adapter = await StartAdapterAsync(sendMessageTimeout: 10_000);
        using var device = await ConnectAsync(adapter);
        _peer.Answer = PeerAnswer.Hold;

        var publish = BrokerScenario.PublishAsync(device, topic, "payload", MqttQualityOfServiceLevel.AtLeastOnce);
        await Eventually.UntilAsync(() => _peer.HeldCount == 1, BrokerScenario.Deadline, "the network holds the message");

        publish.IsCompleted.Should().BeFalse("no PUBACK before the network's disposition");
        _peer.AnswerHeld(PeerAnswer.Accept).Should().Be(1);
        (await publish.WaitAsync(BrokerScenario.Deadline)).IsSuccess.Should().BeTrue();
        device.IsConnected.Should().BeTrue();
        await device.PingAsync();
    }

    [TestCase("telemetry")]
    [TestCase("event")]
    public async Task WithoutCreditAQoS1PublishIsNotPubAckedAndIsNotSentWhenCreditArrivesLater(string topic)
    {
        _peer.InitialCredit = 0;
        await using var adapter = await StartAdapterAsync();
        using var device = await ConnectAsync(adapter);
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        var publish = BrokerScenario.PublishAsync(device, topic, "without credit", MqttQualityOfServiceLevel.AtLeastOnce);

        await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(publish, disconnected, "the network never granted credit");
        _peer.Received.Should().BeEmpty();

        // Credit now: the failed message must have been dropped, not sent behind the device's back before the next one.
        _peer.GrantCredit(10);
        using var again = await ConnectAsync(adapter);
        (await BrokerScenario.PublishAsync(again, topic, "with credit", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(BrokerScenario.Deadline))
            .IsSuccess.Should().BeTrue();
        _peer.Received.Select(r => BrokerScenario.BodyText(r.Message)).Should().Equal("with credit");
    }

    [Test]
    public async Task AQoS0PublishDoesNotWaitForTheDispositionAndALateFailureKeepsTheConnection()
    {
        await using var adapter = await StartAdapterAsync(sendMessageTimeout: 3_000);
        var client = BrokerScenario.MessagingClient(adapter);
        using var device = await ConnectAsync(adapter);
        var disconnected = MqttTestClient.DisconnectedAsync(device);
        _peer.Answer = PeerAnswer.Hold;

        for (var i = 0; i < 3; i++)
        {
            await BrokerScenario.PublishAsync(device, "telemetry", $"reading {i}", MqttQualityOfServiceLevel.AtMostOnce);
        }

        // MQTTnet handles one client's packets in order: had the adapter waited for each disposition, the second
        // message would have reached the network only after the first one had timed out.
        await Eventually.UntilAsync(() => _peer.HeldCount == 3, BrokerScenario.Deadline, "all three QoS 0 messages are at the network");
        client.TimeoutCount.Should().Be(0, "all three were handed over before the first one's send timeout");
        await device.PingAsync();

        // After the timeout the failure is only counted and logged: QoS 0 is fire and forget.
        await Poll.UntilAsync(() => client.TimeoutCount == 3, "the three deliveries timed out", BrokerScenario.Deadline);
        await device.PingAsync();
        disconnected.IsCompleted.Should().BeFalse();
        device.IsConnected.Should().BeTrue();
    }

    [Test]
    public async Task WhenTheNetworkDropsTheConnectionInsteadOfAnsweringThereIsNoPubAckAndTheAdapterReconnects()
    {
        await using var adapter = await StartAdapterAsync(sendMessageTimeout: 10_000);
        var messaging = BrokerScenario.MessagingClient(adapter);
        using var device = await ConnectAsync(adapter);
        var disconnected = MqttTestClient.DisconnectedAsync(device);
        _peer.Answer = PeerAnswer.CloseConnection;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var publish = BrokerScenario.PublishAsync(device, "event", "in flight", MqttQualityOfServiceLevel.AtLeastOnce);

        await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(publish, disconnected, "the network closed the connection");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the loss of the connection fails the delivery at once, not after the 10 s send timeout");
        _peer.Answer = PeerAnswer.Accept;
        await Poll.UntilAsync(() => messaging.ConnectCount == 2 && messaging.IsReady, "the adapter reconnected by itself", BrokerScenario.Deadline);
        using var again = await ConnectAsync(adapter);
        (await BrokerScenario.PublishAsync(again, "event", "after reconnect", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(BrokerScenario.Deadline))
            .IsSuccess.Should().BeTrue();
        // The messaging connection was opened twice (the command connection, "-commands", is counted apart).
        _peer.ContainerIds.Count(id => !id.EndsWith("-commands", StringComparison.Ordinal)).Should().Be(2);
    }

    [Test]
    public async Task AnEventLinkTheNetworkRefusesLeadsToNoPubAck()
    {
        await using var adapter = await StartAdapterAsync();
        using var device = await ConnectAsync(adapter);
        var disconnected = MqttTestClient.DisconnectedAsync(device);
        _peer.Attach = AttachAnswer.NotFound;

        var publish = BrokerScenario.PublishAsync(device, "event", "payload", MqttQualityOfServiceLevel.AtLeastOnce);

        await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(publish, disconnected, "the network refused the link");
        _peer.AttachTargets.Should().Contain($"event/{Tenant}");
    }

    [Test]
    public async Task TheConnectedEventAcceptedByTheNetworkLetsTheDeviceConnect()
    {
        await using var adapter = await StartAdapterAsync(producer: "events");

        var (client, result) = await MqttTestClient.ConnectAsync(
            MqttTestClient.Options(adapter.MqttPort, BrokerScenario.Username(1, Tenant), BrokerScenario.Password(1), clientId: "scripted-client"));
        using var _ = client;

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        var connected = _peer.Received.Should().ContainSingle().Which;
        connected.Target.Should().Be($"event/{Tenant}");
        connected.Message.Header.Durable.Should().BeTrue();
        connected.Message.Properties.ContentType.ToString().Should().Be(BrokerScenario.NotificationType);
        JsonDocument.Parse(BrokerScenario.BodyText(connected.Message)).RootElement.GetProperty("cause").GetString().Should().Be("connected");
    }

    [TestCase("rejected (resource-limit-exceeded)")]
    [TestCase("released")]
    [TestCase("no answer")]
    public async Task AConnectedEventTheNetworkDoesNotAcceptRefusesTheConnectWithServerUnavailable(string answer)
    {
        await using var adapter = await StartAdapterAsync(producer: "events");
        _peer.Answer = AnswerNamed(answer);

        var (client, result) = await MqttTestClient.ConnectAsync(
            MqttTestClient.Options(adapter.MqttPort, BrokerScenario.Username(1, Tenant), BrokerScenario.Password(1)));
        client.Dispose();

        result.ResultCode.Should().Be(MqttClientConnectResultCode.ServerUnavailable);
        _peer.Received.Should().ContainSingle("the connected event reached the network, which answered {0}", answer)
            .Which.Message.Properties.ContentType.ToString().Should().Be(BrokerScenario.NotificationType);
    }

    [Test]
    public async Task AShutdownWhileTheNetworkDoesNotAnswerTheDisconnectedEventEndsCleanly()
    {
        var adapter = await StartAdapterAsync(producer: "events", sendMessageTimeout: 30_000);
        using var device = await ConnectAsync(adapter);
        _peer.Answer = PeerAnswer.Hold;

        // The session ends with the shutdown; its "disconnected" event waits for an answer that never comes, longer than the drain bound.
        var stopping = adapter.StopAsync();

        await stopping.WaitAsync(TimeSpan.FromSeconds(25));
        _peer.HeldCount.Should().Be(1, "the disconnected event was sent");
        await adapter.DisposeAsync();
    }
}
