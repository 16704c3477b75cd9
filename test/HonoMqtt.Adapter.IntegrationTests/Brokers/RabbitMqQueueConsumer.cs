using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>
/// A business application consuming a durable RabbitMQ queue over AMQP 1.0 (<c>/queue/&lt;name&gt;</c>), accepting every
/// message. The source is durable: RabbitMQ treats an attach to <c>/queue/...</c> as a declaration and refuses a link
/// whose terminus durability differs from the existing queue's ("inequivalent arg 'durable'"), which
/// <see cref="Harness.AmqpTestReceiver"/>'s non-durable source would run into.
/// </summary>
internal sealed class RabbitMqQueueConsumer : IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();

    private RabbitMqQueueConsumer(Connection connection) => _connection = connection;

    public static async Task<RabbitMqQueueConsumer> AttachAsync(RabbitMqBroker broker, string queueName, int credit = 300)
    {
        using var cts = new CancellationTokenSource(BrokerScenario.Deadline);
        var connection = await new ConnectionFactory().CreateAsync(broker.Address, cts.Token);
        var consumer = new RabbitMqQueueConsumer(connection);
        var attached = new TaskCompletionSource<Error?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new ReceiverLink(new Session(connection), "app-" + Guid.NewGuid().ToString("N")[..8], new Attach
        {
            Source = new Source { Address = RabbitMqBroker.QueueAddress(queueName), Durable = 1 },
            Target = new Target(),
        }, (_, remote) =>
        {
            if (remote.Source is not null)
            {
                attached.TrySetResult(null);
            }
        });
        link.AddClosedCallback((_, error) => attached.TrySetResult(error ?? new Error(ErrorCode.DetachForced)));
        link.Start(credit, (l, m) =>
        {
            l.Accept(m);
            consumer._messages.Writer.TryWrite(m);
        });
        if (await attached.Task.WaitAsync(BrokerScenario.Deadline) is { } refused)
        {
            await connection.CloseAsync();
            throw new InvalidOperationException($"RabbitMQ refused the consumer on {queueName}: {refused.Condition} {refused.Description}");
        }

        return consumer;
    }

    /// <summary>The next <paramref name="count"/> messages, all within <paramref name="timeout"/> (default <see cref="BrokerScenario.Deadline"/>).</summary>
    public async Task<List<Message>> NextAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? BrokerScenario.Deadline);
        var messages = new List<Message>(count);
        try
        {
            while (messages.Count < count)
            {
                messages.Add(await _messages.Reader.ReadAsync(cts.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"received {messages.Count} of {count} messages in time");
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.CloseAsync();
        }
        catch (AmqpException)
        {
            // the broker is already gone
        }
    }
}
