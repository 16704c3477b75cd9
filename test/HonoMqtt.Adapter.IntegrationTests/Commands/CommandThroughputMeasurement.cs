using System.Diagnostics;
using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Numbers, not assertions: run explicitly (<c>--filter FullyQualifiedName~CommandThroughputMeasurement</c>).</summary>
[Explicit("measurement")]
public sealed class CommandThroughputMeasurement
{
    private const int Pipelined = 2000;
    private const int Sequential = 300;

    [Test]
    public async Task EmbeddedEndpoint()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        await MeasureAsync(device, bed.Application, "command/t1", "t1", "embedded");
    }

    [Test]
    public async Task ProtonBrokerOtherInstanceAddressedPerDevice()
    {
        await using var broker = await ProtonBroker.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["hono:messaging:host"] = broker.Host,
            ["hono:messaging:port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var adapter = await RunningAdapter.StartAsync(CommandTestBed.Registry(), settings);
        await Poll.UntilAsync(() => adapter.Services.GetService(typeof(Adapter.Commands.Amqp.AmqpCommandConsumer)) is Adapter.Commands.Amqp.AmqpCommandConsumer { IsReady: true }
                && adapter.Services.GetService(typeof(Adapter.Downstream.IDownstreamSender)) is Adapter.Downstream.IDownstreamSender { IsReady: true },
            "connected", TimeSpan.FromSeconds(20));
        await using var application = await CommandApplication.ConnectAsync(broker.Address);
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, "a1@t1", "pw1");
        await MeasureAsync(device, application, "command/t1/d1", "t1", "proton broker");
    }

    private static async Task MeasureAsync(IMqttClient device, CommandApplication application, string address, string tenant, string label)
    {
        var received = 0;
        device.ApplicationMessageReceivedAsync += async e =>
        {
            Interlocked.Increment(ref received);
            var requestId = e.ApplicationMessage.Topic.Split('/')[4];
            if (requestId.Length > 0)
            {
                await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"command///res/{requestId}/200")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
        };
        (await CommandTestBed.SubscribeAsync(device, "command///req/#", 1)).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        var responses = await application.ReceiveResponsesAsync(tenant, "bench");
        (await application.SendAsync(address, CommandApplication.Command(tenant, "d1", "warm-up"))).Should().BeOfType<Accepted>();

        // A burst larger than maxPendingCommandsPerDevice (100) is partly released by design; measure with a window of 50.
        var burst = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => application.SendAsync(address, CommandApplication.Command(tenant, "d1", "burst" + i),
            TimeSpan.FromSeconds(60))));
        var burstAccepted = burst.Count(o => o is Accepted);
        await Poll.UntilAsync(() => Volatile.Read(ref received) >= 1 + burstAccepted, "the device got the burst", TimeSpan.FromSeconds(60));
        var before = Volatile.Read(ref received);

        var clock = Stopwatch.StartNew();
        using var window = new SemaphoreSlim(50);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Pipelined).Select(async i =>
        {
            await window.WaitAsync();
            try
            {
                return await application.SendAsync(address, CommandApplication.Command(tenant, "d1", "c" + i), TimeSpan.FromSeconds(60));
            }
            finally
            {
                window.Release();
            }
        }));
        outcomes.Should().AllBeOfType<Accepted>();
        var allAccepted = clock.Elapsed;
        await Poll.UntilAsync(() => Volatile.Read(ref received) >= before + Pipelined, "the device got them all", TimeSpan.FromSeconds(60));
        var pipelined = clock.Elapsed;

        var latencies = new List<double>();
        for (var i = 0; i < Sequential; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await application.SendAsync(address, CommandApplication.Command(tenant, "d1", "r", replyId: "bench", correlationId: "b" + i));
            var response = await responses.NextAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            response.Properties.CorrelationId.Should().Be("b" + i);
        }

        latencies.Sort();
        TestContext.Progress.WriteLine(
            $"{label}: burst of 1000 at once: {burstAccepted} accepted, the rest released; {Pipelined} one-way QoS 1 commands, window 50 (accepted after {allAccepted.TotalMilliseconds:0} ms), all at the device after {pipelined.TotalMilliseconds:0} ms = {Pipelined / pipelined.TotalSeconds:0} commands/s; "
            + $"request/response round trip over {Sequential}: median {latencies[Sequential / 2]:0.0} ms, p99 {latencies[(int)(Sequential * 0.99)]:0.0} ms");
    }
}
