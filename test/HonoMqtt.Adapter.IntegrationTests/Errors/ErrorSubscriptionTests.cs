using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Errors;

/// <summary>The error topic and the property bag's <c>on-error</c>, as Hono defines them, with MQTT 5's precise PUBACK codes.</summary>
public sealed class ErrorSubscriptionTests
{
    private static readonly IDictionary<string, string?> NoConnectionEvents = new Dictionary<string, string?>
    {
        ["hono:connectionEvents:producer"] = "none",
    };

    private static readonly string GatewayRegistry = TestRegistry.Simple(moreDevices: "").Replace("\"d1\": {", """
        "gw": { "credentials": [ { "type": "hashed-password", "auth-id": "gw", "secrets": [ { "pwd-plain": "gw-pw" } ] } ] },
        "edge": { "via": ["gw"] },
        "d1": {
        """);

    private sealed class Device : IAsyncDisposable
    {
        private readonly List<MqttApplicationMessage> _received = [];
        private readonly SemaphoreSlim _signal = new(0);

        public required IMqttClient Client { get; init; }

        public static async Task<Device> ConnectAsync(RunningAdapter adapter, MqttProtocolVersion version, string username = "a1@t1",
            string password = TestRegistry.Password)
        {
            var client = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, username, password, version);
            var device = new Device { Client = client };
            client.ApplicationMessageReceivedAsync += e =>
            {
                lock (device._received)
                {
                    device._received.Add(e.ApplicationMessage);
                }

                device._signal.Release();
                return Task.CompletedTask;
            };
            return device;
        }

