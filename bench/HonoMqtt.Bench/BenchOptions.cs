using System.Globalization;

namespace HonoMqtt.Bench;

/// <summary>The command line: <c>--name value</c> pairs, every one optional.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Scenarios { get; init; } = ["qos0", "qos1", "events", "idle"];

    /// <summary>Publishing connections (devices) of the throughput scenarios.</summary>
    public int Connections { get; init; } = 50;

    public int PayloadSize { get; init; } = 64;

    /// <summary>Seconds each measured phase runs (after a warm-up of a third of it, at least 2 s).</summary>
    public double Duration { get; init; } = 10;

    /// <summary>Runs of each scenario; the report gives the median.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Idle authenticated connections for the memory measurement, one run per figure.</summary>
    public IReadOnlyList<int> IdleConnections { get; init; } = [10_000, 50_000];

    /// <summary>Consumers on each side (AMQP receivers on the adapter, shared MQTT subscribers on mosquitto).</summary>
    public int Consumers { get; init; } = 2;

    /// <summary>The servers to drive: <c>adapter</c>, <c>mosquitto</c> or both.</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["adapter", "mosquitto"];

    public string RepositoryRoot { get; init; } = FindRepositoryRoot();

    public string Mosquitto { get; init; } = "/usr/sbin/mosquitto";

    /// <summary>Environment of the adapter process; by default the container image's GC setting (workstation GC).</summary>
    public IReadOnlyDictionary<string, string> AdapterEnvironment { get; init; } = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" };

    /// <summary>Where the servers' logs and the generated registry go.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "hono-mqtt-bench");

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--scenarios" => options with { Scenarios = List(value) },
                "--connections" => options with { Connections = Int(value) },
                "--payload" => options with { PayloadSize = Math.Max(16, Int(value)) },
                "--duration" => options with { Duration = double.Parse(value, CultureInfo.InvariantCulture) },
                "--repeat" => options with { Repeat = Int(value) },
                "--idle-connections" => options with { IdleConnections = List(value).Select(Int).ToList() },
                "--consumers" => options with { Consumers = Int(value) },
                "--targets" => options with { Targets = List(value) },
                "--repo" => options with { RepositoryRoot = Path.GetFullPath(value) },
                "--mosquitto" => options with { Mosquitto = value },
                "--adapter-env" => options with
                {
                    AdapterEnvironment = new Dictionary<string, string>(options.AdapterEnvironment) { [value.Split('=', 2)[0]] = value.Split('=', 2)[1] },
                },
                "--work" => options with { WorkDirectory = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    public override string ToString() =>
        $"scenarios {string.Join(',', Scenarios)}, {Connections} connections, payload {PayloadSize} B, duration {Duration} s, " +
        $"repeat {Repeat}, idle {string.Join(',', IdleConnections)}, consumers {Consumers}, targets {string.Join(',', Targets)}, " +
        $"adapter environment {string.Join(' ', AdapterEnvironment.Select(e => $"{e.Key}={e.Value}"))}";

    private static IReadOnlyList<string> List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HonoMqtt.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
