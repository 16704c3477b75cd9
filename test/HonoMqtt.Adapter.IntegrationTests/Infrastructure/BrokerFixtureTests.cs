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

    [Test]
    public async Task RabbitMqKeepsAPersistentEventInADurableQueueAcrossARestart(CancellationToken cancellationToken)
    {
        const string queue = "event/DEFAULT_TENANT";
        await using var broker = await RabbitMqBroker.StartAsync(cancellationToken);
        RabbitMqBroker.QueueAddress(queue).Should().Be("/queue/event%2FDEFAULT_TENANT");
        await broker.DeclareDurableQueueAsync(queue, cancellationToken);
        (await broker.CountMessagesAsync(queue, cancellationToken)).Should().Be(0);

        var connection = await new ConnectionFactory().CreateAsync(broker.Address, cancellationToken);
        try
        {
            // the queue is durable: a link to /queue/... must say so, or RabbitMQ refuses it ("inequivalent arg 'durable'")
            var target = new Target { Address = RabbitMqBroker.QueueAddress(queue), Durable = 1 };
            var sender = new SenderLink(new Session(connection), "test-sender", target, null);
            await sender.SendAsync(new Message("door open")
            {
                Header = new Header { Durable = true },
                Properties = new Properties { MessageId = "event-1", ContentType = "text/plain" },
            });
        }
        finally
        {
            await connection.CloseAsync();
        }

        await Eventually.Until(async () => await broker.CountMessagesAsync(queue, cancellationToken) == 1, TimeSpan.FromSeconds(10), "the event is in the queue", cancellationToken);

        await broker.RestartAsync(cancellationToken);

        (await broker.CountMessagesAsync(queue, cancellationToken)).Should().Be(1, "a persistent message in a durable queue survives a restart");
        connection = await new ConnectionFactory().CreateAsync(broker.Address, cancellationToken);
        try
        {
            var source = new Source { Address = RabbitMqBroker.QueueAddress(queue), Durable = 1 };
            var receiver = new ReceiverLink(new Session(connection), "test-receiver", source, null);
            var received = await receiver.ReceiveAsync(ReceiveTimeout);
            received.Should().NotBeNull("the event should still be there after the restart");
            receiver.Accept(received);
            received.Body.Should().Be("door open");
            received.Properties.MessageId.Should().Be("event-1");
            received.Header.Durable.Should().BeTrue();
            await receiver.CloseAsync();
        }
        finally
        {
            await connection.CloseAsync();
        }

        await Eventually.Until(async () => await broker.CountMessagesAsync(queue, cancellationToken) == 0, TimeSpan.FromSeconds(10), "the accepted event is gone", cancellationToken);
    }

    [Test]
    public async Task RabbitMqTakesLinksWithoutDurableTerminusOnAnExistingDurableQueue(CancellationToken cancellationToken)
    {
        const string queue = "telemetry/DEFAULT_TENANT";
        await using var broker = await RabbitMqBroker.StartAsync(cancellationToken);
        await broker.DeclareDurableQueueAsync(queue, cancellationToken);

        var connection = await new ConnectionFactory().CreateAsync(broker.Address, cancellationToken);
        try
        {
            var session = new Session(connection);
            var sender = new SenderLink(session, "test-sender", RabbitMqBroker.ExistingQueueAddress(queue));
            await sender.SendAsync(new Message("21.5"));
            await Eventually.Until(async () => await broker.CountMessagesAsync(queue, cancellationToken) == 1, TimeSpan.FromSeconds(10), "the message is in the queue", cancellationToken);

            var receiver = new ReceiverLink(session, "test-receiver", RabbitMqBroker.ExistingQueueAddress(queue));
            var received = await receiver.ReceiveAsync(ReceiveTimeout);
            received.Should().NotBeNull();
            receiver.Accept(received);
            received.Body.Should().Be("21.5");
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    [Test]
    public async Task MosquittoPubFailsWithAConnectionErrorWhenNothingListens(CancellationToken cancellationToken)
    {
        var closedPort = FreePort.Get();

        var result = await MosquittoClients.PublishAsync(
            new MosquittoOptions { Port = closedPort, Topic = "telemetry", Qos = 1, Username = "sensor1@DEFAULT_TENANT", Password = "hono-secret" },
            "{\"temp\":5}",
            cancellationToken: cancellationToken);

        result.TimedOut.Should().BeFalse();
        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("Connection refused");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task MosquittoClientsPublishAndSubscribeThroughAMosquittoBroker(bool mqttV5, CancellationToken cancellationToken)
    {
        await using var broker = await MosquittoBroker.StartAsync(cancellationToken);
        var options = new MosquittoOptions { Port = broker.Port, Topic = "telemetry/#", Qos = 1, MqttV5 = mqttV5, Username = "app", Password = "secret" };
        await using var subscription = await MosquittoClients.SubscribeAsync(options with { ClientId = "test-sub" }, cancellationToken: cancellationToken);
        subscription.GrantedQos.Should().Equal(1);

        var published = await MosquittoClients.PublishAsync(options with { Topic = "telemetry/DEFAULT_TENANT/4711", ClientId = "4711" }, "{\"temp\":5}", cancellationToken: cancellationToken);
        var empty = await MosquittoClients.PublishAsync(options with { Topic = "telemetry/DEFAULT_TENANT/4712", Qos = 0 }, null, cancellationToken: cancellationToken);

        published.Succeeded.Should().BeTrue(published.ToString());
        empty.Succeeded.Should().BeTrue(empty.ToString());
        (await subscription.NextLinesAsync(2, ReceiveTimeout, cancellationToken))
            .Should().Equal("telemetry/DEFAULT_TENANT/4711 {\"temp\":5}", "telemetry/DEFAULT_TENANT/4712 (null)");
        subscription.ReceivedLines.Should().HaveCount(2);
    }

    [Test]
    public async Task MosquittoSubOnceWaitsForTheGivenNumberOfMessages(CancellationToken cancellationToken)
    {
        await using var broker = await MosquittoBroker.StartAsync(cancellationToken);
        var options = new MosquittoOptions { Port = broker.Port, Topic = "event/DEFAULT_TENANT/4711", Qos = 1 };

        var result = await MosquittoClients.SubscribeOnceAsync(options, count: 1, waitSeconds: 1, cancellationToken);

        result.ExitCode.Should().Be(27, "mosquitto_sub -W ends with 27 when no message arrives in time: {0}", result);
    }
}
