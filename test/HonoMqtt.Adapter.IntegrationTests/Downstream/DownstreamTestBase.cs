using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Downstream.Amqp;
using HonoMqtt.Adapter.Options;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>A <see cref="ScriptedAmqpPeer"/> per test and helpers to run an <see cref="AmqpMessagingClient"/> against it.</summary>
public abstract class DownstreamTestBase
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly List<AmqpMessagingClient> _clients = [];

    protected ScriptedAmqpPeer Peer { get; private set; } = null!;

    protected CollectingLogger<AmqpMessagingClient> Log { get; private set; } = null!;

    [SetUp]
    public void StartPeer()
    {
        Log = new CollectingLogger<AmqpMessagingClient>();
        Peer = CreatePeer();
    }

    [TearDown]
    public async Task StopAll()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
        Peer.Dispose();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (var (_, line) in Log.Lines)
            {
                await TestContext.Out.WriteLineAsync(line);
            }
        }
    }

    protected virtual ScriptedAmqpPeer CreatePeer() => ScriptedAmqpPeer.Start();

    protected MessagingOptions OptionsFor(ScriptedAmqpPeer peer, Action<MessagingOptions>? configure = null)
    {
        var options = new MessagingOptions
        {
            Host = "127.0.0.1",
            Port = peer.Port,
            Name = "hono-mqtt-test",
            SendMessageTimeout = 2000,
            ConnectTimeout = 2000,
            LinkEstablishmentTimeout = 2000,
            IdleTimeout = 0,
            MaxUnsettledPerLink = 1000,
            ReconnectMinDelay = 0,
            ReconnectDelayIncrement = 20,
            ReconnectMaxDelay = 200,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Starts a client against <see cref="Peer"/> and waits until it is connected.</summary>
    protected Task<AmqpMessagingClient> StartClientAsync(Action<MessagingOptions>? configure = null, bool waitUntilReady = true) =>
        StartClientAsync(Peer, configure, waitUntilReady);

    protected async Task<AmqpMessagingClient> StartClientAsync(ScriptedAmqpPeer peer, Action<MessagingOptions>? configure = null,
        bool waitUntilReady = true, TimeProvider? timeProvider = null)
    {
        var client = new AmqpMessagingClient(OptionsFor(peer, configure), Log, timeProvider ?? TimeProvider.System);
        _clients.Add(client);
        await client.StartAsync(CancellationToken.None);
        if (waitUntilReady)
        {
            await Eventually.UntilAsync(() => client.IsReady, Deadline, "client connected");
        }

        return client;
    }

    protected static Message NewMessage(string to, string id) =>
        new() { Properties = new Properties { MessageId = id, To = to }, BodySection = new Data { Binary = [1, 2, 3] } };

    protected static Task<SendOutcome> SendAsync(IDownstreamSender client, string address, string id, bool waitForOutcome = true) =>
        client.SendAsync(address, NewMessage(address, id), waitForOutcome, CancellationToken.None);
}
