using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands.Amqp;

/// <summary>
/// One receiver link of <see cref="AmqpCommandConsumer"/> on a command address, re-attached on every new connection
/// while subscriptions need it. All members except <see cref="Ready"/> are called under the consumer's lock.
/// </summary>
internal sealed class CommandReceiver(
    string address,
    string target,
    int credit,
    Func<CommandLinkPump> createPump,
    Action<CommandReceiver, Session> onLost,
    ILogger logger)
{
    private TaskCompletionSource<HonoError?> _ready = NewReady();
    private ReceiverLink? _link;
    private CommandLinkPump? _pump;
    private bool _closing;

    /// <summary>Hono's address, e.g. <c>command/t1/d1</c>.</summary>
    public string Address { get; } = address;

    /// <summary>How many subscriptions (leases) need this receiver.</summary>
    public int References { get; set; }

    /// <summary>Completes when the link is attached (null) or could not be (the error).</summary>
    public Task<HonoError?> Ready => Volatile.Read(ref _ready).Task;

    /// <summary>Attaches the link on <paramref name="session"/> (a new connection's).</summary>
    public void Attach(Session session)
    {
        if (_closing)
        {
            return;
        }

        if (_ready.Task.IsCompleted)
        {
            Volatile.Write(ref _ready, NewReady());
        }

        var ready = _ready;
        var pump = createPump();
        _pump = pump;
        try
        {
            var attach = new Attach
            {
                Source = new Source { Address = target },
                Target = new Target(),
                SndSettleMode = SenderSettleMode.Unsettled,
                RcvSettleMode = ReceiverSettleMode.First,
            };
            var link = new ReceiverLink(session, $"hono-mqtt-cmd-{Guid.NewGuid():N}", attach, (_, remote) =>
            {
                // A refused attach answers without source, then detaches with the reason (see the closed callback).
                if (remote.Source is not null)
                {
                    logger.ReceiverAttached(Address);
                    ready.TrySetResult(null);
                }
            });
            link.AddClosedCallback((_, error) =>
            {
                pump.Complete();
                ready.TrySetResult(new HonoError(503, $"receiver on {target} closed: {error?.Description ?? error?.Condition.ToString() ?? "detached"}"));
                if (!_closing)
                {
                    logger.ReceiverFailed(Address, error?.ToString() ?? "detached");
                    onLost(this, session);
                }
            });
            link.Start(credit, (receiver, message) => pump.Post(message, new ReceiverCommandSettlement((ReceiverLink)receiver, message)));
            _link = link;
        }
        catch (Exception e) when (e is AmqpException or InvalidOperationException or ObjectDisposedException)
        {
            pump.Complete();
            ready.TrySetResult(HonoError.TemporarilyUnavailable);
        }
    }

    /// <summary>The connection is gone: the link with it; a new one follows on the next connection.</summary>
    public void ConnectionLost()
    {
        _link = null;
        _pump?.Complete();
        _ready.TrySetResult(HonoError.TemporarilyUnavailable);
    }

    /// <summary>No subscription needs the receiver any more: detach (the network then gives its commands to others).</summary>
    public Task CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        _pump?.Complete();
        _ready.TrySetResult(HonoError.TemporarilyUnavailable);
        var link = _link;
        _link = null;
        if (link is null || link.IsClosed)
        {
            return Task.CompletedTask;
        }

        return CloseLinkAsync(link, timeout);
    }

    private static TaskCompletionSource<HonoError?> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task CloseLinkAsync(ReceiverLink link, TimeSpan timeout)
    {
        try
        {
            await link.CloseAsync(timeout).ConfigureAwait(false);
            logger.ReceiverClosed(Address);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // closed with the connection, or the peer did not answer in time
        }
    }
}
