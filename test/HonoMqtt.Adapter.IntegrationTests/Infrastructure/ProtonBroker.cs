using Amqp;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// The Qpid Proton C example broker (built by <c>scripts/install-test-deps.sh</c>) on a free port of 127.0.0.1:
/// an in-memory AMQP 1.0 broker that creates a queue for any address on first use, e.g. Hono's
/// <c>telemetry/DEFAULT_TENANT</c>. It offers only SASL ANONYMOUS and also takes clients that skip SASL;
/// <see cref="Address"/> has no credentials, so AMQPNetLite connects without SASL.
/// </summary>
public sealed class ProtonBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly ChildProcess _process;

    private ProtonBroker(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>Where <c>scripts/install-test-deps.sh</c> builds the broker.</summary>
    public static string BinaryPath => Path.Combine(TestWork.Directory, "proton-broker", "broker");

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary><c>amqp://127.0.0.1:&lt;port&gt;</c>, no SASL.</summary>
    public Address Address => new(Host, Port, user: null, password: null, path: "/", scheme: "amqp");

    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts the broker and returns once it listens and accepts TCP connections.</summary>
    public static Task<ProtonBroker> StartAsync(CancellationToken cancellationToken = default) => StartAsync(BinaryPath, cancellationToken);

    /// <summary>Starts the broker built at <paramref name="binary"/> (its directory is the working directory, for its demo certificates).</summary>
    public static async Task<ProtonBroker> StartAsync(string binary, CancellationToken cancellationToken)
    {
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException(
                $"the Qpid Proton example broker is missing: {binary} does not exist. Run scripts/install-test-deps.sh "
                + $"(it builds the broker into ${TestWork.EnvironmentVariable}/proton-broker, default <repo>/.tmp), or ./scripts/test.sh.",
                binary);
        }

        var directory = Path.GetDirectoryName(binary)!;
        var logs = Path.Combine(TestWork.Directory, "logs");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Get();
            var process = ChildProcess.Start(
                binary,
                ["127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                workingDirectory: directory,
                logFile: Path.Combine(logs, $"proton-broker-{port}.log"));
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(StartTimeout);
                await process.WaitForLineAsync(line => line.StartsWith("listening on", StringComparison.Ordinal), timeout.Token).ConfigureAwait(false);
                await Eventually.Until(
                    ct => PortProbe.AcceptsTcpAsync(port, ct), StartTimeout, $"the Proton broker accepts TCP on 127.0.0.1:{port}", cancellationToken)
                    .ConfigureAwait(false);
                return new ProtonBroker(process, port);
            }
            catch (Exception e) when (attempt < 3 && process.HasExited && process.Tail().Contains("already in use", StringComparison.Ordinal)
                                      && !cancellationToken.IsCancellationRequested)
            {
                // someone took the port between FreePort.Get() and the broker's bind: try another one
                TestContextLog($"Proton broker on port {port} exited during start-up ({e.Message}); retrying with another port");
                await process.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var output = process.Tail();
                await process.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"the Proton broker did not start on 127.0.0.1:{port}: {e.Message}{Environment.NewLine}{output}", e);
            }
        }
    }

    /// <summary>Kills the broker (it keeps nothing on disk) and waits until it has exited.</summary>
    public Task StopAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public override string ToString() => $"Proton broker on 127.0.0.1:{Port} (pid {_process.Id})";

    private static void TestContextLog(string message) => NUnit.Framework.TestContext.Progress.WriteLine(message);
}
