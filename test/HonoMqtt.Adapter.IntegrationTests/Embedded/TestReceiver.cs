using System.Threading.Channels;
using Amqp;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

/// <summary>An application's receiver link; messages arrive on the connection's pump and are only queued here.</summary>
internal sealed class TestReceiver
{
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();
    private int _received;

    public TestReceiver(ReceiverLink link)
    {
        Link = link;
    }

    public ReceiverLink Link { get; }

    public int ReceivedCount => Volatile.Read(ref _received);

    /// <summary>Optional extra work per message, on the pump (must not block).</summary>
    public Action<ReceiverLink, Message>? OnMessage { get; set; }

    public void Start(int credit) => Link.Start(credit, (link, message) =>
    {
        Interlocked.Increment(ref _received);
        OnMessage?.Invoke((ReceiverLink)link, message);
        _messages.Writer.TryWrite(message);
    });

    public async Task<Message> NextAsync(TimeSpan? timeout = null) =>
        await _messages.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));

    public bool TryTake(out Message? message) => _messages.Reader.TryRead(out message);
}
