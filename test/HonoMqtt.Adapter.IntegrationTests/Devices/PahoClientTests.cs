using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Devices;

/// <summary>Eclipse Paho (Python, from Debian) as a third, independent MQTT implementation.</summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class PahoClientTests(bool tls)
{
    private static async Task<string> PahoPublishAsync(RunningAdapter adapter, string username, string password, string topic, int qos, string version)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Devices", "scripts", "paho_publish.py");
        var tls = adapter.Transport?.Pki;
        List<string> arguments =
        [
            script, "127.0.0.1", (tls is null ? adapter.MqttPort : adapter.MqttTlsPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
            username, password, topic, "paho", qos.ToString(System.Globalization.CultureInfo.InvariantCulture), version,
        ];
        if (tls is not null)
        {
            arguments.Add(tls.ServerCa);
        }

        var result = await ChildProcess.RunAsync("/usr/bin/python3", arguments, TimeSpan.FromSeconds(30), CancellationToken.None);
        result.ExitCode.Should().Be(0, result.StandardError);
        return result.StandardOutput.Trim();
    }

    [TestCase("3")]
    [TestCase("5")]
    public async Task PahoTelemetryAndEventsArriveAndQoS1IsAcknowledged(string version)
    {
        await using var adapter = await RunningAdapter.StartAsync(await Transport.CreateAsync(tls), TestRegistry.Simple());
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        await using var events = await adapter.AttachReceiverAsync("event/t1");

        (await PahoPublishAsync(adapter, TestRegistry.Username, TestRegistry.Password, "telemetry", 1, version))
            .Should().Be("connack=0 published=true disconnected=true");
        (await PahoPublishAsync(adapter, TestRegistry.Username, TestRegistry.Password, "event", 1, version))
            .Should().Be("connack=0 published=true disconnected=true");

        (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
        var causes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var message = await events.NextAsync();
            causes.Add(message.Properties.ContentType.ToString() == "application/vnd.eclipse-hono-dc-notification+json" ? "notification" : "event");
        }

        causes.Count(c => c == "event").Should().Be(1);
    }

    [TestCase("3", 4, TestName = "Paho 3.1.1 with a wrong password gets 4")]
    [TestCase("5", 134, TestName = "Paho 5 with a wrong password gets 0x86")]
    public async Task PahoWithAWrongPasswordIsRefused(string version, int expected)
    {
        await using var adapter = await RunningAdapter.StartAsync(await Transport.CreateAsync(tls), TestRegistry.Simple(), new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" });

        var output = await PahoPublishAsync(adapter, TestRegistry.Username, "wrong", "telemetry", 0, version);

        output.Should().StartWith($"connack={expected} ");
    }

    [TestCase("3")]
    [TestCase("5")]
    public async Task PahoQoS1WithoutConsumerIsNotAcknowledged(string version)
    {
        await using var adapter = await RunningAdapter.StartAsync(await Transport.CreateAsync(tls), TestRegistry.Simple(), new Dictionary<string, string?> { ["hono:connectionEvents:producer"] = "none" });

        (await PahoPublishAsync(adapter, TestRegistry.Username, TestRegistry.Password, "telemetry", 1, version))
            .Should().Be("connack=0 published=false disconnected=true");
    }
}
