using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>
/// The adapter configured for a messaging network that is not there (nothing listens on the port): it starts
/// anyway, keeps trying to connect (Warning logs only: an unreachable network is an operational condition, not an
/// adapter error) and gives devices errors instead of acknowledgements.
/// </summary>
[CancelAfter(60_000)]
public sealed class NetworkUnreachableTests
{
    private const string Tenant = "unreachable";

    private static Task<RunningAdapter> StartAsync(string producer) =>
        RunningAdapter.StartAsync(BrokerScenario.Registry(Tenant), BrokerScenario.Messaging(FreePort.Get(), producer));

    [Test]
    public async Task TheConnectedEventCannotBeSentSoTheConnectIsRefusedWithServerUnavailable()
    {
        await using var adapter = await StartAsync("events");

        var (client, result) = await MqttTestClient.ConnectAsync(
            MqttTestClient.Options(adapter.MqttPort, BrokerScenario.Username(1, Tenant), BrokerScenario.Password(1)));
        client.Dispose();

        result.ResultCode.Should().Be(MqttClientConnectResultCode.ServerUnavailable);
        BrokerScenario.MessagingClient(adapter).IsReady.Should().BeFalse();
    }

    [TestCase(MqttQualityOfServiceLevel.AtLeastOnce, "event")]
    [TestCase(MqttQualityOfServiceLevel.AtLeastOnce, "telemetry")]
    [TestCase(MqttQualityOfServiceLevel.AtMostOnce, "telemetry")]
    public async Task WithoutConnectionEventsTheDeviceConnectsButItsPublishClosesTheConnection(MqttQualityOfServiceLevel qos, string topic)
    {
        await using var adapter = await StartAsync("none");
        using var device = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant);
        var disconnected = MqttTestClient.DisconnectedAsync(device);

        var publish = BrokerScenario.PublishAsync(device, topic, "payload", qos);

        if (qos == MqttQualityOfServiceLevel.AtLeastOnce)
        {
            await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(publish, disconnected, "there is no messaging network");
        }
        else
        {
            // QoS 0 has no PUBACK; the send fails at once (not connected: 503), which closes the connection as any error does.
            await publish;
            await disconnected.WaitAsync(BrokerScenario.Deadline);
        }

        device.IsConnected.Should().BeFalse();
        BrokerScenario.MessagingClient(adapter).ConnectCount.Should().Be(0);
    }
}
