using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amqp;
using Amqp.Framing;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace HonoMqtt.Storm;

/// <summary>
/// The reconnect-storm benchmark (issue 5 item 2): N bcrypt devices connect at once (cold: every one costs a real
/// bcrypt check), disconnect, and reconnect at once (warm: the verified-credentials cache answers), while a few steady
/// devices publish QoS 1 telemetry and their PUBACK latency is recorded per phase.
/// </summary>
public static class Program
{
    private const string Tenant = "storm";

    public static async Task<int> Main(string[] args)
    {
        var o = StormOptions.Parse(args);
        var root = FindRepositoryRoot();
        var work = Path.Combine(Path.GetTempPath(), $"hono-storm-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var limit = Native.RaiseFileLimit((ulong)(o.Devices + o.Connected) * 2 + 1000);
        Console.WriteLine($"machine: {Native.Machine()}");
        Console.WriteLine($"options: devices={o.Devices} connected={o.Connected} cost={o.Cost} passwords={o.Passwords} parallel={o.Parallel} " +
                          $"retry={o.RetryMs}ms steady-interval={o.SteadyIntervalMs}ms check-concurrency={o.CheckConcurrency} " +
                          $"queue-timeout={o.QueueTimeoutMs}ms open-files={limit}");

        var sw = Stopwatch.StartNew();
        var passwords = Enumerable.Range(0, o.Passwords).Select(i => $"storm-pw-{i}").ToArray();
        var hashes = passwords.Select(p => BCrypt.Net.BCrypt.HashPassword(p, o.Cost)).ToArray();
        var registry = WriteRegistry(work, o, hashes);
        Console.WriteLine($"registry: {registry} ({o.Devices} + {o.Connected} devices, {o.Passwords} bcrypt hashes in {sw.Elapsed.TotalSeconds:F1} s)");

        var assembly = BuildAdapter(root);
        var (mqttPort, amqpPort) = (FreePort(), FreePort());
        var logFile = Path.Combine(work, "adapter.log");
        var adapterArgs = new List<string>
        {
            assembly, $"--hono:mqtt:insecurePort={mqttPort}", $"--hono:messaging:embeddedPort={amqpPort}", "--hono:app:healthCheckPort=0",
            $"--hono:registry:path={registry}", "--hono:connectionEvents:producer=none", "--Serilog:MinimumLevel:Default=Warning",
            $"--hono:mqtt:passwordCheckConcurrency={o.CheckConcurrency}", $"--hono:mqtt:passwordCheckQueueTimeout={o.QueueTimeoutMs}",
            $"--hono:mqtt:maxConnections={o.Devices + o.Connected + 1000}",
        };
        await using var adapter = ChildProcess.Start("dotnet", adapterArgs, logFile);
        await WaitForPortsAsync(adapter, logFile, mqttPort, amqpPort);
        Console.WriteLine($"adapter: pid {adapter.Pid}, mqtt {mqttPort}, amqp {amqpPort}, log {logFile}");

        var consumer = await Consumer.AttachAsync(amqpPort, $"telemetry/{Tenant}");
        var latency = new LatencyRecorder();
        var steady = await StormClients.ConnectSteadyAsync(o, mqttPort, passwords);
        using var stopSteady = new CancellationTokenSource();
        var steadyTask = steady.RunAsync(latency, o.SteadyIntervalMs, stopSteady.Token);

        var results = new List<PhaseResult>();
        results.Add(await IdleAsync("baseline", o.BaselineSeconds, adapter.Pid, latency, consumer));

        var storm = new StormClients(o, mqttPort, passwords);
        results.Add(await StormAsync("cold storm", storm, 2, adapter.Pid, latency, consumer, o));
        var disconnected = Stopwatch.StartNew();
        await storm.DisconnectAllAsync();
        Console.WriteLine($"  all {o.Devices} disconnected in {disconnected.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(TimeSpan.FromSeconds(3));
        results.Add(await StormAsync("warm storm", storm, 3, adapter.Pid, latency, consumer, o));
        await storm.DisconnectAllAsync();

        await stopSteady.CancelAsync();
        await steadyTask;
        await steady.DisconnectAllAsync();
        await consumer.DisposeAsync();

        Report.Print(o, results);
        var ok = results.All(r => r.Connected == r.Devices) && results.All(r => r.SteadyFailed == 0);
        if (ok)
        {
            Directory.Delete(work, recursive: true);
        }
        else
        {
            Console.WriteLine($"not every device was served; the adapter's log is kept in {logFile}");
        }

        return ok ? 0 : 1;
    }

    private static async Task<PhaseResult> IdleAsync(string name, int seconds, int pid, LatencyRecorder latency, Consumer consumer)
    {
        var probe = Probe.Start(pid, latency, consumer);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var result = probe.Stop(name, 0, 0, 0, 0, []);
        Console.WriteLine($"{name}: {seconds} s, steady p50 {result.Latency.P50:F1} ms");
        return result;
    }

    private static async Task<PhaseResult> StormAsync(string name, StormClients storm, int sourceAddress, int pid, LatencyRecorder latency,
        Consumer consumer, StormOptions o)
    {
        Console.WriteLine($"{name}: {o.Devices} devices connecting at once ({o.Parallel} CONNECTs in flight) …");
        var probe = Probe.Start(pid, latency, consumer);
        var outcome = await storm.ConnectAllAsync(sourceAddress, TimeSpan.FromSeconds(o.PhaseTimeoutSeconds));
        var result = probe.Stop(name, o.Devices, outcome.Connected, outcome.Refused, outcome.Failed, outcome.ConnectSeconds);
        Console.WriteLine($"{name}: {outcome.Connected}/{o.Devices} connected in {result.Seconds:F2} s, {outcome.Refused} refusals, " +
                          $"{outcome.Failed} other failures, adapter CPU {result.AdapterCpu:F2} s");
        return result;
    }

    private static string WriteRegistry(string directory, StormOptions o, string[] hashes)
    {
        var b = new StringBuilder();
        b.Append("{\"tenants\":{\"").Append(Tenant).Append("\":{\"enabled\":true}},\"devices\":{\"").Append(Tenant).Append("\":{");
        var first = true;
        void Device(string id, string hash)
        {
            b.Append(first ? "" : ",").Append('"').Append(id).Append("\":{\"enabled\":true,\"credentials\":[{\"type\":\"hashed-password\",")
                .Append("\"auth-id\":\"").Append(id).Append("\",\"secrets\":[{\"hash-function\":\"bcrypt\",\"pwd-hash\":\"").Append(hash)
                .Append("\"}]}]}");
            first = false;
        }

        for (var i = 0; i < o.Devices; i++)
        {
            Device($"d{i}", hashes[i % hashes.Length]);
        }

        for (var i = 0; i < o.Connected; i++)
        {
            Device($"s{i}", hashes[i % hashes.Length]);
        }

        b.Append("}}}");
        var path = Path.Combine(directory, "registry.json");
        File.WriteAllText(path, b.ToString());
        return path;
    }

    private static string BuildAdapter(string root)
    {
        var project = Path.Combine(root, "src", "HonoMqtt.Adapter", "HonoMqtt.Adapter.csproj");
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

        return Path.Combine(root, "src", "HonoMqtt.Adapter", "bin", "Release", "net10.0", "HonoMqtt.Adapter.dll");
    }

    private static async Task WaitForPortsAsync(ChildProcess adapter, string logFile, params int[] ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in ports)
        {
            while (true)
            {
                try
                {
                    using var socket = new TcpClient();
                    await socket.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (!adapter.HasExited && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
                catch (SocketException)
                {
                    throw new InvalidOperationException($"the adapter did not start; see {logFile}");
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HonoMqtt.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("HonoMqtt.sln not found above the benchmark's directory");
    }

    public const string TenantId = Tenant;
}

public sealed record StormOptions(int Devices, int Connected, int Cost, int Passwords, int Parallel, int RetryMs, int SteadyIntervalMs,
    int CheckConcurrency, int QueueTimeoutMs, int BaselineSeconds, int PhaseTimeoutSeconds)
{
    public static StormOptions Parse(string[] args)
    {
        var values = new Dictionary<string, int>
        {
            ["devices"] = 5000, ["connected"] = 50, ["cost"] = 10, ["passwords"] = 8, ["parallel"] = 500, ["retry-ms"] = 500,
            ["steady-interval-ms"] = 50, ["check-concurrency"] = 0, ["queue-timeout-ms"] = 10_000, ["baseline-seconds"] = 10,
            ["phase-timeout-seconds"] = 600,
        };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].TrimStart('-');
            if (!values.ContainsKey(name) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unknown option {args[i]}; options: {string.Join(", ", values.Keys.Select(k => "--" + k))}");
            }

            values[name] = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }

        return new StormOptions(values["devices"], values["connected"], values["cost"], Math.Max(1, values["passwords"]),
            values["parallel"], values["retry-ms"], values["steady-interval-ms"], values["check-concurrency"], values["queue-timeout-ms"],
            values["baseline-seconds"], values["phase-timeout-seconds"]);
    }
}

public sealed record Percentiles(int Count, double P50, double P99, double Max)
{
    public static Percentiles Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN);
        }

        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        return new Percentiles(values.Count, At(0.50), At(0.99), values[^1]);
    }
}

public sealed record PhaseResult(string Name, int Devices, int Connected, long Refused, long Failed, double Seconds, double AdapterCpu,
    double GeneratorCpu, Percentiles Latency, long SteadyFailed, long Received, Percentiles DeviceConnect, string LoadBefore, string LoadAfter);

/// <summary>PUBACK latencies of the steady devices, collected into the current phase's bucket.</summary>
public sealed class LatencyRecorder
{
    private List<double> _current = [];
    private long _failed;

