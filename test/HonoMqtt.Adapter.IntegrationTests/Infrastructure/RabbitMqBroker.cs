using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Amqp;
using Amqp.Framing;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// A private RabbitMQ node (Debian's rabbitmq-server 3.10 with <c>rabbitmq_amqp1_0</c>), not the system service:
/// its own epmd, AMQP and distribution ports (free ports on 127.0.0.1), node name <c>rabbit-&lt;port&gt;@localhost</c>,
/// and all its state under a fresh directory of the test work directory, deleted on dispose.
/// RabbitMQ's AMQP 1.0 plugin rejects Hono's addresses such as <c>telemetry/DEFAULT_TENANT</c>; use
/// <see cref="QueueAddress"/> (<c>/queue/telemetry%2FDEFAULT_TENANT</c>). <see cref="Address"/> logs in as guest (SASL PLAIN),
/// which RabbitMQ allows from loopback only.
/// </summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    public const string Username = "guest";
    public const string Password = "guest";

    private const string RabbitBin = "/usr/lib/rabbitmq/bin";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string?> _environment;
    private readonly string _consoleLog;
    private ChildProcess? _epmd;
    private ChildProcess? _node;
    private bool _disposed;

    private RabbitMqBroker(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        Port = FreePort.Get();
        DistributionPort = FreePort.Get();
        EpmdPort = FreePort.Get();
        NodeName = $"rabbit-{Port}@localhost";
        _consoleLog = Path.Combine(TestWork.Directory, "logs", $"rabbitmq-{Port}.log");

        var home = Path.Combine(dataDirectory, "home");
        Directory.CreateDirectory(home);
        var cookie = Path.Combine(home, ".erlang.cookie");
        File.WriteAllText(cookie, Guid.NewGuid().ToString("N").ToUpperInvariant());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead); // Erlang refuses a cookie that others can read
        }

        File.WriteAllText(Path.Combine(dataDirectory, "enabled_plugins"), "[rabbitmq_amqp1_0]." + Environment.NewLine);
        File.WriteAllLines(Path.Combine(dataDirectory, "rabbitmq.conf"),
        [
            $"listeners.tcp.1 = 127.0.0.1:{Port}",
            "loopback_users.guest = true",
            "log.file = false",
            "log.console = true",
            "log.console.level = info",
            "log.console.use_colors = off",
        ]);

        const string loopbackOnly = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false";
        _environment = new Dictionary<string, string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (name.StartsWith("RABBITMQ_", StringComparison.Ordinal) || name.StartsWith("ERL_", StringComparison.Ordinal) || name == "NOTIFY_SOCKET")
            {
                _environment[name] = null;
            }
        }

        foreach (var (name, value) in new Dictionary<string, string>
                 {
                     ["HOME"] = home,
                     ["RABBITMQ_NODENAME"] = NodeName,
                     ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dataDirectory, "rabbitmq-env.conf"),
                     ["RABBITMQ_CONFIG_FILE"] = Path.Combine(dataDirectory, "rabbitmq.conf"),
                     ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(dataDirectory, "advanced.config"),
                     ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(dataDirectory, "enabled_plugins"),
                     ["RABBITMQ_MNESIA_BASE"] = Path.Combine(dataDirectory, "mnesia"),
                     ["RABBITMQ_LOG_BASE"] = Path.Combine(dataDirectory, "log"),
                     ["RABBITMQ_PID_FILE"] = Path.Combine(dataDirectory, "rabbit.pid"),
                     ["RABBITMQ_DIST_PORT"] = Invariant(DistributionPort),
                     ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = loopbackOnly,
                     ["RABBITMQ_CTL_ERL_ARGS"] = loopbackOnly,
                     ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
                     ["ERL_EPMD_PORT"] = Invariant(EpmdPort),
                 })
        {
            _environment[name] = value;
        }
    }

    public string Host => "127.0.0.1";

    /// <summary>The AMQP (0-9-1 and 1.0) port.</summary>
    public int Port { get; }

    public int DistributionPort { get; }

    public int EpmdPort { get; }

    public string NodeName { get; }

    /// <summary>Where the node keeps its state (Mnesia, message store, cookie); deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary><c>amqp://guest:guest@127.0.0.1:&lt;port&gt;</c>: AMQPNetLite logs in with SASL PLAIN.</summary>
    public Address Address => new(Host, Port, Username, Password, path: "/", scheme: "amqp");

    public bool IsRunning => _node is { HasExited: false };

    /// <summary>How long the last start took until the node accepted an AMQP 1.0 connection.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    /// <summary>
    /// The AMQP 1.0 address of queue <paramref name="queueName"/>: <c>/queue/&lt;percent-encoded name&gt;</c>. Attaching a link
    /// to it declares the queue, durable unless the link's terminus durability is "none" (AMQPNetLite's default), and fails
    /// with <c>PRECONDITION_FAILED - inequivalent arg 'durable'</c> if the queue exists with the other durability.
    /// </summary>
    public static string QueueAddress(string queueName) => "/queue/" + Uri.EscapeDataString(queueName);

    /// <summary>
    /// The AMQP 1.0 address of an existing queue: <c>/amq/queue/&lt;percent-encoded name&gt;</c>. RabbitMQ does not declare it,
    /// so links with any terminus durability work (e.g. a sender with a plain target to a queue from <see cref="DeclareDurableQueueAsync"/>).
    /// </summary>
    public static string ExistingQueueAddress(string queueName) => "/amq/queue/" + Uri.EscapeDataString(queueName);

    /// <summary>Starts a new node and returns once it accepts AMQP 1.0 connections (~5–10 s).</summary>
    public static async Task<RabbitMqBroker> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(RabbitBin, "rabbitmq-server")) || !File.Exists("/usr/bin/epmd"))
        {
            throw new FileNotFoundException(
                $"RabbitMQ is not installed ({RabbitBin}/rabbitmq-server or /usr/bin/epmd is missing); run scripts/install-test-deps.sh");
        }

        for (var attempt = 1; ; attempt++)
        {
            var broker = new RabbitMqBroker(TestWork.CreateUniqueDirectory("rabbitmq", "rabbit"));
            try
            {
                await broker.StartEpmdAsync(cancellationToken).ConfigureAwait(false);
                await broker.StartNodeAsync(cancellationToken).ConfigureAwait(false);
                return broker;
            }
            catch (Exception e) when (attempt < 3 && IsPortConflict(e.Message) && !cancellationToken.IsCancellationRequested)
            {
                // another process took one of the free ports between FreePort.Get() and the bind
                NUnit.Framework.TestContext.Progress.WriteLine($"RabbitMQ {broker.NodeName} did not start ({e.Message}); retrying with other ports");
                await broker.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await broker.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Stops the node gracefully (SIGTERM, as <c>rabbitmqctl stop</c> would) and waits until it has exited; epmd keeps running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!await StopNodeAsync(StopTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"RabbitMQ {NodeName} did not stop within {StopTimeout.TotalSeconds} s of SIGTERM and was killed");
        }
    }

    /// <summary>
    /// Stops the node gracefully (if it runs) and starts it again with the same data directory and ports:
    /// durable queues and persistent messages survive. Returns once it accepts AMQP 1.0 connections.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await StartNodeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Kills the node with SIGKILL, without any chance to shut down cleanly, and starts it again with the same data
    /// directory and ports. What RabbitMQ had confirmed as persisted must be there afterwards.
    /// </summary>
    public async Task KillAndRestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_node is { } node)
        {
            _node = null;
            try
            {
                await node.KillAsync().ConfigureAwait(false);
                NUnit.Framework.TestContext.Progress.WriteLine($"{this} killed (SIGKILL)");
            }
            finally
            {
                await node.DisposeAsync().ConfigureAwait(false);
                KillStrayBeam();
            }
        }

        await StartNodeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <c>rabbitmqctl -n &lt;node&gt; &lt;arguments&gt;</c> against this node.</summary>
    public Task<ProcessResult> RabbitMqCtlAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        // the CLI is an Erlang node too: give it its own distribution port instead of the shared default 35672-35682
        var cliPort = Invariant(FreePort.Get());
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["RABBITMQ_CTL_DIST_PORT_MIN"] = cliPort,
            ["RABBITMQ_CTL_DIST_PORT_MAX"] = cliPort,
        };
        return ChildProcess.RunAsync(
            Path.Combine(RabbitBin, "rabbitmqctl"),
            ["-n", NodeName, .. arguments],
            CtlTimeout,
            cancellationToken,
            workingDirectory: DataDirectory,
            environment: environment);
    }

    /// <summary>The number of messages (ready and unacknowledged) in a queue, from <c>rabbitmqctl list_queues</c>.</summary>
    public async Task<long> CountMessagesAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var queues = await ListQueuesAsync(cancellationToken).ConfigureAwait(false);
        return queues.TryGetValue(queueName, out var queue)
            ? queue.Messages
            : throw new InvalidOperationException(
                $"RabbitMQ {NodeName} has no queue '{queueName}'; queues: [{string.Join(", ", queues.Keys)}]");
    }

    /// <summary>
    /// Declares a durable queue by attaching an AMQP 1.0 sender to <see cref="QueueAddress"/> with a durable target
    /// (RabbitMQ declares the queue durable unless the terminus durability is "none"), then checks with rabbitmqctl.
    /// Later links to <see cref="QueueAddress"/> must have a durable terminus too; or use <see cref="ExistingQueueAddress"/>.
    /// </summary>
    public async Task DeclareDurableQueueAsync(string queueName, CancellationToken cancellationToken = default)
    {
        var connection = await new ConnectionFactory().CreateAsync(Address, cancellationToken).ConfigureAwait(false);
        try
        {
            var session = new Session(connection);
            var attached = new TaskCompletionSource<Attach>(TaskCreationOptions.RunContinuationsAsynchronously);
            var target = new Target { Address = QueueAddress(queueName), Durable = 1 };
            var sender = new SenderLink(session, $"declare-{Guid.NewGuid():N}", target, (_, attach) => attached.TrySetResult(attach));
            sender.AddClosedCallback((_, error) => attached.TrySetException(
                new InvalidOperationException($"RabbitMQ refused the link to {target.Address}: {error?.Condition} {error?.Description}")));
            var attach = await attached.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            if (attach.Target is null)
            {
                await Eventually.Until(() => sender.IsClosed, TimeSpan.FromSeconds(5), "RabbitMQ detaches the refused link", cancellationToken).ConfigureAwait(false);
                await attached.Task.ConfigureAwait(false);
            }

            await sender.CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        var queues = await ListQueuesAsync(cancellationToken).ConfigureAwait(false);
        if (!queues.TryGetValue(queueName, out var queue) || !queue.Durable)
        {
            throw new InvalidOperationException($"RabbitMQ {NodeName} did not declare a durable queue '{queueName}'");
        }
    }

    /// <summary>
    /// Stops the node (gracefully for up to 15 s, so that the wrapper script reaps beam.smp and no zombie is left, then SIGKILL
    /// to the whole process tree), kills epmd and deletes <see cref="DataDirectory"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await StopNodeAsync(TimeSpan.FromSeconds(15), CancellationToken.None).ConfigureAwait(false);
            if (_epmd is not null)
            {
                await _epmd.DisposeAsync().ConfigureAwait(false);
                _epmd = null;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // leave it for the next run's clean-up
            }
        }
    }

    public override string ToString() => $"RabbitMQ {NodeName} on 127.0.0.1:{Port}";

    /// <summary>SIGTERM to the wrapper script (it forwards it to beam.smp), SIGKILL to the tree after <paramref name="grace"/>. True if graceful.</summary>
    private async Task<bool> StopNodeAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (_node is null)
        {
            return true;
        }

        var node = _node;
        _node = null;
        var clock = Stopwatch.StartNew();
        try
        {
            var graceful = await node.TerminateAsync(grace, cancellationToken).ConfigureAwait(false);
            NUnit.Framework.TestContext.Progress.WriteLine(
                $"{this} {(graceful ? "stopped" : "killed")} after {clock.Elapsed.TotalSeconds:0.0} s");
            return graceful;
        }
        finally
        {
            await node.DisposeAsync().ConfigureAwait(false);
            KillStrayBeam();
        }
    }

    private static bool IsPortConflict(string output) =>
        output.Contains("eaddrinuse", StringComparison.OrdinalIgnoreCase) || output.Contains("already in use", StringComparison.OrdinalIgnoreCase);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task StartEpmdAsync(CancellationToken cancellationToken)
    {
        _epmd = ChildProcess.Start(
            "/usr/bin/epmd",
            ["-port", Invariant(EpmdPort), "-address", "127.0.0.1"],
            workingDirectory: DataDirectory,
            environment: _environment,
            logFile: Path.ChangeExtension(_consoleLog, ".epmd.log"));
        await WhileRunningAsync(
                _epmd,
                token => Eventually.Until(EpmdAnswersAsync, TimeSpan.FromSeconds(15), $"epmd answers on 127.0.0.1:{EpmdPort}", token),
                cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task StartNodeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _node = ChildProcess.Start(
            Path.Combine(RabbitBin, "rabbitmq-server"),
            [],
            workingDirectory: DataDirectory,
            environment: _environment,
            logFile: _consoleLog);
        await WhileRunningAsync(
                _node,
                token => Eventually.Until(AcceptsAmqpConnectionAsync, StartTimeout, $"RabbitMQ {NodeName} accepts an AMQP 1.0 connection on 127.0.0.1:{Port}", token),
                cancellationToken)
            .ConfigureAwait(false);
        LastStartDuration = clock.Elapsed;
        NUnit.Framework.TestContext.Progress.WriteLine($"{this} ready after {LastStartDuration.TotalSeconds:0.0} s");
    }

    /// <summary>Sends epmd a NAMES_REQ and expects its answer, which starts with its own port (4 bytes, big-endian).</summary>
    private async Task<bool> EpmdAnswersAsync(CancellationToken cancellationToken)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, EpmdPort, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0, 1, 110 }, cancellationToken).ConfigureAwait(false);
        var answer = new byte[4];
        await stream.ReadExactlyAsync(answer, cancellationToken).ConfigureAwait(false);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(answer) == EpmdPort;
    }

    private async Task<bool> AcceptsAmqpConnectionAsync(CancellationToken cancellationToken)
    {
        if (!await PortProbe.AcceptsTcpAsync(Port, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var connection = await new ConnectionFactory().CreateAsync(Address, cancellationToken).ConfigureAwait(false);
        await connection.CloseAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs <paramref name="work"/>, failing at once with the process's output (and cancelling the work) if the process exits first.</summary>
    private static async Task WhileRunningAsync(ChildProcess process, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = work(stop.Token);
        if (await Task.WhenAny(running, process.Exited).ConfigureAwait(false) == running)
        {
            await running.ConfigureAwait(false);
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // cancelled: the process's exit is the error
        }

        throw new InvalidOperationException(
            $"{process.Command} exited with {await process.Exited.ConfigureAwait(false)} during start-up; output:{Environment.NewLine}{process.Tail(40)}");
    }

    private async Task<Dictionary<string, (bool Durable, long Messages)>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        var result = await RabbitMqCtlAsync(["list_queues", "--quiet", "--no-table-headers", "name", "durable", "messages"], cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"rabbitmqctl list_queues failed: {result}");
        }

        var queues = new Dictionary<string, (bool, long)>(StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length == 3 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var messages))
            {
                queues[fields[0]] = (fields[1] == "true", messages);
            }
        }

        return queues;
    }

    /// <summary>Kills beam.smp of this node if it outlived its wrapper script (only if its command line names this node).</summary>
    private void KillStrayBeam()
    {
        var pidFile = Path.Combine(DataDirectory, "rabbit.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            if (commandLine.Contains(NodeName, StringComparison.Ordinal))
            {
                using var beam = Process.GetProcessById(pid);
                beam.Kill(entireProcessTree: true);
                beam.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // gone already
        }
    }
}
