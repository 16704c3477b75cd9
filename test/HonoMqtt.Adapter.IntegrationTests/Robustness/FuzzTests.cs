using System.Diagnostics;
using System.Net.Sockets;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Robustness;

/// <summary>
/// Malformed and mutated MQTT input against a running adapter: it must stay up, keep serving well-behaved devices,
/// log no error and keep its memory bounded. The normal test run sends 100,000 packets; the long run is
/// <c>HONOMQTT_FUZZ_PACKETS=2000000 dotnet test test/HonoMqtt.Adapter.IntegrationTests --filter FullyQualifiedName~Fuzz</c>
/// (seed from <c>HONOMQTT_FUZZ_SEED</c>, printed either way).
/// </summary>
public sealed class FuzzTests
{
    private const int PacketsPerConnection = 50;

    [Test]
    public async Task MalformedInputNeverBringsTheAdapterDownNorStopsItServingOthers()
    {
        var packets = int.TryParse(Environment.GetEnvironmentVariable("HONOMQTT_FUZZ_PACKETS"), out var p) ? p : 100_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HONOMQTT_FUZZ_SEED"), out var s) ? s : 20261201;
        TestContext.Out.WriteLine($"fuzz: {packets} packets, seed {seed}");
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple());
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");
        await using var events = await adapter.AttachReceiverAsync("event/t1");
        var fuzzer = new MqttFuzzer(seed, TestRegistry.Username, TestRegistry.Password);
        var streams = Enumerable.Range(0, Math.Max(1, packets / PacketsPerConnection)).Select(_ => fuzzer.NextStream(PacketsPerConnection)).ToList();
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();

        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (stream, _) => await SendAsync(adapter.MqttPort, stream));

        TestContext.Out.WriteLine($"fuzz: {streams.Count} connections in {watch.Elapsed.TotalSeconds:F1} s");
        await Poll.UntilAsync(() => adapter.Services.GetService(typeof(HonoMqtt.Adapter.Mqtt.SessionTracker)) is HonoMqtt.Adapter.Mqtt.SessionTracker { Count: 0 },
            "every fuzzed connection has ended", TimeSpan.FromSeconds(60));
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload("still served")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        GC.Collect();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        TestContext.Out.WriteLine($"fuzz: managed heap grew {growth / 1024} KiB");
        growth.Should().BeLessThan(64L * 1024 * 1024, "nothing the fuzzed connections sent may stay behind");
    }

    /// <summary>Writes one stream while draining whatever the adapter answers, then closes; resets are expected.</summary>
    private static async Task SendAsync(int port, byte[] bytes)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync("127.0.0.1", port);
            var stream = tcp.GetStream();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var drain = DrainAsync(stream, cts.Token);
            for (var offset = 0; offset < bytes.Length; offset += 4096)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(4096, bytes.Length - offset)), cts.Token);
            }

            tcp.Client.Shutdown(SocketShutdown.Send);
            await drain;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // the adapter closed the connection, as it should for most of these
        }
    }

    private static async Task DrainAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }
}