    public void Record(double milliseconds)
    {
        lock (this)
        {
            _current.Add(milliseconds);
        }
    }

    public void Fail() => Interlocked.Increment(ref _failed);

    /// <summary>Returns what was recorded since the last call and starts a new bucket.</summary>
    public (List<double> Latencies, long Failed) Take()
    {
        lock (this)
        {
            var taken = _current;
            _current = [];
            return (taken, Interlocked.Exchange(ref _failed, 0));
        }
    }
}

/// <summary>What a phase cost: wall time, adapter and load-generator CPU, the steady devices' latency.</summary>
public sealed class Probe
{
    private readonly int _pid;
    private readonly LatencyRecorder _latency;
    private readonly Consumer _consumer;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly double _adapterCpu;
    private readonly double _generatorCpu;
    private readonly long _received;
    private readonly string _load;

    private Probe(int pid, LatencyRecorder latency, Consumer consumer)
    {
        _pid = pid;
        _latency = latency;
        _consumer = consumer;
        _latency.Take();
        _adapterCpu = Native.CpuSeconds(pid);
        _generatorCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        _received = consumer.Received;
        _load = Native.LoadAverage();
    }

    public static Probe Start(int pid, LatencyRecorder latency, Consumer consumer) => new(pid, latency, consumer);

