using Amqp;
using Amqp.Framing;
using Amqp.Sasl;
using FluentAssertions;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>Proves that the broker fixtures start real peers that real clients can use.</summary>
[CancelAfter(120_000)]
public sealed class BrokerFixtureTests
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);

    [Test]
    public async Task ProtonBrokerPassesAMessageOnHonosTelemetryAddress(CancellationToken cancellationToken)
    {
        await using var broker = await ProtonBroker.StartAsync(cancellationToken);

        var connection = await new ConnectionFactory().CreateAsync(broker.Address, cancellationToken);
        try
        {
            var session = new Session(connection);
            var receiver = new ReceiverLink(session, "test-receiver", "telemetry/DEFAULT_TENANT");
            var sender = new SenderLink(session, "test-sender", "telemetry/DEFAULT_TENANT");
            await sender.SendAsync(new Message("22.5 °C") { Properties = new Properties { MessageId = "m-1", Subject = "temp" } });

            var received = await receiver.ReceiveAsync(ReceiveTimeout);

            received.Should().NotBeNull("the broker should forward the message within {0}", ReceiveTimeout);
            receiver.Accept(received);
            received.Body.Should().Be("22.5 °C");
            received.Properties.MessageId.Should().Be("m-1");
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    [Test]
    public async Task ProtonBrokerAcceptsSaslAnonymousToo(CancellationToken cancellationToken)
    {
        await using var broker = await ProtonBroker.StartAsync(cancellationToken);
        var factory = new ConnectionFactory();
        factory.SASL.Profile = SaslProfile.Anonymous;

        var connection = await factory.CreateAsync(broker.Address, cancellationToken);

        connection.IsClosed.Should().BeFalse();
        await connection.CloseAsync();
    }
}
