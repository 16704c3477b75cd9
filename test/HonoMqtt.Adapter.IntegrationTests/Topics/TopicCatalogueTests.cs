using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Topics;

/// <summary>
/// The rows of the spec's topic catalogue (mqtt-adapter.md §3.0) for telemetry, events and error subscriptions, for an
/// authenticated device (A), a gateway (G) and a client of an adapter without authentication (U), for MQTT 3.1.1 and
/// 5.0 on both ports; command delivery itself is tested with command &amp; control.
/// </summary>
[TestFixture(false, MqttProtocolVersion.V311)]
[TestFixture(false, MqttProtocolVersion.V500)]
[TestFixture(true, MqttProtocolVersion.V311)]
[TestFixture(true, MqttProtocolVersion.V500)]
public sealed class TopicCatalogueTests(bool tls, MqttProtocolVersion version)
{
    private static readonly string Registry = TestRegistry.Simple().Replace("\"d1\": {", """
        "gw": { "credentials": [ { "type": "hashed-password", "auth-id": "gw", "secrets": [ { "pwd-plain": "gw-pw" } ] } ] },
        "edge": { "via": ["gw"] },
        "d1": {
        """);

    private RunningAdapter _authenticated = null!;
    private RunningAdapter _open = null!;
    private readonly Dictionary<RunningAdapter, (AmqpTestReceiver Telemetry, AmqpTestReceiver Events)> _receivers = [];

    [OneTimeSetUp]
    public async Task StartAdapters()
    {
        var transport = await Transport.CreateAsync(tls);
        var settings = new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" };
        _authenticated = await RunningAdapter.StartAsync(transport, Registry, settings);
        _open = await RunningAdapter.StartAsync(transport, Registry, new Dictionary<string, string?>(settings) { ["hono:mqtt:authenticationRequired"] = "false" });
        foreach (var adapter in new[] { _authenticated, _open })
        {
            _receivers[adapter] = (await adapter.AttachReceiverAsync("telemetry/t1"), await adapter.AttachReceiverAsync("event/t1"));
        }
    }

    [OneTimeTearDown]
    public async Task StopAdapters()
    {
        foreach (var (adapter, (telemetry, events)) in _receivers)
        {
            await telemetry.DisposeAsync();
            await events.DisposeAsync();
            await adapter.DisposeAsync();
        }
    }