    public PhaseResult Stop(string name, int devices, int connected, long refused, long failed, List<double> deviceConnectSeconds)
    {
        var seconds = _watch.Elapsed.TotalSeconds;
        var (latencies, steadyFailed) = _latency.Take();
        return new PhaseResult(name, devices, connected, refused, failed, seconds, Native.CpuSeconds(_pid) - _adapterCpu,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - _generatorCpu, Percentiles.Of(latencies), steadyFailed,
            _consumer.Received - _received, Percentiles.Of(deviceConnectSeconds), _load, Native.LoadAverage());
    }
}

/// <summary>An AMQP receiver on the embedded endpoint (SASL ANONYMOUS) that accepts every message.</summary>
public sealed class Consumer : IAsyncDisposable
{
    private readonly Connection _connection;
    private long _received;

    private Consumer(Connection connection) => _connection = connection;

    public long Received => Interlocked.Read(ref _received);

    public static async Task<Consumer> AttachAsync(int port, string address)
    {
        var factory = new ConnectionFactory();
        factory.SASL.Profile = Amqp.Sasl.SaslProfile.Anonymous;
        var connection = await factory.CreateAsync(new Address($"amqp://127.0.0.1:{port}"));
        var consumer = new Consumer(connection);
        var session = new Session(connection);
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new ReceiverLink(session, "storm-consumer", new Attach { Source = new Source { Address = address }, Target = new Target() },
            (_, _) => attached.TrySetResult());
        link.Start(10_000, (l, m) =>
        {
            Interlocked.Increment(ref consumer._received);
            l.Accept(m);
        });
        await attached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return consumer;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.CloseAsync();
        }
        catch (AmqpException)
        {
            // gone already
        }
    }
}

