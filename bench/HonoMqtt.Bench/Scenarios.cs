using System.Diagnostics;

namespace HonoMqtt.Bench;

/// <summary>The measurements: throughput and latency of one scenario, memory of idle connections.</summary>
public static class Scenarios
{
    public static (string Endpoint, int Qos) Of(string scenario) => scenario switch
    {
        "qos0" => ("telemetry", 0),
        "qos1" => ("telemetry", 1),
        "events" => ("event", 1),
        _ => throw new ArgumentException($"unknown scenario {scenario}"),
    };

    /// <summary>Full speed for the duration, then half of the measured rate for the duration; each after a warm-up.</summary>
    public static async Task<ThroughputRun> ThroughputAsync(IBenchServer server, string scenario, BenchOptions options)
    {
        var (endpoint, qos) = Of(scenario);
        var recorder = new LatencyRecorder();
        await using var consumers = await server.AttachConsumersAsync(endpoint, qos, options.Consumers, recorder);
        await ProbeAsync(server, endpoint, qos, recorder, probeDevice: options.Connections);
        await using var load = await LoadGenerator.ConnectAsync(server, options.Connections);
        var duration = TimeSpan.FromSeconds(options.Duration);
        var warmup = TimeSpan.FromSeconds(Math.Max(2, options.Duration / 3));

        var max = await PhaseAsync(server, load, recorder, endpoint, qos, options.PayloadSize, rate: 0, warmup, duration);
        await DrainAsync(recorder);
        var half = await PhaseAsync(server, load, recorder, endpoint, qos, options.PayloadSize, rate: max.Rate / 2, warmup, duration);
        await DrainAsync(recorder);
        return new ThroughputRun(max.Rate, max.P50, max.P99, half.Rate, half.P50, half.P99, max.ServerCpuPer100k, max.BenchCpuPer100k,
            max.ServerCpuShare, load.Failed, max.Sent - max.Received);
    }

    public static async Task<IdleRun> IdleAsync(IBenchServer server, int connections)
    {
        var baseline = await StableRssAsync(server.Pid);
        var heapBefore = server is AdapterServer before ? await before.ManagedHeapBytesAsync() : 0;
        var started = Stopwatch.GetTimestamp();
        await using var load = await LoadGenerator.ConnectAsync(server, connections, parallel: 128, keepAlive: TimeSpan.FromMinutes(10));
        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await server.EstablishedConnectionsAsync() is { } established && established < load.Connected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var loaded = await StableRssAsync(server.Pid);
        double? heap = null;
        if (server is AdapterServer adapter)
        {
            // The heap as of the last GC: a rough figure, garbage of the connects included.
            heap = (double)(await adapter.ManagedHeapBytesAsync() - heapBefore) / Math.Max(1, load.Connected);
        }

        return new IdleRun(connections, load.Connected, (double)(loaded - baseline) / Math.Max(1, load.Connected), heap, connectSeconds);
    }

    private static async Task<Phase> PhaseAsync(IBenchServer server, LoadGenerator load, LatencyRecorder recorder, string topic, int qos,
        int payloadSize, double rate, TimeSpan warmup, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var run = load.RunAsync(topic, qos, payloadSize, rate, stop.Token);
        await Task.Delay(warmup);
        var serverCpu = ProcFs.CpuSeconds(server.Pid);
        var benchCpu = ProcFs.CpuSeconds(Environment.ProcessId);
        var started = Stopwatch.GetTimestamp();
        recorder.Open();
        load.StartCounting();
        await Task.Delay(duration);
        load.StopCounting();
        recorder.Close();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var serverCpuUsed = ProcFs.CpuSeconds(server.Pid) - serverCpu;
        var benchCpuUsed = ProcFs.CpuSeconds(Environment.ProcessId) - benchCpu;
        await stop.CancelAsync();
        await run;

        var received = recorder.Received;
        var (p50, p99) = recorder.Percentiles();
        var per100k = received == 0 ? double.NaN : 100_000.0 / received;
        return new Phase(received / elapsed, p50, p99, serverCpuUsed * per100k, benchCpuUsed * per100k, serverCpuUsed / elapsed, load.Sent, received);
    }

    /// <summary>
    /// Publishes from one extra device until a consumer has received a message: the consumers' credit reaches the
    /// adapter only after their attach, and the adapter closes a device's connection when no consumer has credit.
    /// </summary>
    private static async Task ProbeAsync(IBenchServer server, string endpoint, int qos, LatencyRecorder recorder, int probeDevice)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (recorder.Total == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"no message reached the consumers of {server.Name}");
            }

            await using var probe = await LoadGenerator.ConnectAsync(server, 1, firstDevice: probeDevice);
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await probe.RunAsync(endpoint, qos, 16, 50, stop.Token);
        }

        await DrainAsync(recorder);
    }

    /// <summary>Waits until no more messages arrive (queues drained), at most 20 s.</summary>
    private static async Task DrainAsync(LatencyRecorder recorder)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var last = -1L;
        while (recorder.Total != last && DateTime.UtcNow < deadline)
        {
            last = recorder.Total;
            await Task.Delay(300);
        }
    }

    /// <summary>RSS once it changes by less than 0.5 % over three one-second samples (at most 30 s).</summary>
    private static async Task<long> StableRssAsync(int pid)
    {
        var samples = new List<long> { ProcFs.RssBytes(pid) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            samples.Add(ProcFs.RssBytes(pid));
            var recent = samples.TakeLast(3).ToList();
            if (recent.Count == 3 && (recent.Max() - recent.Min()) < 0.005 * recent.Max())
            {
                break;
            }
        }

        return samples[^1];
    }

    private sealed record Phase(double Rate, double P50, double P99, double ServerCpuPer100k, double BenchCpuPer100k, double ServerCpuShare,
        long Sent, long Received);
}