    [TestCase("A", "telemetry", 0, "d1")]
    [TestCase("A", "telemetry", 1, "d1")]
    [TestCase("A", "t", 1, "d1")]
    [TestCase("A", "telemetry/t1/d1", 0, "d1")]
    [TestCase("A", "t//d1", 1, "d1")]
    [TestCase("A", "telemetry/?content-type=text%2Fplain", 1, "d1")]
    [TestCase("G", "telemetry/t1/edge", 1, "edge")]
    [TestCase("G", "t//edge", 0, "edge")]
    [TestCase("U", "telemetry/t1/d1", 0, "d1")]
    [TestCase("U", "t/t1/edge", 1, "edge")]
    [TestCase("A", "event", 1, "d1")]
    [TestCase("A", "e/t1/d1", 1, "d1")]
    [TestCase("A", "event//d1/?hono-ttl=30", 1, "d1")]
    [TestCase("G", "event/t1/edge", 1, "edge")]
    [TestCase("G", "e//edge", 1, "edge")]
    [TestCase("U", "event/t1/d1", 1, "d1")]
    public async Task APublishOnACatalogueTopicIsForwarded(string who, string topic, int qos, string expectedDevice)
    {
        var (adapter, username, password) = Client(who);
        var (telemetry, events) = _receivers[adapter];
        var receiver = topic.StartsWith('e') ? events : telemetry;
        using var client = await adapter.ConnectDeviceAsync(username, password, version);
        var marker = Guid.NewGuid().ToString("N");

        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(marker)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).Build());

        var message = await NextWithBodyAsync(receiver, marker);
        message.ApplicationProperties["device_id"].Should().Be(expectedDevice);
        message.ApplicationProperties["qos"].Should().Be(topic.StartsWith('e') ? 1 : qos);
        message.ApplicationProperties["orig_address"].Should().Be(topic);
        await client.DisconnectAsync();
    }

    [TestCase("A", "error///#")]
    [TestCase("A", "e/t1//#")]
    [TestCase("A", "error//+/#")]
    [TestCase("A", "error//d1/#")]
    [TestCase("A", "e/t1/d1/#")]
    [TestCase("G", "error//edge/#")]
    [TestCase("G", "error/t1/edge/#")]
    [TestCase("U", "error/t1/d1/#")]
    [TestCase("U", "e/t1/edge/#")]
    public async Task AnErrorSubscriptionOfTheCatalogueIsGrantedWithQoS0(string who, string filter)
    {
        var (adapter, username, password) = Client(who);
        using var client = await adapter.ConnectDeviceAsync(username, password, version);

        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtMostOnce).Build());

        result.Items.Single().ResultCode.Should().Be(MqttClientSubscribeResultCode.GrantedQoS0);
        await client.DisconnectAsync();
    }

    [TestCase("U", "error///#", TestName = "U without tenant and device")]
    [TestCase("U", "error/t1/+/#", TestName = "U with + as device")]
    [TestCase("A", "error//edge/#", TestName = "A for a device that does not list it")]
    public async Task AnErrorSubscriptionOutsideTheCatalogueFails(string who, string filter)
    {
        var (adapter, username, password) = Client(who);
        using var client = await adapter.ConnectDeviceAsync(username, password, version);

        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtMostOnce).Build());

        result.Items.Single().ResultCode.Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
        await client.DisconnectAsync();
    }

    [TestCase("A", "command///req/#", 1)]
    [TestCase("A", "c///q/#", 0)]
    [TestCase("A", "command/t1//req/#", 1)]
    [TestCase("A", "command//d1/req/#", 0)]
    [TestCase("A", "c/t1/d1/q/#", 1)]
    [TestCase("G", "command//+/req/#", 1)]
    [TestCase("G", "command/t1/+/req/#", 0)]
    [TestCase("G", "command//edge/req/#", 1)]
    [TestCase("G", "c/t1/edge/q/#", 0)]
    [TestCase("U", "command/t1/d1/req/#", 1)]
    [TestCase("U", "c/t1/edge/q/#", 0)]
    public async Task ACommandSubscriptionOfTheCatalogueIsGrantedWithItsQoS(string who, string filter, int qos)
    {
        var (adapter, username, password) = Client(who);
        using var client = await adapter.ConnectDeviceAsync(username, password, version);

        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, (MqttQualityOfServiceLevel)qos).Build());

        result.Items.Single().ResultCode.Should().Be(qos == 0 ? MqttClientSubscribeResultCode.GrantedQoS0 : MqttClientSubscribeResultCode.GrantedQoS1);
        await client.DisconnectAsync();
    }

    [TestCase("A", "command///res/{0}/200", "d1")]
    [TestCase("A", "c//d1/s/{0}/204", "d1")]
    [TestCase("G", "command//edge/res/{0}/200", "edge")]
    [TestCase("G", "c/t1/edge/s/{0}/500", "edge")]
    [TestCase("U", "command/t1/d1/res/{0}/200", "d1")]
    public async Task ACommandResponseOnACatalogueTopicIsForwarded(string who, string topicFormat, string device)
    {
        var (adapter, username, password) = Client(who);
        var replyId = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var responses = await adapter.AttachReceiverAsync($"command_response/t1/{replyId}");
        using var client = await adapter.ConnectDeviceAsync(username, password, version);
        var requestId = HonoMqtt.Adapter.Commands.RequestId.Encode("corr-1", replyId, device);

        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(string.Format(System.Globalization.CultureInfo.InvariantCulture, topicFormat, requestId))
            .WithPayload("ok").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var response = await responses.NextAsync();
        response.Properties.CorrelationId.Should().Be("corr-1");
        response.ApplicationProperties["device_id"].Should().Be(device);
        await client.DisconnectAsync();
    }

    private (RunningAdapter Adapter, string Username, string Password) Client(string who) => who switch
    {
        "A" => (_authenticated, TestRegistry.Username, TestRegistry.Password),
        "G" => (_authenticated, "gw@t1", "gw-pw"),
        _ => (_open, "anyone", "anything"),
    };

    private static async Task<Amqp.Message> NextWithBodyAsync(AmqpTestReceiver receiver, string marker)
    {
        while (true)
        {
            var message = await receiver.NextAsync();
            if (Encoding.UTF8.GetString(((Amqp.Framing.Data)message.BodySection).Binary) == marker)
            {
                return message;
            }
        }
    }
}
