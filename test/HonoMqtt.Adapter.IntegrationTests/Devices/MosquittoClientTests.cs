using System.Text;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Devices;

/// <summary>Debian's mosquitto_pub as the device, against the adapter on its demo registry, as the README shows.</summary>
public sealed class MosquittoClientTests
{
    private static Task<RunningAdapter> StartWithDemoRegistryAsync() =>
        RunningAdapter.StartAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo-registry.json")));

    [TestCase(false, TestName = "MosquittoPubTelemetryReachesTheApplication (MQTT 3.1.1)")]
    [TestCase(true, TestName = "MosquittoPubTelemetryReachesTheApplication (MQTT 5)")]
    public async Task MosquittoPubTelemetryReachesTheApplication(bool mqttV5)
    {
        await using var adapter = await StartWithDemoRegistryAsync();
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/DEFAULT_TENANT");
        await using var events = await adapter.AttachReceiverAsync("event/DEFAULT_TENANT");

        var result = await MosquittoClients.PublishAsync(new MosquittoOptions
        {
            Port = adapter.MqttPort, Username = "sensor1@DEFAULT_TENANT", Password = "hono-secret", Topic = "telemetry", MqttV5 = mqttV5,
        }, """{"temp":5}""");

        result.ExitCode.Should().Be(0, result.StandardError);
        var message = await telemetry.NextAsync();
        message.Properties.To.Should().Be("telemetry/DEFAULT_TENANT");
        message.ApplicationProperties["device_id"].Should().Be("4711");
        message.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
        Encoding.UTF8.GetString(((Data)message.BodySection).Binary).Should().Be("""{"temp":5}""");
        var connected = await events.NextAsync();
        var disconnected = await events.NextAsync();
        Encoding.UTF8.GetString(((Data)connected.BodySection).Binary).Should().Contain("\"cause\":\"connected\"");
        Encoding.UTF8.GetString(((Data)disconnected.BodySection).Binary).Should().Contain("\"cause\":\"disconnected\"");
    }

    [Test]
    public async Task MosquittoPubQoS1EventSucceedsOnlyWhenTheApplicationAccepts()
    {
        await using var adapter = await StartWithDemoRegistryAsync();
        await using var events = await adapter.AttachReceiverAsync("event/DEFAULT_TENANT");

        var result = await MosquittoClients.PublishAsync(new MosquittoOptions
        {
            Port = adapter.MqttPort, Username = "sensor1@DEFAULT_TENANT", Password = "hono-secret", Topic = "event", Qos = 1,
        }, "door open");

        result.ExitCode.Should().Be(0, result.StandardError);
        var messages = new[] { await events.NextAsync(), await events.NextAsync(), await events.NextAsync() };
        messages.Count(m => Encoding.UTF8.GetString(((Data)m.BodySection).Binary) == "door open").Should().Be(1);
    }

    [Test]
    public async Task MosquittoPubWithAWrongPasswordIsRefused()
    {
        await using var adapter = await StartWithDemoRegistryAsync();

        var result = await MosquittoClients.PublishAsync(new MosquittoOptions
        {
            Port = adapter.MqttPort, Username = "sensor1@DEFAULT_TENANT", Password = "wrong", Topic = "telemetry",
        }, "x");

        result.ExitCode.Should().NotBe(0);
        (result.StandardError + result.StandardOutput).Should().Contain("bad user name or password", "return code 0x04");
    }
}
