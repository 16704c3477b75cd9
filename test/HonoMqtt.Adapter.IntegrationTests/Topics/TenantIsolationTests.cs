using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Topics;

/// <summary>
/// Nothing of tenant A acts as tenant B: not its devices, not its gateways (even one that B's device lists), not its
/// subscriptions; and B's applications receive nothing from A. Certificates: see <c>Tls/X509TenantIsolationTests</c>.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class TenantIsolationTests(bool tls)
{
    private const string TwoTenants = """
        {
          "tenants": { "A": {}, "B": {} },
          "devices": {
            "A": {
              "dev": { "credentials": [ { "type": "hashed-password", "auth-id": "dev", "secrets": [ { "pwd-plain": "a" } ] } ] },
              "gw": { "credentials": [ { "type": "hashed-password", "auth-id": "gw", "secrets": [ { "pwd-plain": "a" } ] } ] }
            },
            "B": {
              "dev": { "via": ["gw"], "credentials": [ { "type": "hashed-password", "auth-id": "dev", "secrets": [ { "pwd-plain": "b" } ] } ] },
              "gw": {}
            }
          }
        }
        """;

    private RunningAdapter _adapter = null!;
    private AmqpTestReceiver _telemetryB = null!;
    private AmqpTestReceiver _eventsB = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _adapter = await RunningAdapter.StartAsync(await Transport.CreateAsync(tls), TwoTenants,
            new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" });
        _telemetryB = await _adapter.AttachReceiverAsync("telemetry/B");
        _eventsB = await _adapter.AttachReceiverAsync("event/B");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _telemetryB.DisposeAsync();
        await _eventsB.DisposeAsync();
        await _adapter.DisposeAsync();
    }

    [TestCase("dev@A", "telemetry/B/dev", TestName = "A's device publishing telemetry as B's device of the same id")]
    [TestCase("dev@A", "event/B/dev", TestName = "A's device publishing an event for tenant B")]
    [TestCase("gw@A", "telemetry/B/dev", TestName = "A's gateway publishing for B's device that lists a gateway of that id")]
    [TestCase("gw@A", "t//dev", TestName = "A's gateway publishing for its own tenant's unknown device")]
    public async Task APublishForAnotherTenantIsRefusedAndNeverForwarded(string username, string topic)
    {
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            using var client = await _adapter.ConnectDeviceAsync(username, "a", version);
            var disconnected = MqttTestClient.DisconnectedAsync(client);

            var publish = client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("x")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

            await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
            await ((Func<Task>)(() => publish)).Should().ThrowAsync<Exception>();
        }

        _telemetryB.TryTake(out var _).Should().BeFalse();
        _eventsB.TryTake(out var _).Should().BeFalse();
    }

    [TestCase("error/B//#")]
    [TestCase("error/B/dev/#")]
    [TestCase("command/B//req/#")]
    [TestCase("command/B/+/req/#")]
    [TestCase("c/B/dev/q/#")]
    public async Task ASubscriptionForAnotherTenantFails(string filter)
    {
        using var client = await _adapter.ConnectDeviceAsync("gw@A", "a", MqttProtocolVersion.V500);

        var qos = filter.StartsWith('e') ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, qos).Build());

        result.Items.Single().ResultCode.Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
    }

    [Test]
    public async Task CredentialsOfOneTenantDoNotAuthenticateInAnother()
    {
        var (client, result) = await MqttTestClient.ConnectAsync(_adapter.DeviceOptions("dev@B", "a"));
        client.Dispose();

        result.ResultCode.Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword, "dev@B has B's password, not A's");
    }
}
