using System.Threading.Channels;
using Amqp;
using Amqp.Framing;

namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>A business application's receiver on one address: collects messages, accepting them unless told otherwise.</summary>
public sealed class AmqpTestReceiver : IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly ReceiverLink _link;
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();

    private AmqpTestReceiver(Connection connection, ReceiverLink link)
    {
        _connection = connection;
        _link = link;
    }

    public ReceiverLink Link => _link;

    /// <summary>When false, messages are handed over unsettled; settle them with <see cref="Link"/>.</summary>
    public bool AutoAccept { get; set; } = true;

    public static async Task<AmqpTestReceiver> AttachAsync(Address address, string source, int credit = 100)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var factory = new ConnectionFactory();
        if (address.User is null)
        {
            factory.SASL.Profile = Amqp.Sasl.SaslProfile.Anonymous;
        }

        var connection = await factory.CreateAsync(address, cts.Token);
        var session = new Session(connection);
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new ReceiverLink(session, "test-receiver-" + Guid.NewGuid().ToString("N")[..8], new Attach
        {
            Source = new Source { Address = source },
            Target = new Target(),
        }, (_, _) => attached.TrySetResult());
        var receiver = new AmqpTestReceiver(connection, link);
        link.Start(credit, (l, m) =>
        {
            if (receiver.AutoAccept)
            {
                l.Accept(m);
            }

            receiver._messages.Writer.TryWrite(m);
        });
        await attached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return receiver;
    }

    public static Task<AmqpTestReceiver> AttachAsync(int port, string source, int credit = 100) =>
        AttachAsync(new Address($"amqp://127.0.0.1:{port}"), source, credit);

    /// <summary>The next message, waiting at most <paramref name="timeout"/> (default 10 s).</summary>
    public async Task<Message> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _messages.Reader.ReadAsync(cts.Token);
    }

    /// <summary>A message already received, if any, without waiting.</summary>
    public bool TryTake(out Message? message) => _messages.Reader.TryRead(out message);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _link.CloseAsync();
            await _connection.CloseAsync();
        }
        catch (AmqpException)
        {
            // the peer is already gone
        }
    }
}
