using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Startup;

/// <summary>The adapter as an operator runs it: its own process, stopped with SIGTERM.</summary>
public sealed class ShutdownTests
{
    [Test]
    public async Task SigtermSendsDisconnectedForEverySessionAndExitsZero()
    {
        var mqttPort = FreePort.Get();
        var amqpPort = FreePort.Get();
        var registry = Path.Combine(Directory.CreateTempSubdirectory("hono-mqtt-shutdown-").FullName, "registry.json");
        await File.WriteAllTextAsync(registry, TestRegistry.Simple());
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "HonoMqtt.Adapter.dll"),
                $"--hono:mqtt:insecurePort={mqttPort}", $"--hono:messaging:embeddedPort={amqpPort}", $"--hono:registry:path={registry}",
                "--hono:app:healthCheckPort=0",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        try
        {
            await Eventually.Until(() => output.Any(l => l.Contains("MQTT listening")), TimeSpan.FromSeconds(60), "the adapter has started");
            await using var events = await AmqpTestReceiver.AttachAsync(amqpPort, "event/t1");
            var clients = new List<MQTTnet.IMqttClient>();
            for (var i = 0; i < 3; i++)
            {
                clients.Add(await ConnectWhenCreditArrivedAsync(mqttPort, $"sig-{i}"));
                (await events.NextAsync()).ApplicationProperties["device_id"].Should().Be(TestRegistry.Device);
            }

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

            var ended = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var body = JsonDocument.Parse(((Amqp.Framing.Data)(await events.NextAsync()).BodySection).Binary).RootElement;
                body.GetProperty("cause").GetString().Should().Be("disconnected");
                body.GetProperty("data").GetProperty("reason").GetString().Should().Be("shutdown");
                ended.Add(body.GetProperty("remote-id").GetString()!);
            }

            ended.Should().BeEquivalentTo(["sig-0", "sig-1", "sig-2"]);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            process.ExitCode.Should().Be(0);
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The receiver's credit reaches the adapter just after its attach; until then the connect is refused (503).</summary>
    private static async Task<MQTTnet.IMqttClient> ConnectWhenCreditArrivedAsync(int port, string clientId)
    {
        MQTTnet.IMqttClient? connected = null;
        await Eventually.Until(async () =>
        {
            var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(port, TestRegistry.Username, TestRegistry.Password, clientId: clientId));
            if (result.ResultCode == MQTTnet.MqttClientConnectResultCode.Success)
            {
                connected = client;
                return true;
            }

            client.Dispose();
            return false;
        }, TimeSpan.FromSeconds(10), "the device is accepted");
        return connected!;
    }
}
