using System.Collections.Concurrent;
using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// One established connection with its session and its sender links (cached per Hono address). When the
/// connection or the session ends, the scope is lost as a whole; the owner loop then builds a new one, so links are
/// never reused across connections.
/// </summary>
internal sealed class AmqpConnectionScope
{
    private static readonly Task<SendOutcome> UnavailableTask = Task.FromResult(SendOutcome.Failed(HonoError.TemporarilyUnavailable));

    private readonly ConcurrentDictionary<string, DownstreamSenderLink> _links = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<Error?> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, string> _rewrite;
    private readonly LinkSettings _settings;
    private readonly AmqpSendCounters _counters;
    private readonly ILogger _logger;
    private readonly Action<DownstreamSenderLink> _evict;
    private long _linkCounter;

    /// <summary>Opens a session on <paramref name="connection"/>; throws <see cref="AmqpException"/> if it is already closed.</summary>
    public AmqpConnectionScope(Connection connection, Func<string, string> rewrite, LinkSettings settings, AmqpSendCounters counters,
        ILogger logger)
    {
        Connection = connection;
        _rewrite = rewrite;
        _settings = settings;
        _counters = counters;
        _logger = logger;
        _evict = link => _links.TryRemove(new KeyValuePair<string, DownstreamSenderLink>(link.Key, link));

        // Callbacks only signal the owner loop; they run on the pump.
        connection.AddClosedCallback((_, error) => _lost.TrySetResult(error));
        Session = new Session(connection);
        Session.AddClosedCallback((_, error) => _lost.TrySetResult(error ?? new Error(ErrorCode.IllegalState) { Description = "session ended" }));
    }

    public Connection Connection { get; }

    public Session Session { get; }

    /// <summary>Completes with the close error (or null) when the connection or session ends.</summary>
    public Task<Error?> Lost => _lost.Task;

    public bool IsOpen => !_lost.Task.IsCompleted && !Connection.IsClosed;

    /// <summary>The cached links (for tests and metrics).</summary>
    public ICollection<DownstreamSenderLink> Links => _links.Values;

    public Task<SendOutcome> SendAsync(string address, Message message, bool waitForOutcome, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            return UnavailableTask;
        }

        var link = _links.GetOrAdd(address, static (a, scope) => scope.NewLink(a), this);
        var attached = link.EnsureAttachedAsync();
        return attached.IsCompletedSuccessfully
            ? SendOnAttachedAsync(link, attached.Result, message, waitForOutcome, cancellationToken)
            : AttachAndSendAsync(link, attached, message, waitForOutcome, cancellationToken);
    }

    /// <summary>Closes links and the connection and waits up to <paramref name="timeout"/> for the peer's close.</summary>
    public async Task CloseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var link in _links.Values)
        {
            link.CloseQuietly();
        }

        CloseConnectionQuietly();
        try
        {
            await _lost.Task.WaitAsync(timeout, _settings.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.CloseTimedOut((int)timeout.TotalMilliseconds);
        }
    }

    /// <summary>After a loss: makes sure the transport is closed (does not wait).</summary>
    public void Abandon()
    {
        foreach (var link in _links.Values)
        {
            link.CloseQuietly();
        }

        CloseConnectionQuietly();
    }

    private static Task<SendOutcome> SendOnAttachedAsync(DownstreamSenderLink link, HonoError? attachError, Message message,
        bool waitForOutcome, CancellationToken cancellationToken) =>
        attachError is { } error
            ? Task.FromResult(SendOutcome.Failed(error))
            : link.SendAsync(message, waitForOutcome, cancellationToken);

    private static async Task<SendOutcome> AttachAndSendAsync(DownstreamSenderLink link, Task<HonoError?> attached, Message message,
        bool waitForOutcome, CancellationToken cancellationToken)
    {
        var attachError = await attached.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await SendOnAttachedAsync(link, attachError, message, waitForOutcome, cancellationToken).ConfigureAwait(false);
    }

    private DownstreamSenderLink NewLink(string address)
    {
        // The rewrite rule applies to the link's target address only; the counter keeps link names unique.
        var name = $"hono-mqtt-{Interlocked.Increment(ref _linkCounter)}-{address}";
        return new DownstreamSenderLink(Session, address, name, _rewrite(address), _settings, _counters, _logger, _evict);
    }

    private void CloseConnectionQuietly()
    {
        try
        {
            Connection.Close(TimeSpan.Zero);
        }
        catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException or IOException)
        {
            // already closed
        }
    }
}
