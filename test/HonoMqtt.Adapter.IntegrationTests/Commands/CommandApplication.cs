using System.Collections.Concurrent;
using Amqp;
using Amqp.Framing;
using Amqp.Sasl;
using HonoMqtt.Adapter.IntegrationTests.Harness;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>
/// A business application that sends commands (AMQPNetLite, callback sends with their own completion) and receives
/// command responses, on the embedded endpoint or on a broker.
/// </summary>
internal sealed class CommandApplication : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Task<SenderLink>> _senders = new(StringComparer.Ordinal);
    private readonly List<AmqpTestReceiver> _receivers = [];
    private readonly Address _address;
    private readonly Func<string, string> _rewrite;

    private CommandApplication(Address address, Connection connection, Func<string, string> rewrite)
    {
        _address = address;
        Connection = connection;
        Session = new Session(connection);
        _rewrite = rewrite;
    }

    public Connection Connection { get; }

    public Session Session { get; }

    /// <summary>Connects to <paramref name="address"/>; <paramref name="rewrite"/> maps Hono addresses to the network's (RabbitMQ: queues).</summary>
    public static async Task<CommandApplication> ConnectAsync(Address address, Func<string, string>? rewrite = null)
    {
        var factory = new ConnectionFactory();
        if (address.User is null)
        {
            factory.SASL.Profile = SaslProfile.Anonymous;
        }

        using var cts = new CancellationTokenSource(Deadline);
        var connection = await factory.CreateAsync(address, cts.Token);
        return new CommandApplication(address, connection, rewrite ?? (a => a));
    }

    public static Task<CommandApplication> ConnectAsync(int port) => ConnectAsync(new Address($"amqp://127.0.0.1:{port}"));

    /// <summary>A command as Hono's application client sends it: <c>to</c>, <c>subject</c>, optional reply-to and ids.</summary>
    public static Message Command(string tenant, string device, string name, string? body = null, string? replyId = null,
        string? correlationId = null, string? messageId = null)
    {
        var message = new Message
        {
            Properties = new Properties
            {
                To = $"command/{tenant}/{device}",
                Subject = name,
                MessageId = messageId ?? "msg-" + Guid.NewGuid().ToString("N")[..8],
                ContentType = "text/plain",
            },
            BodySection = new Data { Binary = System.Text.Encoding.UTF8.GetBytes(body ?? string.Empty) },
        };
        if (replyId is not null)
        {
            message.Properties.ReplyTo = $"command_response/{tenant}/{replyId}";
            message.Properties.CorrelationId = correlationId ?? "corr-" + Guid.NewGuid().ToString("N")[..8];
        }

        return message;
    }

    /// <summary>Sends on a (cached) sender link to <paramref name="address"/> and returns the outcome the endpoint settled it with.</summary>
    public async Task<Outcome> SendAsync(string address, Message message, TimeSpan? timeout = null)
    {
        var link = await _senders.GetOrAdd(address, AttachSenderAsync);
        var outcome = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        link.Send(message, static (_, _, result, state) => ((TaskCompletionSource<Outcome>)state!).TrySetResult(result), outcome);
        return await outcome.Task.WaitAsync(timeout ?? Deadline);
    }

    /// <summary>Sends Hono's way: to <c>command/&lt;tenant&gt;</c>, the device named in <c>to</c>.</summary>
    public Task<Outcome> SendCommandAsync(Message message, TimeSpan? timeout = null)
    {
        var tenant = message.Properties.To.Split('/')[1];
        return SendAsync($"command/{tenant}", message, timeout);
    }

    /// <summary>A receiver for responses on <c>command_response/&lt;tenant&gt;/&lt;replyId&gt;</c>.</summary>
    public async Task<AmqpTestReceiver> ReceiveResponsesAsync(string tenant, string replyId)
    {
        var receiver = await AmqpTestReceiver.AttachAsync(_address, _rewrite($"command_response/{tenant}/{replyId}"));
        lock (_receivers)
        {
            _receivers.Add(receiver);
        }

        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }

        try
        {
            await Connection.CloseAsync(TimeSpan.FromSeconds(2), null);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException)
        {
            // the endpoint is gone already
        }
    }

    private async Task<SenderLink> AttachSenderAsync(string address)
    {
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attach = new Attach { Source = new Source(), Target = new Target { Address = _rewrite(address) } };
        var link = new SenderLink(Session, "command-sender-" + Guid.NewGuid().ToString("N")[..8], attach, (_, remote) =>
        {
            if (remote.Target is not null)
            {
                attached.TrySetResult();
            }
        });
        link.AddClosedCallback((_, error) => attached.TrySetException(new AmqpException(error ?? new Error(ErrorCode.DetachForced))));
        await attached.Task.WaitAsync(Deadline);
        return link;
    }
}
