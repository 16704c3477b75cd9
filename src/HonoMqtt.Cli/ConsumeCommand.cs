using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Amqp.Sasl;

namespace HonoMqtt.Cli;

/// <summary>
/// <c>consume</c>: attaches receivers on a tenant's telemetry and event addresses, prints every message and accepts it
/// after printing. Exit codes: 0 done (count reached, Ctrl+C, or the timeout without a count), 1 failure or the
/// timeout before the count was reached.
/// </summary>
internal sealed class ConsumeCommand(ConsumeOptions options, TextWriter output, TextWriter errors)
{
    private const int Credit = 50;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<(string Address, ReceiverLink Link, Message Message)> _received =
        Channel.CreateUnbounded<(string, ReceiverLink, Message)>(new UnboundedChannelOptions { SingleReader = true });

    private int _printed;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource();
        if (options.TimeoutSeconds is { } seconds)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Connection connection;
        try
        {
            connection = await ConnectAsync(run.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmqpException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }

            await errors.WriteLineAsync($"cannot connect to {options.Host}:{options.Port}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        try
        {
            connection.AddClosedCallback((_, error) => _received.Writer.TryComplete(new AmqpException(error ?? new Error(ErrorCode.ConnectionForced) { Description = "connection closed" })));
            var session = new Session(connection);
            var attached = options.Addresses.Select(address => AttachAsync(session, address)).ToList();
            await Task.WhenAll(attached).WaitAsync(ConnectTimeout, run.Token).ConfigureAwait(false);
            await errors.WriteLineAsync($"consuming from {string.Join(", ", options.Addresses)} on {options.Host}:{options.Port}").ConfigureAwait(false);
            return await PrintAsync(run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (OperationCanceledException)
        {
            return await TimedOutAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ChannelClosedException)
        {
            await errors.WriteLineAsync("failed: " + (e.InnerException ?? e).Message).ConfigureAwait(false);
            return 1;
        }
        finally
        {
            await CloseAsync(connection).ConfigureAwait(false);
        }
    }

    private async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory();
        if (options.Username is null)
        {
            factory.SASL.Profile = SaslProfile.Anonymous;
        }

        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(ConnectTimeout);
        var address = new Address(options.Host, options.Port, options.Username, options.Password, "/", "amqp");
        return await factory.CreateAsync(address, connect.Token).ConfigureAwait(false);
    }

    private Task AttachAsync(Session session, string address)
    {
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attach = new Attach
        {
            Source = new Source { Address = address },
            Target = new Target(),
            SndSettleMode = SenderSettleMode.Unsettled,
            RcvSettleMode = ReceiverSettleMode.First,
        };
        var link = new ReceiverLink(session, $"hono-mqtt-cli-{Guid.NewGuid():N}", attach, (_, remote) =>
        {
            if (remote.Source is not null)
            {
                attached.TrySetResult();
            }
        });
        link.AddClosedCallback((_, error) =>
        {
            var failure = new AmqpException(error?.Condition ?? ErrorCode.DetachForced, $"receiver on '{address}' closed: {error?.Description ?? "detached"}");
            attached.TrySetException(failure);
            _received.Writer.TryComplete(failure);
        });
        // Runs on the connection's pump: only hand the message over.
        link.Start(Credit, (receiver, message) => _received.Writer.TryWrite((address, (ReceiverLink)receiver, message)));
        return attached.Task;
    }

    /// <summary>Prints and accepts messages until the count is reached; cancellation and failures propagate.</summary>
    private async Task<int> PrintAsync(CancellationToken cancellationToken)
    {
        await foreach (var (address, link, message) in _received.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await output.WriteAsync(MessageFormatter.Format(address, message)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            link.Accept(message);
            if (++_printed == options.Count)
            {
                return 0;
            }
        }

        return 1; // the channel only completes on a failure, which ReadAllAsync rethrows
    }

    private async Task<int> TimedOutAsync()
    {
        if (options.Count is not { } expected)
        {
            return 0;
        }

        await errors.WriteLineAsync($"timed out after {options.TimeoutSeconds} s with {_printed} of {expected} messages").ConfigureAwait(false);
        return 1;
    }

    private static async Task CloseAsync(Connection connection)
    {
        try
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(2), null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException)
        {
            // the peer went away first
        }
    }
}
