using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amqp;
using Amqp.Framing;

namespace HonoMqtt.Bench;

/// <summary>
/// The adapter's Release build as a separate process, on the embedded AMQP endpoint, with a generated registry of
/// tenant <c>bench</c> and devices <c>dev0</c> … (password <c>pw</c>); connection events off, logging at Warning.
/// The GC settings are the container image's (workstation GC).
/// </summary>
public sealed class AdapterServer : IBenchServer
{
    public const string Tenant = "bench";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ServerProcess _process;
    private readonly int _healthPort;
    private readonly int _amqpPort;

    private AdapterServer(ServerProcess process, int mqttPort, int amqpPort, int healthPort)
    {
        _process = process;
        MqttPort = mqttPort;
        _amqpPort = amqpPort;
        _healthPort = healthPort;
    }

    public string Name => "adapter";

    public int Pid => _process.Pid;

    public int MqttPort { get; }

    /// <summary>Builds the adapter in Release (a no-op when up to date) and returns its assembly.</summary>
    public static string Build(string repositoryRoot)
    {
        var project = Path.Combine(repositoryRoot, "src", "HonoMqtt.Adapter", "HonoMqtt.Adapter.csproj");
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
        })!;
        var output = build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the adapter failed:\n{output}");
        }

        return Path.Combine(repositoryRoot, "src", "HonoMqtt.Adapter", "bin", "Release", "net10.0", "HonoMqtt.Adapter.dll");
    }

    public static string WriteRegistry(string directory, int devices)
    {
        var builder = new StringBuilder();
        builder.Append("{\"tenants\":{\"").Append(Tenant).Append("\":{\"enabled\":true}},\"devices\":{\"").Append(Tenant).Append("\":{");
        for (var i = 0; i < devices; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append("\"dev").Append(i).Append("\":{\"enabled\":true,\"credentials\":[{\"type\":\"hashed-password\",")
                .Append("\"auth-id\":\"dev").Append(i).Append("\",\"secrets\":[{\"pwd-plain\":\"pw\"}]}]}");
        }

        builder.Append("}}}");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"registry-{devices}.json");
        File.WriteAllText(path, builder.ToString());
        return path;
    }

    public static async Task<AdapterServer> StartAsync(string assembly, string registryPath, string logFile, int maxPayloadSize,
        IReadOnlyDictionary<string, string> environment)
    {
        var (mqtt, amqp, health) = (FreePort.Get(), FreePort.Get(), FreePort.Get());
        var process = ServerProcess.Start("dotnet",
        [
            assembly,
            $"--hono:mqtt:insecurePort={mqtt}", $"--hono:messaging:embeddedPort={amqp}", $"--hono:app:healthCheckPort={health}",
            $"--hono:registry:path={registryPath}", "--hono:connectionEvents:producer=none",
            $"--hono:mqtt:maxPayloadSize={maxPayloadSize}", "--hono:messaging:maxUnsettledPerLink=100000",
            "--Serilog:MinimumLevel:Default=Warning",
        ], logFile, new Dictionary<string, string>(environment));
        var server = new AdapterServer(process, mqtt, amqp, health);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await server.IsStartedAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the adapter did not start; see {logFile}");
            }

            await Task.Delay(100);
        }

        return server;
    }

    public (string? Username, string? Password) Credentials(int index) => ($"dev{index}@{Tenant}", "pw");

    public async Task<IAsyncDisposable> AttachConsumersAsync(string endpoint, int qos, int consumers, LatencyRecorder recorder)
    {
        var connections = new List<Connection>();
        for (var i = 0; i < consumers; i++)
        {
            var factory = new ConnectionFactory();
            factory.SASL.Profile = Amqp.Sasl.SaslProfile.Anonymous;
            var connection = await factory.CreateAsync(new Address($"amqp://127.0.0.1:{_amqpPort}"));
            var session = new Session(connection);
            var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var link = new ReceiverLink(session, $"bench-{endpoint}-{i}",
                new Attach { Source = new Source { Address = $"{endpoint}/{Tenant}" }, Target = new Target() },
                (_, _) => attached.TrySetResult());
            link.Start(100_000, (l, m) =>
            {
                recorder.Record(m.Body as byte[]);
                l.Accept(m);
            });
            await attached.Task.WaitAsync(TimeSpan.FromSeconds(10));
            connections.Add(connection);
        }

        return new Consumers(connections);
    }

    public async Task<long?> EstablishedConnectionsAsync()
    {
        var text = await Http.GetStringAsync($"http://127.0.0.1:{_healthPort}/prometheus");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("hono_connections_authenticated{", StringComparison.Ordinal) && l.Contains($"tenant=\"{Tenant}\""));
        return line is null ? 0 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The managed heap after the last GC, from the adapter's own metrics.</summary>
    public async Task<long> ManagedHeapBytesAsync()
    {
        var text = await Http.GetStringAsync($"http://127.0.0.1:{_healthPort}/prometheus");
        var line = text.Split('\n').First(l => l.StartsWith("dotnet_gc_heap_size_bytes{", StringComparison.Ordinal));
        return (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task<bool> IsStartedAsync()
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{_healthPort}/started");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private sealed class Consumers(List<Connection> connections) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var connection in connections)
            {
                try
                {
                    await connection.CloseAsync();
                }
                catch (AmqpException)
                {
                    // gone already
                }
            }
        }
    }
}
