using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// A process started by a test fixture: its stdout and stderr are captured line by line (and copied to a log file
/// if given), it can be awaited for a line of output, stopped with SIGTERM and killed with all its descendants.
/// Whatever is still running when the test host exits is killed then, so no fixture outlives the test run.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly ConcurrentDictionary<ChildProcess, bool> Running = new();

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StreamWriter? _log;
    private readonly Action<string>? _onStandardOutputLine;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _logClosed;
    private TaskCompletionSource _outputChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAllRunning();
    }

    private ChildProcess(ProcessStartInfo start, string command, string? logFile, Action<string>? onStandardOutputLine)
    {
        Command = command;
        _onStandardOutputLine = onStandardOutputLine;
        if (logFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
            _log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            _log.WriteLine($"--- {DateTime.UtcNow:O} starting {command}");
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            OnLine(e.Data, _stdout, "out");
            if (e.Data is not null)
            {
                _onStandardOutputLine?.Invoke(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderr, "err");
        try
        {
            _process.Start();
        }
        catch (Win32Exception e)
        {
            _log?.Dispose();
            _process.Dispose();
            throw new FileNotFoundException(
                $"cannot run {start.FileName} ({e.Message}); run scripts/install-test-deps.sh to install the test dependencies", start.FileName, e);
        }

        Running[this] = true;
        Id = _process.Id;
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Exited = WaitForExitAsync();
    }

    /// <summary>The command line, for messages.</summary>
    public string Command { get; }

    public int Id { get; }

    /// <summary>Completes with the exit code once the process has exited and its output is read to the end.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Every line of stdout and stderr so far, in the order they were read.</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with stdin closed. <paramref name="environment"/> adds or (with null values) removes
    /// variables; <paramref name="onStandardOutputLine"/> sees every line of stdout, in order, as it is read.
    /// </summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? logFile = null,
        Action<string>? onStandardOutputLine = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new ChildProcess(start, string.Join(' ', [fileName, .. start.ArgumentList.Select(Quote)]), logFile, onStandardOutputLine);
    }

    /// <summary>Runs a process to its end; at <paramref name="timeout"/> it is killed and the result says so.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken = default,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? logFile = null)
    {
        await using var process = Start(fileName, arguments, workingDirectory, environment, logFile);
        var timedOut = false;
        try
        {
            await process.Exited.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            await process.KillAsync().ConfigureAwait(false);
        }

        var exitCode = process.HasExited ? await process.Exited.ConfigureAwait(false) : -1;
        return new ProcessResult(process.Command, exitCode, process.StandardOutput, process.StandardError, timedOut, process._clock.Elapsed);
    }

    /// <summary>
    /// Waits for a line of stdout or stderr (including the lines already read) that matches <paramref name="match"/>.
    /// Fails if the process exits first.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken = default)
    {
        var next = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; next < _lines.Count; next++)
                {
                    if (match(_lines[next]))
                    {
                        return _lines[next];
                    }
                }

                changed = _outputChanged.Task;
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"{Command} exited with {Exited.Result} before printing the expected line; output:{Environment.NewLine}{Tail()}");
            }

            await Task.WhenAny(changed, Exited).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends SIGTERM; if the process has not exited after <paramref name="grace"/> it is killed. True if it ended by itself.</summary>
    public async Task<bool> TerminateAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (HasExited)
        {
            return true;
        }

        if (kill(Id, SigTerm) == 0)
        {
            try
            {
                await Exited.WaitAsync(grace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
            }
        }

        await KillAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Kills the process and all its descendants and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            KillTree();
        }

        try
        {
            await Exited.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"{Command} (pid {Id}) did not exit within 10 s of SIGKILL", e);
        }
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 30)
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _lines.Skip(Math.Max(0, _lines.Count - lines)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _logClosed = true;
                _log?.Dispose();
            }

            _process.Dispose();
        }
    }

    private static void KillAllRunning()
    {
        foreach (var process in Running.Keys)
        {
            process.KillTree();
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=@%+,".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''")}'";

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
        catch (Win32Exception)
        {
            // exited meanwhile
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            var exitCode = _process.ExitCode;
            lock (_gate)
            {
                if (!_logClosed)
                {
                    _log?.WriteLine($"--- {DateTime.UtcNow:O} exited with {exitCode} after {_clock.Elapsed.TotalSeconds:0.00} s");
                }
            }

            return exitCode;
        }
        finally
        {
            Running.TryRemove(this, out _);
            lock (_gate)
            {
                _outputChanged.TrySetResult();
            }
        }
    }

    private void OnLine(string? line, StringBuilder stream, string name)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            stream.AppendLine(line);
            _lines.Add(line);
            if (!_logClosed)
            {
                _log?.WriteLine($"[{name}] {line}");
            }

            var changed = _outputChanged;
            _outputChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
