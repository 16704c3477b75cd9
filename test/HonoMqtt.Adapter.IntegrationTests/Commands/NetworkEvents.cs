using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Amqp.Sasl;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>An application's receiver on a broker's event address (durable terminus, as the adapter's event sender asks for), picking out ttd notifications.</summary>
internal sealed class NetworkEvents : IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();
    private readonly List<Message> _unclaimed = [];

    private NetworkEvents(Connection connection) => _connection = connection;

    public static async Task<NetworkEvents> AttachAsync(Address address, string source)
    {
        var factory = new ConnectionFactory();
        if (address.User is null)
        {
            factory.SASL.Profile = SaslProfile.Anonymous;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var connection = await factory.CreateAsync(address, cts.Token);
        var events = new NetworkEvents(connection);
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new ReceiverLink(new Session(connection), "test-events-" + Guid.NewGuid().ToString("N")[..8],
            new Attach { Source = new Source { Address = source, Durable = 1 }, Target = new Target() },
            (_, remote) =>
            {
                if (remote.Source is not null)
                {
                    attached.TrySetResult();
                }
            });
        link.AddClosedCallback((_, error) => attached.TrySetException(new AmqpException(error ?? new Error(ErrorCode.DetachForced))));
        link.Start(100, (l, m) =>
        {
            l.Accept(m);
            events._messages.Writer.TryWrite(m);
        });
        await attached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return events;
    }

    /// <summary>The ttd of the next notification for <paramref name="deviceId"/>.</summary>
    public async Task<int> NextTtdAsync(string deviceId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var index = _unclaimed.FindIndex(m => IsNotificationFor(m, deviceId));
            if (index >= 0)
            {
                var found = _unclaimed[index];
                _unclaimed.RemoveAt(index);
                return (int)found.ApplicationProperties["ttd"];
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no ttd notification for {deviceId}");
            }

            using var cts = new CancellationTokenSource(left);
            _unclaimed.Add(await _messages.Reader.ReadAsync(cts.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.CloseAsync(TimeSpan.FromSeconds(2), null);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException)
        {
            // gone already
        }
    }

    private static bool IsNotificationFor(Message message, string deviceId) =>
        message.Properties?.ContentType == "application/vnd.eclipse-hono-empty-notification"
        && message.ApplicationProperties?["device_id"] as string == deviceId;
}
