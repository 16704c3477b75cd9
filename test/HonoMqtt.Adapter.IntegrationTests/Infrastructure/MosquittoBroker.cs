namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's mosquitto broker on a free port of 127.0.0.1 (anonymous, no persistence): a reference MQTT server, e.g. to
/// check the test clients themselves or to compare the adapter's behaviour with a broker's.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/mosquitto";
    private readonly ChildProcess _process;
    private readonly string _directory;

    private MosquittoBroker(ChildProcess process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Binary))
        {
            throw new FileNotFoundException($"{Binary} is missing; run scripts/install-test-deps.sh", Binary);
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Get();
            var directory = TestWork.CreateUniqueDirectory("mosquitto", $"mosquitto-{port}");
            var config = Path.Combine(directory, "mosquitto.conf");
            await File.WriteAllLinesAsync(
                config,
                [$"listener {port} 127.0.0.1", "allow_anonymous true", "persistence false", "log_dest stderr", "log_type error", "log_type warning", "log_type notice"],
                cancellationToken).ConfigureAwait(false);
            var process = ChildProcess.Start(Binary, ["-c", config], workingDirectory: directory, logFile: Path.Combine(TestWork.Directory, "logs", $"mosquitto-{port}.log"));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var ready = Eventually.Until(ct => PortProbe.AcceptsTcpAsync(port, ct), TimeSpan.FromSeconds(15), $"mosquitto accepts TCP on 127.0.0.1:{port}", stop.Token);
            if (await Task.WhenAny(ready, process.Exited).ConfigureAwait(false) == ready && ready.IsCompletedSuccessfully)
            {
                return new MosquittoBroker(process, port, directory);
            }

            await stop.CancelAsync().ConfigureAwait(false);
            var error = await ready.ContinueWith(t => t.Exception?.GetBaseException(), TaskScheduler.Default).ConfigureAwait(false);
            var output = process.Tail();
            // another process took the port between FreePort.Get() and the bind: try another one
            var portTaken = process.HasExited && output.Contains("already in use", StringComparison.Ordinal);
            await process.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(directory, recursive: true);
            if (attempt >= 3 || !portTaken || cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new InvalidOperationException($"mosquitto did not start on 127.0.0.1:{port} ({error?.Message}):{Environment.NewLine}{output}", error);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_directory, recursive: true);
    }

    public override string ToString() => $"mosquitto on 127.0.0.1:{Port}";
}
