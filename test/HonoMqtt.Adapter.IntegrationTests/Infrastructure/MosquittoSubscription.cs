using System.Globalization;
using System.Threading.Channels;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// A <c>mosquitto_sub -d -v</c> running in the background. Its debug lines (<c>Client &lt;id&gt; ...</c>, <c>Subscribed (mid: ...)</c>)
/// tell when the subscription is in place and are kept out of <see cref="ReadLinesAsync"/>, which yields one
/// <c>topic payload</c> line per received message (an empty payload shows as <c>(null)</c>).
/// </summary>
public sealed class MosquittoSubscription : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly TaskCompletionSource<IReadOnlyList<int>> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _received = [];
    private readonly Lock _gate = new();
    private readonly string _debugPrefix;
    private ChildProcess? _process;

    private MosquittoSubscription(string clientId)
    {
        ClientId = clientId;
        _debugPrefix = $"Client {clientId} ";
    }

    public string ClientId { get; }

    /// <summary>The QoS the broker granted per topic filter (128 = refused) as shown by SUBACK.</summary>
    public IReadOnlyList<int> GrantedQos => _subscribed.Task.IsCompletedSuccessfully ? _subscribed.Task.Result : [];

    /// <summary>Completes with the exit code when mosquitto_sub ends (e.g. the broker closed the connection).</summary>
    public Task<int> Exited => Process.Exited;

    /// <summary>Every message line received so far.</summary>
    public IReadOnlyList<string> ReceivedLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>stdout and stderr so far, including the debug lines, for failure messages.</summary>
    public string Output => Process.Tail(200);

    private ChildProcess Process => _process ?? throw new InvalidOperationException("not started");

    /// <summary>The message lines as they arrive; ends when mosquitto_sub exits.</summary>
    public IAsyncEnumerable<string> ReadLinesAsync(CancellationToken cancellationToken = default) => _lines.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The next message line not read yet; fails after <paramref name="timeout"/> or if mosquitto_sub exits.</summary>
    public async Task<string> NextLineAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"mosquitto_sub {ClientId} received no message within {timeout.TotalSeconds:0.#} s; output:{Environment.NewLine}{Output}");
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException($"mosquitto_sub {ClientId} exited; output:{Environment.NewLine}{Output}", e);
        }
    }

    /// <summary>The next <paramref name="count"/> message lines not read yet, all within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<string>> NextLinesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lines = new List<string>(count);
        while (lines.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                lines.Add(await NextLineAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"received {lines.Count} of {count} messages within {timeout.TotalSeconds:0.#} s: [{string.Join(" | ", lines)}]", e);
            }
        }

        return lines;
    }

    /// <summary>Kills mosquitto_sub (it does not disconnect cleanly, like a client that loses its network).</summary>
    public ValueTask DisposeAsync() => _process?.DisposeAsync() ?? ValueTask.CompletedTask;

    internal static async Task<MosquittoSubscription> StartAsync(MosquittoOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clientId = options.ClientId ?? $"sub-{Guid.NewGuid().ToString("N")[..12]}";
        var subscription = new MosquittoSubscription(clientId);
        var arguments = (options with { ClientId = clientId }).ToArguments();
        // mosquitto_sub flushes stdout after each message but not after its debug lines (SUBACK): line-buffer it with stdbuf
        subscription._process = ChildProcess.Start("/usr/bin/stdbuf", ["-oL", MosquittoClients.Sub, "-d", "-v", .. arguments], onStandardOutputLine: subscription.OnLine);
        _ = subscription._process.Exited.ContinueWith(_ => subscription.OnExited(), TaskScheduler.Default);
        try
        {
            await subscription._subscribed.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch (Exception e)
        {
            var output = subscription._process.Tail();
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"mosquitto_sub {clientId} did not subscribe to '{options.Topic}' on port {options.Port}: {e.Message}{Environment.NewLine}{output}", e);
        }
    }

    private void OnLine(string line)
    {
        if (line.StartsWith(_debugPrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (!_subscribed.Task.IsCompleted && line.StartsWith("Subscribed (mid: ", StringComparison.Ordinal))
        {
            var granted = line[(line.IndexOf("):", StringComparison.Ordinal) + 2)..]
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(q => int.Parse(q, CultureInfo.InvariantCulture))
                .ToArray();
            _subscribed.TrySetResult(granted);
            return;
        }

        lock (_gate)
        {
            _received.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }

    private void OnExited()
    {
        _subscribed.TrySetException(new InvalidOperationException($"mosquitto_sub exited with {Process.Exited.Result}"));
        _lines.Writer.TryComplete();
    }
}
