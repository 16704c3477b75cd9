using System.Globalization;
using HonoMqtt.Bench;

// Drives the adapter (Release build, separate process, embedded AMQP endpoint) and mosquitto (baseline) with the same
// MQTT load from MQTTnet clients in this process, and prints throughput, latency, CPU and memory with their ratios.
var options = BenchOptions.Parse(args);
var fileLimit = ProcFs.RaiseFileLimit(400_000);
Console.WriteLine($"machine: {ProcFs.Machine()}");
Console.WriteLine($"options: {options}; open-file limit {fileLimit}");

var assembly = AdapterServer.Build(options.RepositoryRoot);
// One device more than the publishers: the probe that checks the consumers receive before the load starts.
var devices = Math.Max(options.Connections + 1, options.Scenarios.Contains("idle") ? options.IdleConnections.DefaultIfEmpty(0).Max() : 0);
var registry = AdapterServer.WriteRegistry(options.WorkDirectory, devices);
var logs = Path.Combine(options.WorkDirectory, "logs");
var run = 0;

async Task<IBenchServer> StartAsync(string target)
{
    run++;
    return target switch
    {
        "adapter" => await AdapterServer.StartAsync(assembly, registry, Path.Combine(logs, $"adapter-{run}.log"), Math.Max(2048, options.PayloadSize), options.AdapterEnvironment),
        "mosquitto" => await MosquittoServer.StartAsync(options.Mosquitto, options.WorkDirectory, Path.Combine(logs, $"mosquitto-{run}.log")),
        _ => throw new ArgumentException($"unknown target {target}"),
    };
}

var throughput = new Dictionary<(string, string), List<ThroughputRun>>();
foreach (var scenario in options.Scenarios.Where(s => s != "idle"))
{
    for (var repetition = 1; repetition <= options.Repeat; repetition++)
    {
        foreach (var target in options.Targets)
        {
            await using var server = await StartAsync(target);
            var result = await Scenarios.ThroughputAsync(server, scenario, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario} #{repetition} {target} (load average {ProcFs.LoadAverage()}): {result.MessagesPerSecond:0} msg/s, p50/p99 {result.P50AtMax:0.00}/{result.P99AtMax:0.00} ms; " +
                $"at {result.HalfRateMessagesPerSecond:0} msg/s p50/p99 {result.P50AtHalf:0.00}/{result.P99AtHalf:0.00} ms; " +
                $"server {result.ServerCpuPer100k:0.00} CPU s/100k ({result.ServerCpuShare:0.00} cores), bench {result.BenchCpuPer100k:0.00} CPU s/100k, " +
                $"failed {result.Failed}, not received {result.Lost}"));
            if (!throughput.TryGetValue((scenario, target), out var list))
            {
                throughput[(scenario, target)] = list = [];
            }

            list.Add(result);
        }
    }
}

var idle = new Dictionary<(int, string), IdleRun>();
if (options.Scenarios.Contains("idle"))
{
    foreach (var count in options.IdleConnections)
    {
        // The server and this process each hold one descriptor per connection.
        if ((ulong)count + 1_000 > fileLimit)
        {
            Console.WriteLine($"idle {count}: skipped, the open-file limit is {fileLimit} (raise the hard limit: ulimit -Hn, or CAP_SYS_RESOURCE)");
            continue;
        }

        foreach (var target in options.Targets)
        {
            await using var server = await StartAsync(target);
            var result = await Scenarios.IdleAsync(server, count);
            var heap = result.ManagedHeapBytesPerConnection is { } h ? string.Create(CultureInfo.InvariantCulture, $", {h:0} B managed heap per connection") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"idle {count} {target} (load average {ProcFs.LoadAverage()}): {result.Connected} connected in {result.ConnectSeconds:0.0} s, {result.BytesPerConnection:0} B RSS per connection{heap}"));
            idle[(count, target)] = result;
        }
    }
}

Console.WriteLine();
if (throughput.Count > 0)
{
    Console.WriteLine(Report.Throughput(throughput));
}

if (idle.Count > 0)
{
    Console.WriteLine(Report.Idle(idle));
}

return 0;
