using Amqp;
using Amqp.Framing;
using Amqp.Sasl;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

/// <summary>A business application connected to the embedded endpoint with AMQPNetLite's async API.</summary>
internal sealed class TestApplication : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private TestApplication(Connection connection)
    {
        Connection = connection;
        Session = new Session(connection);
    }

    public Connection Connection { get; }

    public Session Session { get; }

    public static async Task<TestApplication> ConnectAsync(int port, string? username = null, string? password = null)
    {
        var factory = new ConnectionFactory();
        if (username is null)
        {
            factory.SASL.Profile = SaslProfile.Anonymous;
        }

        using var cts = new CancellationTokenSource(Deadline);
        var connection = await factory.CreateAsync(new Address("127.0.0.1", port, username, password, "/", "amqp"), cts.Token);
        return new TestApplication(connection);
    }

    /// <summary>Attaches a receiver and waits for the endpoint's answer; does not grant credit (see <see cref="TestReceiver.Start"/>).</summary>
    public async Task<TestReceiver> AttachReceiverAsync(string address, SenderSettleMode settleMode = SenderSettleMode.Unsettled,
        ReceiverSettleMode receiverSettleMode = ReceiverSettleMode.First)
    {
        var attached = new TaskCompletionSource<Attach>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attach = new Attach
        {
            Source = new Source { Address = address },
            Target = new Target(),
            SndSettleMode = settleMode,
            RcvSettleMode = receiverSettleMode,
        };
        var link = new ReceiverLink(Session, "receiver-" + Guid.NewGuid().ToString("N"), attach, (_, remote) => attached.TrySetResult(remote));
        link.AddClosedCallback((_, error) => attached.TrySetException(new AmqpException(error ?? new Error(ErrorCode.DetachForced))));
        var remote = await attached.Task.WaitAsync(Deadline);
        if (remote.Source is null)
        {
            throw new InvalidOperationException("receiver attach refused");
        }

        return new TestReceiver(link);
    }

    /// <summary>Attempts to attach a sender; returns the error the endpoint refused it with, or null if it was accepted.</summary>
    public async Task<Error?> TryAttachSenderAsync(string address)
    {
        var outcome = new TaskCompletionSource<Error?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attach = new Attach { Source = new Source(), Target = new Target { Address = address } };
        var link = new SenderLink(Session, "sender-" + Guid.NewGuid().ToString("N"), attach, (_, remote) =>
        {
            if (remote.Target is not null)
            {
                outcome.TrySetResult(null);
            }
        });
        link.AddClosedCallback((_, error) => outcome.TrySetResult(error ?? new Error(ErrorCode.DetachForced)));
        return await outcome.Task.WaitAsync(Deadline);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.CloseAsync(TimeSpan.FromSeconds(2), null);
        }
        catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException)
        {
            // already gone
        }
    }
}