public sealed record StormOutcome(int Connected, long Refused, long Failed, List<double> ConnectSeconds);

/// <summary>The storm devices d0 … and the steady devices s0 …, as MQTTnet clients in this process.</summary>
public sealed class StormClients
{
    private readonly StormOptions _options;
    private readonly int _port;
    private readonly string[] _passwords;
    private readonly string _prefix;
    private IMqttClient?[] _clients;

    public StormClients(StormOptions options, int port, string[] passwords, string prefix = "d", int count = -1)
    {
        _options = options;
        _port = port;
        _passwords = passwords;
        _prefix = prefix;
        _clients = new IMqttClient?[count < 0 ? options.Devices : count];
    }

    public static async Task<StormClients> ConnectSteadyAsync(StormOptions options, int port, string[] passwords)
    {
        var steady = new StormClients(options, port, passwords, "s", options.Connected);
        var outcome = await steady.ConnectAllAsync(1, TimeSpan.FromSeconds(120));
        if (outcome.Connected != options.Connected)
        {
            throw new InvalidOperationException($"only {outcome.Connected} of {options.Connected} steady devices connected");
        }

        return steady;
    }

    /// <summary>
    /// Every device connects at once, at most <c>parallel</c> CONNECTs in flight; a refusal ("server unavailable") or a
    /// timeout is retried after a jittered back-off, as devices do. Returns when all are connected or the deadline passed.
    /// </summary>
    public async Task<StormOutcome> ConnectAllAsync(int sourceAddress, TimeSpan timeout)
    {
        _clients = new IMqttClient?[_clients.Length];
        using var gate = new SemaphoreSlim(_options.Parallel);
        using var deadline = new CancellationTokenSource(timeout);
        long refused = 0, failed = 0;
        var factory = new MqttClientFactory();
        var started = Stopwatch.StartNew();
        var connectSeconds = new double[_clients.Length];
        var tasks = Enumerable.Range(0, _clients.Length).Select(i => Task.Run(async () =>
        {
            var password = _passwords[i % _passwords.Length];
            var options = new MqttClientOptionsBuilder()
                .WithEndPoint(new IPEndPoint(IPAddress.Loopback, _port))
                .WithTcpServer(o =>
                {
                    o.LocalEndpoint = new IPEndPoint(new IPAddress([127, 0, 0, (byte)sourceAddress]), 0);
                    o.NoDelay = true;
                })
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId($"{_prefix}{i}")
                .WithCleanSession()
                .WithCredentials($"{_prefix}{i}@{Program.TenantId}", password)
                .WithTimeout(TimeSpan.FromMilliseconds(_options.QueueTimeoutMs + 20_000))
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(300))
                .Build();
            while (!deadline.IsCancellationRequested)
            {
                var client = factory.CreateMqttClient();
                var retry = false;
                await gate.WaitAsync(CancellationToken.None);
                try
                {
                    var result = await client.ConnectAsync(options, deadline.Token);
                    if (result.ResultCode == MqttClientConnectResultCode.Success)
                    {
                        _clients[i] = client;
                        connectSeconds[i] = started.Elapsed.TotalSeconds;
                        return;
                    }

                    retry = true;
                    Count(result.ResultCode);
                }
                catch (MqttConnectingFailedException e)
                {
                    retry = true;
                    Count(e.Message.Contains("ServerUnavailable", StringComparison.Ordinal) ? MqttClientConnectResultCode.ServerUnavailable : MqttClientConnectResultCode.UnspecifiedError);
                }
                catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or SocketException)
                {
                    retry = true;
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    gate.Release();
                }

                client.Dispose();
                if (retry && !deadline.IsCancellationRequested)
                {
                    await Task.Delay(_options.RetryMs / 2 + Random.Shared.Next(_options.RetryMs + 1), CancellationToken.None);
                }
            }
        }));
        await Task.WhenAll(tasks);
        var connected = _clients.Count(c => c is not null);
        return new StormOutcome(connected, refused, failed, connectSeconds.Where((_, i) => _clients[i] is not null).ToList());

        void Count(MqttClientConnectResultCode code)
        {
            if (code == MqttClientConnectResultCode.ServerUnavailable)
            {
                Interlocked.Increment(ref refused);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }
    }

    public async Task DisconnectAllAsync()
    {
        using var gate = new SemaphoreSlim(_options.Parallel);
        await Task.WhenAll(_clients.Select(async client =>
        {
            if (client is null)
            {
                return;
            }

            await gate.WaitAsync();
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync();
                }
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // gone already
            }
            finally
            {
                gate.Release();
                client.Dispose();
            }
        }));
        _clients = new IMqttClient?[_clients.Length];
    }

    /// <summary>Each connected device publishes QoS 1 telemetry, waits for the PUBACK, pauses, and repeats.</summary>
    public Task RunAsync(LatencyRecorder latency, int intervalMs, CancellationToken cancellationToken) =>
        Task.WhenAll(_clients.Where(c => c is not null).Select(client => Task.Run(async () =>
        {
            var payload = new byte[64];
            while (!cancellationToken.IsCancellationRequested)
            {
                var message = new MqttApplicationMessageBuilder().WithTopic("telemetry").WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    var result = await client!.PublishAsync(message, CancellationToken.None);
                    if (result.IsSuccess)
                    {
                        latency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                    else
                    {
                        latency.Fail();
                        Console.Error.WriteLine($"  a steady device's publish was refused: {result.ReasonCode} {result.ReasonString}");
                    }
                }
                catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                {
                    latency.Fail();
                    Console.Error.WriteLine($"  a steady device's publish failed; it stops publishing: {e.GetType().Name}: {e.Message}");
                    return;
                }

                try
                {
                    await Task.Delay(intervalMs, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None)));
}

public static class Report
{
    public static void Print(StormOptions o, List<PhaseResult> results)
    {
        var i = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"| phase | devices | connected | wall s | refusals | other failures | device connect p50 / p99 s | adapter CPU s | generator CPU s | steady PUBACK p50 / p99 / max ms (n) | steady failures | telemetry received | load avg before→after |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in results)
        {
            var connect = r.DeviceConnect.Count == 0 ? "–" : string.Format(i, "{0:F2} / {1:F2}", r.DeviceConnect.P50, r.DeviceConnect.P99);
            Console.WriteLine(string.Format(i,
                "| {0} | {1} | {2} | {3:F2} | {4} | {5} | {6} | {7:F2} | {8:F2} | {9:F1} / {10:F1} / {11:F1} ({12}) | {13} | {14} | {15}→{16} |",
                r.Name, r.Devices, r.Connected, r.Seconds, r.Refused, r.Failed, connect, r.AdapterCpu, r.GeneratorCpu,
                r.Latency.P50, r.Latency.P99, r.Latency.Max, r.Latency.Count, r.SteadyFailed, r.Received, r.LoadBefore, r.LoadAfter));
        }

        var cold = results.FirstOrDefault(r => r.Name == "cold storm");
        if (cold is not null && cold.Connected > 0)
        {
            Console.WriteLine(string.Format(i, "cold storm: {0:F1} ms adapter CPU per device (bcrypt cost {1}); {2:F0} devices/s",
                cold.AdapterCpu * 1000 / cold.Connected, o.Cost, cold.Connected / cold.Seconds));
        }
    }
}

/// <summary>A child process whose output goes to a log file; stopped with SIGTERM, killed after 30 s.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logFile)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, log);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Native.Kill(_process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