        public async Task<MqttApplicationMessage> NextMessageAsync()
        {
            (await _signal.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("an error message arrives");
            lock (_received)
            {
                var first = _received[0];
                _received.RemoveAt(0);
                return first;
            }
        }

        public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtMostOnce)
        {
            var result = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, qos).Build());
            return result.Items.Single().ResultCode;
        }

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static MqttApplicationMessage Message(string topic, string? payload, int qos = 1) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload ?? string.Empty)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).Build();

    private static JsonElement Json(MqttApplicationMessage message) => JsonDocument.Parse(System.Buffers.BuffersExtensions.ToArray(message.Payload)).RootElement;

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task WithAnErrorSubscriptionAFailedPublishIsReportedAndTheConnectionKept(MqttProtocolVersion version)
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        await using var device = await Device.ConnectAsync(adapter, version);
        (await device.SubscribeAsync("error///#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS0);

        // Nobody consumes telemetry/t1: 503 "no consumer available".
        var result = await device.Client.PublishAsync(Message("telemetry/?correlation-id=abc", "1"));

        var error = await device.NextMessageAsync();
        error.Topic.Should().Be("error///telemetry/abc/503");
        error.QualityOfServiceLevel.Should().Be(MqttQualityOfServiceLevel.AtMostOnce);
        var json = Json(error);
        json.GetProperty("code").GetInt32().Should().Be(503);
        json.GetProperty("message").GetString().Should().Be("no consumer available");
        json.GetProperty("correlation-id").GetString().Should().Be("abc");
        json.GetProperty("timestamp").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$");
        device.Client.IsConnected.Should().BeTrue();
        if (version == MqttProtocolVersion.V500)
        {
            result.ReasonCode.Should().Be(MqttClientPublishReasonCode.UnspecifiedError, "a 503 means: try again later");
        }
        else
        {
            result.IsSuccess.Should().BeTrue("MQTT 3.1.1 PUBACKs carry no code");
        }
    }

    [Test]
    public async Task TheCorrelationIdDefaultsToThePacketIdAndTheTenantAndDeviceEchoTheFilter()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        await using var device = await Device.ConnectAsync(adapter, MqttProtocolVersion.V311);
        (await device.SubscribeAsync("e/t1/d1/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS0);

        await device.Client.PublishAsync(Message("t", "1"));

        (await device.NextMessageAsync()).Topic.Should().MatchRegex(@"^e/t1/d1/t/\d+/503$");
    }

    [TestCase("telemetry/?on-error=ignore", "", MqttClientPublishReasonCode.PayloadFormatInvalid, TestName = "empty payload without content type: payload format invalid")]
    [TestCase("unknown/?on-error=ignore", "x", MqttClientPublishReasonCode.TopicNameInvalid, TestName = "unknown endpoint: topic name invalid")]
    [TestCase("telemetry/t1/?on-error=ignore", "x", MqttClientPublishReasonCode.TopicNameInvalid, TestName = "tenant without device: topic name invalid")]
    [TestCase("telemetry/?on-error=ignore", "x", MqttClientPublishReasonCode.UnspecifiedError, TestName = "no consumer: unspecified error")]
    public async Task OnErrorIgnoreKeepsTheConnectionAndMqtt5GetsThePreciseReasonCode(string topic, string payload, MqttClientPublishReasonCode expected)
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        await using var device = await Device.ConnectAsync(adapter, MqttProtocolVersion.V500);

        var result = await device.Client.PublishAsync(Message(topic, payload));

        result.ReasonCode.Should().Be(expected);
        result.ReasonString.Should().NotBeNullOrEmpty();
        await device.Client.PingAsync();
    }

    // Raw sockets here: MQTTnet's client drops application messages that arrive right before the server closes.
    private static async Task<NetworkStream> ConnectRawAsync(RunningAdapter adapter, TcpClient tcp, string clientId)
    {
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(RawMqtt.Connect(clientId, TestRegistry.Username, TestRegistry.Password, keepAliveSeconds: 60));
        (await RawMqtt.ReadConnAckAsync(stream)).Should().Be(0);
        await stream.WriteAsync(RawMqtt.Packet(0x82, [0, 1, .. RawMqtt.Utf8String("error///#"), 0]));
        (await RawMqtt.ReadPacketAsync(stream)).Header.Should().Be(0x90, "SUBACK");
        return stream;
    }

    private static async Task<string> ReadErrorTopicThenCloseAsync(NetworkStream stream)
    {
        var (header, body) = await RawMqtt.ReadPacketAsync(stream);
        (header & 0xF0).Should().Be(0x30, "an error message (PUBLISH) comes first");
        var topic = Encoding.UTF8.GetString(body, 2, (body[0] << 8) | body[1]);
        (await RawMqtt.ReadToEndAsync(stream, TimeSpan.FromSeconds(10))).Should().BeTrue("then the adapter closes the connection");
        return topic;
    }

    [Test]
    public async Task OnErrorDisconnectClosesEvenWithAnErrorSubscriptionAfterReportingTheError()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        using var tcp = new TcpClient();
        var stream = await ConnectRawAsync(adapter, tcp, "disconnecter");

        await stream.WriteAsync(RawMqtt.Publish("telemetry/?on-error=disconnect", "x"u8.ToArray(), qos: 0));

        (await ReadErrorTopicThenCloseAsync(stream)).Should().Be("error///telemetry/-1/503");
    }

    [Test]
    public async Task ATerminalErrorClosesTheConnectionWhateverOnErrorSays()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        using var tcp = new TcpClient();
        var stream = await ConnectRawAsync(adapter, tcp, "terminal");

        await stream.WriteAsync(RawMqtt.Publish("telemetry/other-tenant/d1/?on-error=ignore", "x"u8.ToArray(), qos: 1, packetId: 9));

        (await ReadErrorTopicThenCloseAsync(stream)).Should().Be("error///telemetry/9/403");
    }

    [Test]
    public async Task OnErrorSkipAckSendsNoPubAckButKeepsTheConnection()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", adapter.MqttPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(RawMqtt.Connect("skipper", TestRegistry.Username, TestRegistry.Password, keepAliveSeconds: 60));
        (await RawMqtt.ReadConnAckAsync(stream)).Should().Be(0);

        await stream.WriteAsync(RawMqtt.Publish("telemetry/?on-error=skip-ack", "x"u8.ToArray(), qos: 1, packetId: 7));
        await stream.WriteAsync(RawMqtt.PingReq);

        var (header, _) = await RawMqtt.ReadPacketAsync(stream);
        header.Should().Be(0xD0, "the next packet is the PINGRESP: no PUBACK for the failed publish, and the connection lives");
    }

    [TestCase("error///#", MqttQualityOfServiceLevel.AtLeastOnce, TestName = "QoS 1 is not allowed")]
    [TestCase("error/+//#", MqttQualityOfServiceLevel.AtMostOnce, TestName = "+ as tenant")]
    [TestCase("error/other//#", MqttQualityOfServiceLevel.AtMostOnce, TestName = "another tenant")]
    [TestCase("error//#", MqttQualityOfServiceLevel.AtMostOnce, TestName = "three segments")]
    [TestCase("error///x", MqttQualityOfServiceLevel.AtMostOnce, TestName = "last segment not #")]
    [TestCase("error//edge/#", MqttQualityOfServiceLevel.AtMostOnce, TestName = "a device that does not list the subscriber as gateway")]
    [TestCase("#", MqttQualityOfServiceLevel.AtMostOnce, TestName = "a general wildcard")]
    [TestCase("telemetry/t1/d1", MqttQualityOfServiceLevel.AtMostOnce, TestName = "a telemetry topic")]
    public async Task InvalidSubscriptionsGetTheFailureCode(string filter, MqttQualityOfServiceLevel qos)
    {
        await using var adapter = await RunningAdapter.StartAsync(GatewayRegistry, NoConnectionEvents);
        await using var device = await Device.ConnectAsync(adapter, MqttProtocolVersion.V311);

        (await device.SubscribeAsync(filter, qos)).Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
    }

    [Test]
    public async Task AGatewaysErrorSubscriptionForItsDeviceGetsThatDevicesErrors()
    {
        await using var adapter = await RunningAdapter.StartAsync(GatewayRegistry, NoConnectionEvents);
        await using var gateway = await Device.ConnectAsync(adapter, MqttProtocolVersion.V311, "gw@t1", "gw-pw");
        (await gateway.SubscribeAsync("error//edge/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS0);

        await gateway.Client.PublishAsync(Message("telemetry//edge/?correlation-id=7", "x"));

        (await gateway.NextMessageAsync()).Topic.Should().Be("error//edge/telemetry/7/503");
    }

    [Test]
    public async Task UnsubscribingAnErrorFilterAnswersSuccessOrUnspecifiedError()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), NoConnectionEvents);
        await using var device = await Device.ConnectAsync(adapter, MqttProtocolVersion.V500);
        await device.SubscribeAsync("error///#");

        var first = await device.Client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter("error///#").Build());
        var second = await device.Client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter("error///#").Build());

        first.Items.Single().ResultCode.Should().Be(MqttClientUnsubscribeResultCode.Success);
        second.Items.Single().ResultCode.Should().Be(MqttClientUnsubscribeResultCode.UnspecifiedError);
        var disconnected = MqttTestClient.DisconnectedAsync(device.Client);
        _ = device.Client.PublishAsync(Message("telemetry", "x", qos: 0));
        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
